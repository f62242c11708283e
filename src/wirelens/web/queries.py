"""Read models over the store, shared by the REST API and the dashboard.

Every function takes a DuckDB connection (the service hands each request its own cursor, so
reads never share a connection object across threads) and returns plain dicts or records. SQL
is built from fixed fragments only; every user value goes in as a ``?`` parameter.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request  # runtime import: FastAPI reads the dependency's hints

from ..model import (
    Actor,
    Analysis,
    Article,
    Claim,
    Cue,
    Event,
    EventParticipant,
    Evidence,
    Place,
    Quantity,
    Quote,
    QuoteContent,
    QuoteSource,
    TextSpan,
    Time,
)

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "Filters",
    "actor_network",
    "actors",
    "articles",
    "claims",
    "connection",
    "events",
    "load_analysis",
    "quotes",
]


def connection(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """FastAPI dependency: a read cursor of the app's store for one request.

    ``app.state.reader`` is set by :func:`wirelens.api.create_app`.
    """
    with request.app.state.reader() as con:
        yield con


@dataclass
class Filters:
    """The filters every list endpoint understands; None means "no filter"."""

    since: date | None = None
    until: date | None = None
    actor: str | None = None
    outlet: str | None = None
    status: str | None = None
    type: str | None = None
    article_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass
class _Where:
    """A WHERE clause assembled from fixed fragments plus its parameters."""

    parts: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, fragment: str, *params: Any) -> None:
        self.parts.append(fragment)
        self.params.extend(params)

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.parts) if self.parts else ""


def _common(where: _Where, f: Filters, day: str, actor_columns: tuple[str, ...]) -> None:
    """Date range on ``day``, outlet, article and a case-insensitive actor substring match."""
    if f.since is not None:
        where.add(f"{day} >= ?", f.since)
    if f.until is not None:
        where.add(f"{day} <= ?", f.until)
    if f.outlet:
        where.add("lower(a.outlet) = lower(?)", f.outlet)
    if f.article_id:
        where.add("a.article_id = ?", f.article_id)
    if f.actor and actor_columns:
        pattern = f"%{f.actor.lower()}%"
        ors = " OR ".join(f"lower(coalesce({c}, '')) LIKE ?" for c in actor_columns)
        where.add(f"({ors})", *([pattern] * len(actor_columns)))


def _page(
    con: duckdb.DuckDBPyConnection, select: str, where: _Where, order: str, f: Filters
) -> tuple[int, list[dict[str, Any]]]:
    """(total matching rows, one page of rows as dicts)."""
    base = f"{select}{where.sql()}"
    total_row = con.execute(f"SELECT count(*) FROM ({base})", where.params).fetchone()
    total = int(total_row[0]) if total_row else 0
    cursor = con.execute(
        f"{base} ORDER BY {order} LIMIT ? OFFSET ?", [*where.params, f.limit, f.offset]
    )
    columns = [d[0] for d in cursor.description or []]
    return total, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- lists ---------------------------------------------------------------------------------------


def articles(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    """Stored articles (no text), newest first."""
    where = _Where()
    _common(where, f, "a.published", ("a.title", "a.text"))
    total, rows = _page(
        con,
        "SELECT a.article_id, a.title, a.url, a.outlet, a.published, a.story_id, a.n_chars, "
        "a.n_actors, a.n_quotes, a.n_claims, a.n_events FROM articles a",
        where,
        "a.published DESC NULLS LAST, a.article_id",
        f,
    )
    for row in rows:
        row["published"] = _iso(row["published"])
    return total, rows


_SPEAKER = "LEFT JOIN actors s ON s.article_id = q.article_id AND s.actor_id = q.source_actor_id"


def quotes(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    """Quotes with their speaker's resolved name; ``type`` filters the quote kind."""
    where = _Where()
    _common(where, f, "coalesce(q.date, a.published)", ("s.name", "q.source_text"))
    if f.type:
        where.add("q.kind = ?", f.type)
    total, rows = _page(
        con,
        "SELECT q.article_id, q.quote_id, q.kind, s.name AS speaker, q.source_text, "
        "q.cue_lemma, q.content_text, q.channel, q.via, q.negated, "
        "coalesce(q.date, a.published) AS date, a.outlet, a.published "
        f"FROM quotes q JOIN articles a USING (article_id) {_SPEAKER}",
        where,
        "date DESC NULLS LAST, q.article_id, q.source_start NULLS LAST, q.quote_id",
        f,
    )
    for row in rows:
        row["date"], row["published"] = _iso(row["date"]), _iso(row["published"])
    return total, rows


def claims(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    """Claims with their source's name, evidence and claim group (when grouped)."""
    where = _Where()
    _common(where, f, "coalesce(c.date, a.published)", ("s.name",))
    if f.status:
        where.add("c.status = ?", f.status)
    total, rows = _page(
        con,
        "SELECT c.article_id, c.claim_id, c.text, c.status, c.source_actor_id, s.name AS source, "
        "c.checkworthiness, coalesce(c.date, a.published) AS date, c.evidence, a.outlet, "
        "a.published, g.group_id FROM claims c JOIN articles a USING (article_id) "
        "LEFT JOIN actors s ON s.article_id = c.article_id AND s.actor_id = c.source_actor_id "
        "LEFT JOIN (SELECT DISTINCT claim_id, article_id, group_id FROM claim_groups) g "
        "ON g.article_id = c.article_id AND g.claim_id = c.claim_id",
        where,
        "date DESC NULLS LAST, c.article_id, c.span_start",
        f,
    )
    for row in rows:
        row["date"], row["published"] = _iso(row["date"]), _iso(row["published"])
        row["evidence"] = _json(row["evidence"]) or []
    return total, rows


def events(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    """Events with their actors' resolved names; ``type`` filters the PLOVER type."""
    where = _Where()
    _common(
        where,
        f,
        "coalesce(e.date, a.published)",
        ("sa.name", "ta.name", "e.actor_text", "e.target_text"),
    )
    if f.type:
        where.add("e.type = ?", f.type.upper())
    total, rows = _page(
        con,
        "SELECT e.article_id, e.event_id, coalesce(e.date, a.published) AS date, e.type, e.mode, "
        "e.cameo, e.goldstein, e.quad, e.modality, coalesce(sa.name, e.actor_text) AS actor, "
        "e.actor_country, coalesce(ta.name, e.target_text) AS target, e.target_country, "
        "e.trigger_text AS trigger, e.place_name AS place, e.quantity_value, e.quantity_unit, "
        "a.outlet, a.published FROM events e JOIN articles a USING (article_id) "
        "LEFT JOIN actors sa ON sa.article_id = e.article_id AND sa.actor_id = e.actor_id "
        "LEFT JOIN actors ta ON ta.article_id = e.article_id AND ta.actor_id = e.target_id",
        where,
        "date DESC NULLS LAST, e.article_id, e.trigger_start",
        f,
    )
    for row in rows:
        row["date"], row["published"] = _iso(row["date"]), _iso(row["published"])
    return total, rows


def actors(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    """Actors merged across articles by name: roles, countries, mention and article counts."""
    where = _Where()
    _common(where, f, "a.published", ("x.name",))
    if f.type:
        where.add("x.kind = ?", f.type)
    total, rows = _grouped_actors(con, where, f)
    for row in rows:
        row["roles"] = [r for r in row["roles"] or [] if r]
    return total, rows


def _grouped_actors(
    con: duckdb.DuckDBPyConnection, where: _Where, f: Filters
) -> tuple[int, list[dict[str, Any]]]:
    # Filters apply before grouping, so the inner query carries them and the page wraps it.
    inner = (
        "SELECT x.name, mode(x.kind) AS kind, mode(x.country) AS country, "
        "mode(x.sector) AS sector, "
        "list_sort(list_distinct(flatten(list(x.roles)))) AS roles, "
        "sum(x.n_mentions)::BIGINT AS mentions, count(DISTINCT x.article_id) AS articles "
        f"FROM actors x JOIN articles a USING (article_id){where.sql()} GROUP BY x.name"
    )
    outer = _Where(params=list(where.params))
    return _page(con, f"SELECT * FROM ({inner})", outer, "mentions DESC, name", f)


def actor_network(
    con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 200
) -> list[dict[str, Any]]:
    """Directed edges actor -> target from events: who accused, met, threatened whom, how often."""
    where = _Where()
    _common(where, f, "coalesce(e.date, a.published)", ())
    where.add("e.target_text IS NOT NULL")
    cursor = con.execute(
        "SELECT coalesce(sa.name, e.actor_text) AS source, coalesce(ta.name, e.target_text) AS "
        "target, e.type, e.quad, count(*) AS n, avg(e.goldstein) AS goldstein "
        "FROM events e JOIN articles a USING (article_id) "
        "LEFT JOIN actors sa ON sa.article_id = e.article_id AND sa.actor_id = e.actor_id "
        "LEFT JOIN actors ta ON ta.article_id = e.article_id AND ta.actor_id = e.target_id"
        f"{where.sql()} GROUP BY ALL ORDER BY n DESC, source, target LIMIT ?",
        [*where.params, limit],
    )
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# --- one article back from its rows --------------------------------------------------------------


# Record ids are a letter and a running number (A1, A2, ..., A10): order numerically, which is
# the order the extractors produced them in.
_BY_ID = "length({0}), {0}"


def _rows(
    con: duckdb.DuckDBPyConnection, table: str, article_id: str, order: str
) -> list[dict[str, Any]]:
    cursor = con.execute(
        f"SELECT * FROM {table} WHERE article_id = ? ORDER BY {order}", [article_id]
    )
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _span(text: str | None, start: int | None, end: int | None) -> dict[str, Any] | None:
    if text is None or start is None or end is None:
        return None
    return {"text": text, "start": start, "end": end}


def load_analysis(con: duckdb.DuckDBPyConnection, article_id: str) -> Analysis | None:
    """The Analysis of a stored article rebuilt from its rows (None when not stored).

    The store keeps every field of the record contract except ``Event.origin_place_id``, which
    comes back as None.
    """
    found = _rows(con, "articles", article_id, "article_id")
    if not found:
        return None
    art = found[0]
    article = Article(
        id=art["article_id"], title=art["title"], url=art["url"], outlet=art["outlet"],
        published=_iso(art["published"]), published_source=art["published_source"] or "unknown",
        language=art["language"] or "en", text=art["text"], path=art["path"],
    )  # fmt: skip
    analysis = Analysis(article=article)
    for r in _rows(con, "actors", article_id, _BY_ID.format("actor_id")):
        analysis.actors.append(
            Actor(
                id=r["actor_id"], name=r["name"], kind=r["kind"] or "unknown",
                country=r["country"], sector=r["sector"], roles=list(r["roles"] or []),
                organization=r["organization"], aliases=list(r["aliases"] or []),
                mentions=[tuple(m) for m in _json(r["mentions"]) or []],
            )
        )  # fmt: skip
    for r in _rows(con, "quotes", article_id, _BY_ID.format("quote_id")):
        source = _span(r["source_text"], r["source_start"], r["source_end"])
        cue = _span(r["cue_text"], r["cue_start"], r["cue_end"])
        analysis.quotes.append(
            Quote(
                id=r["quote_id"], kind=r["kind"],
                source=QuoteSource(**source, actor_id=r["source_actor_id"]) if source else None,
                cue=Cue(**cue, lemma=r["cue_lemma"] or "") if cue else None,
                content=QuoteContent(
                    text=r["content_text"],
                    spans=[tuple(s) for s in _json(r["content_spans"]) or []],
                ),
                channel=r["channel"], via=r["via"], negated=bool(r["negated"]),
                date=_iso(r["date"]), place_id=r["place_id"],
            )
        )  # fmt: skip
    for r in _rows(con, "claims", article_id, _BY_ID.format("claim_id")):
        analysis.claims.append(
            Claim(
                id=r["claim_id"], text=r["text"], span=(r["span_start"], r["span_end"]),
                source_actor_id=r["source_actor_id"], quote_id=r["quote_id"],
                status=r["status"], checkworthiness=r["checkworthiness"] or 0.0,
                date=_iso(r["date"]), place_id=r["place_id"],
                evidence=[Evidence(**e) for e in _json(r["evidence"]) or []],
            )
        )  # fmt: skip
    for r in _rows(con, "events", article_id, _BY_ID.format("event_id")):
        target = _span(r["target_text"], r["target_start"], r["target_end"])
        analysis.events.append(
            Event(
                id=r["event_id"], type=r["type"], mode=r["mode"], cameo=r["cameo"],
                goldstein=r["goldstein"], quad=r["quad"], modality=r["modality"],
                actor=EventParticipant(
                    text=r["actor_text"], start=r["actor_start"], end=r["actor_end"],
                    actor_id=r["actor_id"], country=r["actor_country"], sector=r["actor_sector"],
                ),
                target=EventParticipant(
                    **target, actor_id=r["target_id"], country=r["target_country"],
                    sector=r["target_sector"],
                ) if target else None,
                trigger=TextSpan(
                    text=r["trigger_text"], start=r["trigger_start"], end=r["trigger_end"]
                ),
                date=_iso(r["date"]), place_id=r["place_id"],
                quantity=Quantity(value=r["quantity_value"], unit=r["quantity_unit"])
                if r["quantity_value"] is not None and r["quantity_unit"] is not None else None,
            )
        )  # fmt: skip
    for r in _rows(con, "times", article_id, _BY_ID.format("time_id")):
        analysis.times.append(
            Time(text=r["text"], start=r["start"], end=r["end"], type=r["type"], value=r["value"])
        )
    for r in _rows(con, "places", article_id, "start, place_id"):
        analysis.places.append(
            Place(
                id=r["place_id"], text=r["text"], start=r["start"], end=r["end"], name=r["name"],
                country=r["country"], lat=r["lat"], lon=r["lon"], geonameid=r["geonameid"],
                feature=r["feature"],
            )
        )  # fmt: skip
    return analysis
