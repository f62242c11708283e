"""Escalation index: a daily series from event Goldstein scores, overall or for an actor pair.

Each event contributes ``x = -goldstein * w_modality * w_quad`` (positive = escalation):

- ``w_modality``: reported 1.0, claimed 0.5, planned 0.25, hypothetical 0.1, negated 0;
- ``w_quad``: material conflict/cooperation 1.0, verbal conflict/cooperation 0.5 (deeds weigh
  more than words).

The day's ``index`` is the sum of ``x`` over its events, ``mean`` is ``index / sum(weights)``
(intensity independent of how much was written that day). The day is the event's date, else the
article's publication date. docs/CORPUS.md documents the same formula.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from .actors import side_condition

if TYPE_CHECKING:
    import duckdb

__all__ = ["MODALITY_WEIGHT", "QUAD_WEIGHT", "escalation_series", "top_pairs"]

MODALITY_WEIGHT = {
    "reported": 1.0,
    "claimed": 0.5,
    "planned": 0.25,
    "hypothetical": 0.1,
    "negated": 0.0,
}
QUAD_WEIGHT = {
    "material_conflict": 1.0,
    "material_cooperation": 1.0,
    "verbal_conflict": 0.5,
    "verbal_cooperation": 0.5,
}


def _weights_sql() -> str:
    modality = " ".join(f"WHEN '{k}' THEN {v}" for k, v in MODALITY_WEIGHT.items())
    quad = " ".join(f"WHEN '{k}' THEN {v}" for k, v in QUAD_WEIGHT.items())
    return (
        f"CAST((CASE e.modality {modality} ELSE 1.0 END) * (CASE e.quad {quad} ELSE 1.0 END) "
        "AS DOUBLE)"
    )


def escalation_series(
    con: duckdb.DuckDBPyConnection,
    pair: tuple[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Daily rows: day, events, index, mean, and event counts per quad class."""
    where: list[str] = ["coalesce(e.date, a.published) IS NOT NULL"]
    params: list[Any] = []
    if pair:
        a, b = pair
        a1, p1 = side_condition(a, "e.actor_country", ("aa.name", "e.actor_text"))
        b1, p2 = side_condition(b, "e.target_country", ("ta.name", "e.target_text"))
        b2, p3 = side_condition(b, "e.actor_country", ("aa.name", "e.actor_text"))
        a2, p4 = side_condition(a, "e.target_country", ("ta.name", "e.target_text"))
        where.append(f"(({a1} AND {b1}) OR ({b2} AND {a2}))")
        params += p1 + p2 + p3 + p4
    if since:
        where.append("coalesce(e.date, a.published) >= ?")
        params.append(since)
    if until:
        where.append("coalesce(e.date, a.published) <= ?")
        params.append(until)
    sql = f"""
    SELECT coalesce(e.date, a.published) AS day, count(*) AS events,
           sum(-e.goldstein * {_weights_sql()}) AS idx, sum({_weights_sql()}) AS weight,
           count(*) FILTER (WHERE e.quad = 'verbal_cooperation') AS verbal_cooperation,
           count(*) FILTER (WHERE e.quad = 'material_cooperation') AS material_cooperation,
           count(*) FILTER (WHERE e.quad = 'verbal_conflict') AS verbal_conflict,
           count(*) FILTER (WHERE e.quad = 'material_conflict') AS material_conflict
    FROM events e JOIN articles a USING (article_id)
    LEFT JOIN actors aa ON aa.article_id = e.article_id AND aa.actor_id = e.actor_id
    LEFT JOIN actors ta ON ta.article_id = e.article_id AND ta.actor_id = e.target_id
    WHERE {" AND ".join(where)} GROUP BY 1 ORDER BY 1"""
    out = []
    for day, n, idx, weight, vc, mc, vf, mf in con.execute(sql, params).fetchall():
        idx, weight = float(idx or 0.0), float(weight or 0.0)
        out.append(
            {
                "day": day.isoformat(),
                "events": n,
                "index": round(idx, 2),
                "mean": round(idx / weight, 2) if weight else 0.0,
                "verbal_cooperation": vc,
                "material_cooperation": mc,
                "verbal_conflict": vf,
                "material_conflict": mf,
            }
        )
    return out


def top_pairs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[dict[str, Any]]:
    """Country pairs (actor -> target) with the most escalation over the whole store."""
    sql = f"""
    SELECT e.actor_country, e.target_country, count(*) AS events,
           round(sum(-e.goldstein * {_weights_sql()}), 2) AS idx
    FROM events e WHERE e.actor_country IS NOT NULL AND e.target_country IS NOT NULL
      AND e.actor_country <> e.target_country
    GROUP BY 1, 2 ORDER BY idx DESC, events DESC LIMIT {int(limit)}"""
    return [
        {"actor": a, "target": t, "events": n, "index": float(i)}
        for a, t, n, i in con.execute(sql).fetchall()
    ]


def by_day(rows: list[dict[str, Any]]) -> dict[str, float]:
    """day -> index, for plots."""
    out: dict[str, float] = defaultdict(float)
    for row in rows:
        out[row["day"]] += row["index"]
    return dict(out)
