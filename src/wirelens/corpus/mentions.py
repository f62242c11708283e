"""Sentence mentions: a tracked claim said in an article where no claim record carries it.

The claims extractor does not make a claim of every sentence (speaker-labelled transcript turns
such as "Vladimir Putin: ... Yes, a decision has been made to pull out part of the troops." have
none), so after grouping, the sentences of articles that are *not* members of a group are compared
with the group's centroid; the best sentence of an article at :data:`MENTION_THRESHOLD` or more
(stricter than the claim-to-claim threshold) within the group's date window becomes a mention.
Mentions show who else said it; they carry no status, so they never change a group's standing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import duckdb
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["MENTION_THRESHOLD", "Mention", "find_mentions", "sentences", "speaker_before"]

MENTION_THRESHOLD = 0.6
PER_ARTICLE = 2  # a transcript may hold the question and the answer that states the claim
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)
# "Vladimir Putin:", "Olaf Scholz (retranslated):", "MS. PSAKI:" at the start of a paragraph
_SPEAKER = re.compile(r"^([A-Z][\w.'’ -]{1,60}?)(?: \([^)\n]{0,40}\))?:\s", re.MULTILINE)


@dataclass
class Mention:
    """A sentence of a non-member article that states a group's claim."""

    group_id: str
    article_id: str
    start: int
    end: int
    text: str
    speaker: str | None
    date: date | None
    outlet: str
    story_id: str
    similarity: float

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat() if self.date else None
        return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (a regex split: good enough for matching)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        label = _SPEAKER.match(text, start)
        if label and label.end() < end:  # "Vladimir Putin: Yes, ...": the label is not the claim
            start = label.end()
        if end - start >= 20:
            spans.append((start, end))
    return spans


def speaker_before(text: str, offset: int) -> str | None:
    """The transcript speaker label in force at ``offset`` ("Vladimir Putin"), if any."""
    found = None
    for match in _SPEAKER.finditer(text, 0, offset):
        found = match.group(1).strip()
    return found


def find_mentions(
    con: duckdb.DuckDBPyConnection,
    groups: list[tuple[str, np.ndarray, set[str], date | None, date | None]],
    vectorizer: TfidfVectorizer,
    window_days: int,
    threshold: float = MENTION_THRESHOLD,
) -> list[Mention]:
    """Mentions for groups given as (group id, unit centroid, member article ids, first, last)."""
    from scipy import sparse

    from .similarity import informative

    dated = [g for g in groups if g[3] and g[4]]
    if not dated:
        return []
    window = timedelta(days=window_days)
    lo = min(g[3] for g in dated if g[3]) - window
    hi = max(g[4] for g in dated if g[4]) + window
    articles = con.execute(
        "SELECT article_id, published, coalesce(outlet, title, "
        "nullif(regexp_replace(path, '^.*/', ''), ''), article_id), "
        "coalesce(story_id, article_id), text FROM articles WHERE published BETWEEN ? AND ?",
        [lo, hi],
    ).fetchall()
    spans: list[tuple[int, int, int]] = []  # (article index, start, end)
    texts: list[str] = []
    for index, article in enumerate(articles):
        body = article[4]
        for start, end in sentences(body):
            # questions assert nothing ("Will the pulling out of forces continue?")
            if not body[start:end].endswith("?") and informative(body[start:end]):
                spans.append((index, start, end))
                texts.append(body[start:end])
    if not texts:
        return []
    centroids = sparse.csr_matrix(np.vstack([g[1] for g in dated]))
    matrix = vectorizer.transform(texts)
    best: dict[tuple[int, int], list[tuple[float, int]]] = {}  # (group, article) -> [(sim, i)]
    for block in range(0, matrix.shape[0], 4096):
        product = (matrix[block : block + 4096] @ centroids.T).tocoo()
        for row, col, sim in zip(product.row, product.col, product.data, strict=True):
            if sim < threshold:
                continue
            sentence = block + int(row)
            key = (int(col), spans[sentence][0])
            kept = sorted([*best.get(key, []), (float(sim), sentence)], reverse=True)
            best[key] = kept[:PER_ARTICLE]
    out = []
    for (group_index, article_index), found in best.items():
        group_id, _, members, first, last = dated[group_index]
        article_id, published, outlet, story_id, body = articles[article_index]
        assert first is not None and last is not None
        if article_id in members or not (first - window <= published <= last + window):
            continue
        for sim, sentence in found:
            _, start, end = spans[sentence]
            out.append(
                Mention(
                    group_id=group_id,
                    article_id=article_id,
                    start=start,
                    end=end,
                    text=body[start:end],
                    speaker=speaker_before(body, start),
                    date=published,
                    outlet=outlet,
                    story_id=story_id,
                    similarity=round(sim, 3),
                )
            )
    out.sort(key=lambda m: (m.group_id, m.date or date.max, m.article_id, m.start))
    return out
