"""Actor timelines: one actor's (or one pair's) events and statements across articles, by day.

>>> rows = actor_timeline(con, "Russia", "Ukraine")  # doctest: +SKIP

Events match when the actor (for a pair: either side) is the event's actor and, for a pair, the
other is its target; statements are the actor's quotes (for a pair: quotes by either that name
the other). An event's day is its own date, else the article's publication date; a quote's day is
the publication date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .actors import side_condition

if TYPE_CHECKING:
    import duckdb

__all__ = ["TimelineItem", "actor_timeline", "daily_summary"]

_EVENTS = """
SELECT coalesce(e.date, a.published) AS day, 'event' AS kind,
       coalesce(aa.name, e.actor_text) AS actor, coalesce(ta.name, e.target_text) AS target,
       e.type AS what, e.trigger_text AS text, e.goldstein, e.quad, e.modality,
       coalesce(a.outlet, a.title, a.path) AS outlet, e.article_id
FROM events e JOIN articles a USING (article_id)
LEFT JOIN actors aa ON aa.article_id = e.article_id AND aa.actor_id = e.actor_id
LEFT JOIN actors ta ON ta.article_id = e.article_id AND ta.actor_id = e.target_id
WHERE {where}
"""
_QUOTES = """
SELECT coalesce(q.date, a.published) AS day, 'statement' AS kind, act.name AS actor,
       NULL AS target, q.cue_lemma AS what, q.content_text AS text, NULL AS goldstein,
       NULL AS quad, NULL AS modality, coalesce(a.outlet, a.title, a.path) AS outlet,
       q.article_id
FROM quotes q JOIN articles a USING (article_id)
JOIN actors act ON act.article_id = q.article_id AND act.actor_id = q.source_actor_id
WHERE {where}
"""


@dataclass
class TimelineItem:
    """One event or statement on an actor timeline."""

    day: date | None
    kind: str  # event | statement
    actor: str | None
    target: str | None
    what: str | None  # PLOVER type, or the quote's cue lemma
    text: str
    goldstein: float | None
    quad: str | None
    modality: str | None
    outlet: str | None
    article_id: str

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["day"] = self.day.isoformat() if self.day else None
        return out


def _range(col: str, since: date | None, until: date | None) -> tuple[str, list[Any]]:
    parts, params = [], []
    if since:
        parts.append(f"{col} >= ?")
        params.append(since)
    if until:
        parts.append(f"{col} <= ?")
        params.append(until)
    return (" AND ".join(parts) or "TRUE"), params


def actor_timeline(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    other: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TimelineItem]:
    """Events and statements of ``actor`` (with ``other``: between the two), in day order."""
    a_side, a_params = side_condition(actor, "e.actor_country", ("aa.name", "e.actor_text"))
    if other:
        b_side, b_params = side_condition(other, "e.target_country", ("ta.name", "e.target_text"))
        b_act, b_act_params = side_condition(other, "e.actor_country", ("aa.name", "e.actor_text"))
        a_tgt, a_tgt_params = side_condition(
            actor, "e.target_country", ("ta.name", "e.target_text")
        )
        where = f"(({a_side} AND {b_side}) OR ({b_act} AND {a_tgt}))"
        params: list[Any] = a_params + b_params + b_act_params + a_tgt_params
    else:
        where, params = a_side, list(a_params)
    when, when_params = _range("coalesce(e.date, a.published)", since, until)
    rows = con.execute(_EVENTS.format(where=f"{where} AND {when}"), params + when_params).fetchall()

    q_side, q_params = side_condition(actor, "act.country", ("act.name",))
    if other:
        # statements by one side that name the other
        o_side, o_params = side_condition(other, "act.country", ("act.name",))
        q_where = f"(({q_side} AND contains(lower(q.content_text), lower(?))) OR ({o_side} AND "
        q_where += "contains(lower(q.content_text), lower(?))))"
        q_all: list[Any] = [*q_params, other, *o_params, actor]
    else:
        q_where, q_all = q_side, list(q_params)
    q_when, q_when_params = _range("coalesce(q.date, a.published)", since, until)
    rows += con.execute(
        _QUOTES.format(where=f"{q_where} AND {q_when}"), q_all + q_when_params
    ).fetchall()
    items = [TimelineItem(*row) for row in rows]
    items.sort(key=lambda i: (i.day or date.max, i.kind, i.article_id))
    return items


def daily_summary(items: list[TimelineItem]) -> list[dict[str, Any]]:
    """Per day: events, statements, mean and min Goldstein of the events."""
    days: dict[date | None, list[TimelineItem]] = defaultdict(list)
    for item in items:
        days[item.day].append(item)
    out = []
    for day in sorted(days, key=lambda d: d or date.max):
        scores = [i.goldstein for i in days[day] if i.goldstein is not None]
        out.append(
            {
                "day": day.isoformat() if day else None,
                "events": sum(1 for i in days[day] if i.kind == "event"),
                "statements": sum(1 for i in days[day] if i.kind == "statement"),
                "goldstein_mean": round(sum(scores) / len(scores), 2) if scores else None,
                "goldstein_min": min(scores) if scores else None,
            }
        )
    return out
