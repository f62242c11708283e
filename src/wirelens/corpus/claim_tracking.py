"""Claim tracking: the same claim made or reported in different articles, grouped, with a timeline.

>>> from wirelens.store import Store
>>> with Store("wirelens.duckdb") as store:  # doctest: +SKIP
...     ensure_groups(store.con)
...     groups = list_groups(store.con, status="disputed")

Grouping (:func:`group_claims`): claims with enough content (:func:`~.similarity.informative`)
are compared by TF-IDF cosine over content stems and concept tokens (:mod:`.similarity`); pairs of
claims at least :data:`THRESHOLD` alike and published within :data:`WINDOW_DAYS` days are linked,
and each connected set is cut by average-linkage clustering at the same threshold (so a chain of
loosely related claims does not become one group). A group must span two articles.

Standing of a group (:func:`standing`): members in publication order; copies of an earlier
member's story (``articles.story_id``) are skipped; the **latest** member whose status is not
``asserted`` and which has at least one evidence span decides, and on the same day the strongest
status wins (retracted > unsupported > denied > disputed > unconfirmed > alleged > hedged). An
``asserted`` member with "supports" evidence from another story counts as ``confirmed``. With no
such member the standing is ``asserted``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from .mentions import Mention, find_mentions

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "STANDING_ORDER",
    "THRESHOLD",
    "WINDOW_DAYS",
    "ClaimGroup",
    "Member",
    "ensure_groups",
    "get_group",
    "group_claims",
    "list_groups",
    "standing",
]

THRESHOLD = 0.45  # chosen on examples/crisis-2022/claim_pairs.tsv (see docs/CORPUS.md)
WINDOW_DAYS = 21  # a claim and its repetition/dispute are usually days apart, not months
METHOD = f"tfidf-concepts-v3 t={THRESHOLD} w={WINDOW_DAYS} mentions counter"
# Strongest first; "confirmed" is a group standing only (no single claim has it).
STANDING_ORDER = (
    "retracted",
    "unsupported",
    "denied",
    "disputed",
    "confirmed",
    "unconfirmed",
    "alleged",
    "hedged",
    "asserted",
)
# A negation in a claim's own words: "will not withdraw" against "will withdraw" (grouping
# ignores negation on purpose, so both land in one group; the role tells them apart).
_NEGATION = re.compile(r"\b(?:not|never|no longer|cannot)\b|n't\b", re.IGNORECASE)
ROLE_OF_STATUS = {
    "retracted": "retract",
    "unsupported": "dispute",
    "denied": "dispute",
    "disputed": "dispute",
    "unconfirmed": "question",
    "alleged": "question",
    "hedged": "question",
}

_SUMMARY_DDL = """
CREATE TABLE IF NOT EXISTS claim_group_summary (
    group_id VARCHAR PRIMARY KEY, label VARCHAR, first_seen DATE, last_seen DATE,
    standing VARCHAR, standing_date DATE, standing_evidence JSON, n_claims INTEGER,
    n_articles INTEGER, n_stories INTEGER, outlets VARCHAR[], sources VARCHAR[],
    countries VARCHAR[], statuses JSON, grouped_at TIMESTAMP, n_mentions INTEGER);
ALTER TABLE claim_group_summary ADD COLUMN IF NOT EXISTS n_mentions INTEGER;
CREATE TABLE IF NOT EXISTS claim_group_mentions (
    group_id VARCHAR, article_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR,
    speaker VARCHAR, similarity DOUBLE, grouped_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS claim_grouping_state (
    fingerprint VARCHAR, method VARCHAR, n_groups INTEGER, grouped_at TIMESTAMP);
"""

_CLAIMS_SQL = """
SELECT c.article_id, c.claim_id, c.text, c.status, c.evidence, c.source_actor_id,
       a.published, a.outlet, coalesce(a.story_id, a.article_id) AS story_id, a.title, a.path,
       act.name AS source_name, act.country AS source_country
FROM claims c JOIN articles a USING (article_id)
LEFT JOIN actors act ON act.article_id = c.article_id AND act.actor_id = c.source_actor_id
ORDER BY a.published NULLS LAST, c.article_id, c.span_start
"""


@dataclass
class Member:
    """One claim of a group, as shown in its timeline."""

    article_id: str
    claim_id: str
    date: date | None
    outlet: str
    story_id: str
    source: str | None
    country: str | None
    status: str
    role: str
    text: str
    evidence: list[dict[str, Any]]
    similarity: float

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat() if self.date else None
        return out


@dataclass
class ClaimGroup:
    """A claim followed across articles: its members in date order and its current standing."""

    group_id: str
    label: str
    members: list[Member]
    standing: str = "asserted"
    standing_date: date | None = None
    standing_evidence: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def first_seen(self) -> date | None:
        return next((m.date for m in self.members if m.date), None)

    @property
    def last_seen(self) -> date | None:
        dated = [m.date for m in self.members if m.date]
        return max(dated) if dated else None

    def to_json(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "label": self.label,
            "standing": self.standing,
            "standing_date": self.standing_date.isoformat() if self.standing_date else None,
            "standing_evidence": self.standing_evidence,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "members": [m.to_json() for m in self.members],
            "mentions": [m.to_json() for m in self.mentions],
        }


def _outlet(row: dict[str, Any]) -> str:
    """The outlet, else the title, else the input file's name: who published this article."""
    path = (row["path"] or "").rsplit("/", 1)[-1]
    return row["outlet"] or row["title"] or path or row["article_id"]


def _load(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(_CLAIMS_SQL)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _clusters(
    n: int, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray, threshold: float
) -> list[list[int]]:
    """Connected sets of the similarity graph, each cut by average linkage at ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((sims, (rows, cols)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    components: dict[int, list[int]] = defaultdict(list)
    for node in np.unique(np.concatenate([rows, cols])) if len(rows) else []:
        components[int(labels[node])].append(int(node))
    sym = graph.maximum(graph.T).tocsr()
    out: list[list[int]] = []
    for nodes in components.values():
        if len(nodes) <= 2:
            out.append(nodes)
            continue
        # Similarities below the pair threshold (or outside the window) count as 0.
        dense = sym[nodes][:, nodes].toarray()
        distance = np.clip(1.0 - dense, 0.0, 1.0)  # rounding can push 1 - cos below 0
        np.fill_diagonal(distance, 0.0)
        condensed = distance[np.triu_indices(len(nodes), 1)]
        labels_in = fcluster(linkage(condensed, "average"), 1.0 - threshold, "distance")
        parts: dict[int, list[int]] = defaultdict(list)
        for node, lab in zip(nodes, labels_in, strict=True):
            parts[int(lab)].append(node)
        out.extend(parts.values())
    return out


def group_claims(
    con: duckdb.DuckDBPyConnection,
    threshold: float = THRESHOLD,
    window_days: int = WINDOW_DAYS,
    mentions: bool = True,
) -> list[ClaimGroup]:
    """Group the store's claims across articles (see the module docstring); nothing is written."""
    # scikit-learn/scipy load only when grouping, not for every read of stored groups
    from .similarity import fit, informative, similar_pairs

    claims = [c for c in _load(con) if informative(c["text"])]
    if not claims:
        return []
    vectorizer = fit([c["text"] for c in claims])
    matrix = vectorizer.transform([c["text"] for c in claims]).tocsr()
    rows, cols, sims = similar_pairs(matrix, threshold)
    days = np.array(
        [c["published"].toordinal() if c["published"] else -(10**6) for c in claims],
        dtype=np.int64,
    )
    in_window = np.abs(days[rows] - days[cols]) <= window_days
    rows, cols, sims = rows[in_window], cols[in_window], sims[in_window]
    groups: list[ClaimGroup] = []
    centroids: list[np.ndarray] = []
    for cluster in _clusters(len(claims), rows, cols, sims, threshold):
        if len({claims[i]["article_id"] for i in cluster}) < 2:
            continue
        groups.append(_make_group([claims[i] for i in cluster], matrix[cluster]))
        centroid = np.asarray(matrix[cluster].mean(axis=0)).ravel()
        centroids.append(centroid / (np.linalg.norm(centroid) or 1.0))
    if mentions:
        spec = [
            (g.group_id, c, {m.article_id for m in g.members}, g.first_seen, g.last_seen)
            for g, c in zip(groups, centroids, strict=True)
        ]
        by_group: dict[str, list[Mention]] = defaultdict(list)
        for mention in find_mentions(con, spec, vectorizer, window_days):
            by_group[mention.group_id].append(mention)
        for g in groups:
            g.mentions = by_group.get(g.group_id, [])
    groups.sort(key=lambda g: (-len({m.story_id for m in g.members}), g.first_seen or date.max))
    return groups


def _make_group(members: list[dict[str, Any]], vectors: Any) -> ClaimGroup:
    """A group from its claims: representative, roles, similarities, standing."""
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    sim_to_centroid = np.asarray(vectors @ centroid).ravel() / (np.linalg.norm(centroid) or 1.0)
    order = sorted(
        range(len(members)),
        # same day: a story's original before its copies
        key=lambda i: (
            members[i]["published"] or date.max,
            members[i]["story_id"] != members[i]["article_id"],
            members[i]["article_id"],
        ),
    )
    rep = members[int(np.argmax(sim_to_centroid))]
    first = members[order[0]]
    group_id = (
        "g" + hashlib.sha1(f"{first['article_id']}:{first['claim_id']}".encode()).hexdigest()[:10]
    )
    first_negated = bool(_NEGATION.search(first["text"]))
    seen_stories: set[str] = set()
    out: list[Member] = []
    for i in order:
        c = members[i]
        evidence = json.loads(c["evidence"] or "[]")
        if not out:
            role = "first"
        elif c["story_id"] in seen_stories and c["article_id"] not in {m.article_id for m in out}:
            role = "copy"  # a near-duplicate of a story already in the group: not independent
        elif c["status"] in ROLE_OF_STATUS:
            role = ROLE_OF_STATUS[c["status"]]
        elif any(e.get("relation") == "supports" for e in evidence):
            role = "confirm"
        elif bool(_NEGATION.search(c["text"])) != first_negated:
            role = "counter"  # the opposite of the first claim, asserted
        else:
            role = "repeat"
        seen_stories.add(c["story_id"])
        out.append(
            Member(
                article_id=c["article_id"],
                claim_id=c["claim_id"],
                date=c["published"],
                outlet=_outlet(c),
                story_id=c["story_id"],
                source=c["source_name"],
                country=c["source_country"],
                status=c["status"],
                role=role,
                text=c["text"],
                evidence=evidence,
                similarity=round(float(sim_to_centroid[i]), 3),
            )
        )
    label = rep["text"] if len(rep["text"]) <= 160 else rep["text"][:157] + "..."
    group = ClaimGroup(group_id=group_id, label=label, members=out)
    group.standing, group.standing_date, group.standing_evidence = standing(out)
    return group


def standing(members: list[Member]) -> tuple[str, date | None, list[dict[str, Any]]]:
    """(standing, the day it was set, the evidence spans that set it); see the module docstring."""
    deciding: list[tuple[date, int, str, Member]] = []
    for m in members:
        if m.role == "copy" or not m.evidence:
            continue
        status = m.status
        if m.role == "confirm":
            status = "confirmed"
        if status == "asserted":
            continue
        deciding.append((m.date or date.min, -STANDING_ORDER.index(status), status, m))
    if not deciding:
        return "asserted", None, []
    day = max(d[0] for d in deciding)
    same_day = [d for d in deciding if d[0] == day]
    best = max(same_day, key=lambda d: d[1])
    status = best[2]
    evidence = [
        {**e, "article_id": d[3].article_id, "claim_id": d[3].claim_id, "outlet": d[3].outlet}
        for d in same_day
        if d[2] == status
        for e in d[3].evidence
    ]
    return status, (day if day != date.min else None), evidence


# --- storing and reading --------------------------------------------------------------------------


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an article (and so its claims) is added, replaced or removed."""
    row = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(article_id)), 0), "
        "(SELECT count(*) FROM claims) FROM articles"
    ).fetchone()
    return f"{METHOD}|{row}"


def _state(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("SELECT fingerprint FROM claim_grouping_state").fetchone()
    except Exception:  # table not created yet (read-only store never grouped)
        return None
    return row[0] if row else None


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored groups were computed on other articles than the store holds now."""
    return _state(con) != _fingerprint(con)


def save_groups(con: duckdb.DuckDBPyConnection, groups: list[ClaimGroup]) -> None:
    """Replace ``claim_groups`` and ``claim_group_summary`` with ``groups`` (one transaction)."""
    now = datetime.now()
    con.execute(_SUMMARY_DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM claim_groups")
        con.execute("DELETE FROM claim_group_summary")
        con.execute("DELETE FROM claim_grouping_state")
        con.execute("DELETE FROM claim_group_mentions")
        mention_rows = [
            (g.group_id, m.article_id, m.start, m.end, m.text, m.speaker, m.similarity, now)
            for g in groups
            for m in g.mentions
        ]
        if mention_rows:
            con.executemany(
                "INSERT INTO claim_group_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", mention_rows
            )
        member_rows = [
            (g.group_id, m.claim_id, m.article_id, m.role, m.status, m.similarity, now)
            for g in groups
            for m in g.members
        ]
        if member_rows:
            con.executemany(
                "INSERT INTO claim_groups (group_id, claim_id, article_id, role, status, "
                "similarity, grouped_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                member_rows,
            )
        summary_rows = [_summary_row(g, now) for g in groups]
        if summary_rows:
            con.executemany(
                "INSERT INTO claim_group_summary VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                summary_rows,
            )
        con.execute(
            "INSERT INTO claim_grouping_state VALUES (?, ?, ?, ?)",
            [_fingerprint(con), METHOD, len(groups), now],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _summary_row(g: ClaimGroup, now: datetime) -> tuple[Any, ...]:
    independent = [m for m in g.members if m.role != "copy"]
    return (
        g.group_id,
        g.label,
        g.first_seen,
        g.last_seen,
        g.standing,
        g.standing_date,
        json.dumps(g.standing_evidence, ensure_ascii=False),
        len(g.members),
        len({m.article_id for m in g.members}),
        len({m.story_id for m in independent}),
        sorted({m.outlet for m in g.members} | {m.outlet for m in g.mentions}),
        sorted({m.source for m in g.members if m.source}),
        sorted({m.country for m in g.members if m.country}),
        json.dumps(Counter(m.status for m in g.members)),
        now,
        len(g.mentions),
    )


def ensure_groups(con: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """Regroup when the store changed since the last grouping (or ``force``); True if it did."""
    con.execute(_SUMMARY_DDL)
    if not force and not is_stale(con):
        return False
    save_groups(con, group_claims(con))
    return True


def list_groups(
    con: duckdb.DuckDBPyConnection,
    status: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 20,
) -> list[dict[str, Any]]:
    """Stored groups (most independent sources first) with optional filters.

    ``status`` matches the standing; ``actor`` a member's source name (substring, any case) or
    country code; ``since``/``until`` keep groups seen at least once in that range.
    """
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if status:
        where.append("s.standing = ?")
        params.append(status)
    if since:
        where.append("s.last_seen >= ?")
        params.append(since)
    if until:
        where.append("s.first_seen <= ?")
        params.append(until)
    if actor:
        where.append(
            "(list_contains(s.countries, upper(?)) OR "
            "len(list_filter(s.sources, lambda x: contains(lower(x), lower(?)))) > 0)"
        )
        params.extend([actor, actor])
    sql = (
        "SELECT group_id, label, standing, standing_date, first_seen, last_seen, n_claims, "
        "n_articles, n_stories, n_mentions, outlets, sources, statuses "
        "FROM claim_group_summary s WHERE "
        + " AND ".join(where)
        + " ORDER BY n_stories DESC, n_articles DESC, first_seen, group_id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    out = []
    for row in cursor.fetchall():
        item = dict(zip(names, row, strict=True))
        item["statuses"] = json.loads(item["statuses"])
        out.append(item)
    return out


def get_group(con: duckdb.DuckDBPyConnection, group_id: str) -> ClaimGroup | None:
    """One stored group with its timeline (members joined back to claims and articles)."""
    summary = con.execute(
        "SELECT label, standing, standing_date, standing_evidence FROM claim_group_summary "
        "WHERE group_id = ?",
        [group_id],
    ).fetchone()
    if summary is None:
        return None
    cursor = con.execute(
        "SELECT g.article_id, g.claim_id, a.published, coalesce(a.outlet, a.title, "
        "nullif(regexp_replace(a.path, '^.*/', ''), ''), a.article_id), "
        "coalesce(a.story_id, a.article_id), act.name, act.country, g.status, "
        "g.role, c.text, c.evidence, g.similarity "
        "FROM claim_groups g JOIN claims c USING (article_id, claim_id) "
        "JOIN articles a USING (article_id) "
        "LEFT JOIN actors act ON act.article_id = c.article_id "
        "AND act.actor_id = c.source_actor_id "
        "WHERE g.group_id = ? ORDER BY a.published NULLS LAST, "
        "coalesce(a.story_id, a.article_id) <> a.article_id, g.article_id, c.span_start",
        [group_id],
    )
    members = [
        Member(
            article_id=r[0],
            claim_id=r[1],
            date=r[2],
            outlet=r[3],
            story_id=r[4],
            source=r[5],
            country=r[6],
            status=r[7],
            role=r[8],
            text=r[9],
            evidence=json.loads(r[10] or "[]"),
            similarity=r[11],
        )
        for r in cursor.fetchall()
    ]
    cursor = con.execute(
        'SELECT m.article_id, m.start, m."end", m.text, m.speaker, a.published, '
        "coalesce(a.outlet, a.title, nullif(regexp_replace(a.path, '^.*/', ''), ''), "
        "a.article_id), coalesce(a.story_id, a.article_id), m.similarity "
        "FROM claim_group_mentions m JOIN articles a USING (article_id) "
        "WHERE m.group_id = ? ORDER BY a.published NULLS LAST, m.article_id, m.start",
        [group_id],
    )
    mentions = [
        Mention(
            group_id=group_id,
            article_id=r[0],
            start=r[1],
            end=r[2],
            text=r[3],
            speaker=r[4],
            date=r[5],
            outlet=r[6],
            story_id=r[7],
            similarity=r[8],
        )
        for r in cursor.fetchall()
    ]
    return ClaimGroup(
        group_id=group_id,
        label=summary[0],
        members=members,
        standing=summary[1],
        standing_date=summary[2],
        standing_evidence=json.loads(summary[3] or "[]"),
        mentions=mentions,
    )
