"""Quotes get the day and place of the statement, not of what was said."""

from __future__ import annotations

from wirelens.ingest.article import make_article
from wirelens.model import Analysis
from wirelens.pipeline import Pipeline


def run(nlp, text: str, published: str | None = "2022-02-15") -> Analysis:  # type: ignore[no-untyped-def]
    return Pipeline(nlp=nlp).analyze(make_article(text, published=published))


def test_reference_article_quote_dates(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    analysis = run(nlp, reference_text)
    by_cue = {
        (q.source.text if q.source else "", q.cue.text if q.cue else ""): q for q in analysis.quotes
    }
    lukashenko = next(q for (s, _), q in by_cue.items() if "Lukashenko" in s)
    assert lukashenko.date == "2022-02-14"  # "On Monday, ... told Russian media"
    stoltenberg = next(q for (s, c), q in by_cue.items() if "Jens Stoltenberg" in s)
    assert stoltenberg.date == "2022-02-15"  # "told reporters Tuesday morning"
    asserted = next(q for (_, c), q in by_cue.items() if c == "asserted")
    assert asserted.date == "2022-02-14"  # shares "on Monday" with the verb it is conjoined to
    zelensky = next(q for (s, _), q in by_cue.items() if "Zelensky" in s)
    assert zelensky.date != "2022-02-16"  # the day inside the claim is not the day of the words


def test_place_on_the_cue_verb_only(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Speaking in Kyiv, the minister said on Monday that troops had gathered near Kharkiv. "
        "Jens Stoltenberg said in Brussels that NATO would not send troops to Lviv."
    )
    analysis = run(nlp, text)
    names = {p.id: p.name for p in analysis.places}
    stoltenberg = next(q for q in analysis.quotes if q.source and "Stoltenberg" in q.source.text)
    assert names.get(stoltenberg.place_id or "") == "Brussels"
    minister = next(q for q in analysis.quotes if q.source and "minister" in q.source.text)
    assert minister.date == "2022-02-14"
    assert names.get(minister.place_id or "") != "Kharkiv"


def test_no_publication_date_leaves_undated_quotes(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = run(nlp, "NATO said it saw no sign of a pullback.", published=None)
    assert analysis.quotes and all(q.date is None for q in analysis.quotes)
