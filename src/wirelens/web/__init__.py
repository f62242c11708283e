"""The dashboard and the read models behind the REST API (see :mod:`wirelens.api`).

- :mod:`.queries`: list and detail reads over the store, shared by the API and the pages;
- :mod:`.highlight`: one article's text cut into highlighted segments;
- :mod:`.views`: the Jinja2 pages (templates/) and vendored JS/CSS (static/);
- :mod:`.corpus_routes`: API routes over :mod:`wirelens.corpus` (claim groups, timelines,
  escalation, words vs deeds).
"""
