"""Words vs deeds: what an actor said against what it was reported to do, by day.

Words are the actor's verbal events (verbal cooperation/conflict, any modality but negated) and
its material events that are only *claimed* or *planned* (an announced pullback is a statement,
not an observed move). Deeds are its material events with modality ``reported``. Each side's day
score is the sum of Goldstein scores (cooperation > 0, conflict < 0); ``gap = words - deeds``: a
large positive gap is conciliatory talk while the reported deeds are hostile.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .actors import side_condition

if TYPE_CHECKING:
    import duckdb

__all__ = ["words_vs_deeds"]


def words_vs_deeds(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Daily rows: words/deeds Goldstein sums and counts, gap, and example triggers."""
    side, params = side_condition(actor, "e.actor_country", ("aa.name", "e.actor_text"))
    where = [side, "e.modality <> 'negated'", "coalesce(e.date, a.published) IS NOT NULL"]
    if since:
        where.append("coalesce(e.date, a.published) >= ?")
        params.append(since)
    if until:
        where.append("coalesce(e.date, a.published) <= ?")
        params.append(until)
    words = (
        "(e.quad LIKE 'verbal%' OR (e.quad LIKE 'material%' AND e.modality IN "
        "('claimed', 'planned')))"
    )
    deeds = "(e.quad LIKE 'material%' AND e.modality = 'reported')"
    sql = f"""
    SELECT coalesce(e.date, a.published) AS day,
           count(*) FILTER (WHERE {words}) AS n_words,
           coalesce(sum(e.goldstein) FILTER (WHERE {words}), 0) AS words,
           count(*) FILTER (WHERE {deeds}) AS n_deeds,
           coalesce(sum(e.goldstein) FILTER (WHERE {deeds}), 0) AS deeds,
           list(DISTINCT e.type || ' (' || e.trigger_text || ')') FILTER (WHERE {words})
               AS said,
           list(DISTINCT e.type || ' (' || e.trigger_text || ')') FILTER (WHERE {deeds}) AS did
    FROM events e JOIN articles a USING (article_id)
    LEFT JOIN actors aa ON aa.article_id = e.article_id AND aa.actor_id = e.actor_id
    WHERE {" AND ".join(where)} GROUP BY 1 HAVING n_words + n_deeds > 0 ORDER BY 1"""
    out = []
    for day, n_words, w, n_deeds, d, said, did in con.execute(sql, params).fetchall():
        out.append(
            {
                "day": day.isoformat(),
                "words": round(w, 2),
                "n_words": n_words,
                "deeds": round(d, 2),
                "n_deeds": n_deeds,
                "gap": round(w - d, 2),
                "said": sorted(said or [])[:5],
                "did": sorted(did or [])[:5],
            }
        )
    return out
