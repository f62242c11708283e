"""How alike two claims are: TF-IDF cosine over content stems plus crisis concept tokens.

The same claim is worded differently by each source ("the partial withdrawal of troops", "some
military units are leaving their positions", "is fully withdrawing its troops"), so before the
bag-of-words comparison every phrase of a small concept table (:data:`CONCEPTS`) is rewritten to
one concept token (``@withdraw``, ``@troops``), which then counts :data:`CONCEPT_WEIGHT` times.
Negation and hedging words are dropped on purpose: "not withdrawing" and "withdrawing" are the
same claim with different statuses, which is exactly what claim tracking follows.

No model is loaded and nothing is parsed again: a light suffix stemmer stands in for lemmas, so
grouping a store of thousands of claims takes about a second.

>>> vectorize(["Russia is withdrawing troops", "Russian forces pull back"]).shape[0]
2
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

__all__ = [
    "CONCEPTS",
    "CONCEPT_WEIGHT",
    "MIN_TOKENS",
    "cosine",
    "fit",
    "informative",
    "similar_pairs",
    "tokens",
    "vectorize",
]

# (concept, pattern): phrases that say the same thing in this domain. Order matters only where
# patterns overlap (the first rewrite wins). Countries are concepts too, so "Russian", "Moscow"
# and "the Kremlin" match; their IDF keeps them from dominating.
CONCEPTS: tuple[tuple[str, str], ...] = (
    (
        "withdraw",
        r"withdr[ae]w\w*|pull(?:s|ed|ing)?[ -](?:\w+ ){0,3}?(?:out|back)|pull-?(?:back|out)s?"
        r"|leav(?:e|es|ing) their positions"
        r"|return(?:s|ed|ing)? (?:\w+ ){0,6}?to (?:\w+ ){0,2}?bases?"
        r"|mov(?:e|es|ed|ing) back|draw-?downs?|disengage\w*|de-?escalat\w*",
    ),
    ("troops", r"troops?|forces|military units|units|soldiers|servicemen|tanks|battalions?"),
    ("exercise", r"(?:military )?(?:drills?|exercises?|manoeuvres|maneuvers)"),
    (
        "invade",
        r"inva(?:de|des|ded|ding|sion|sions)|incursions?|offensive|attack(?:s|ed|ing)?"
        r"|military action|use of force",
    ),
    (
        "imminent",
        r"(?:at )?any (?:time|moment|day)|imminent(?:ly)?|in the coming days"
        r"|very soon|near future|could (?:begin|happen|start|occur)",
    ),
    ("embassy", r"embass(?:y|ies)|diplomatic (?:mission|staff|personnel)"),
    (
        "relocate",
        r"relocat\w*|mov(?:e|es|ed|ing) (?:\w+ ){0,5}?to lviv|evacuat\w*|ordered departure",
    ),
    ("lviv", r"lviv|lvov"),
    ("expand", r"expan(?:d|ds|ded|sion)|enlargement|eastward|open door|non-?expansion|membership"),
    ("guarantee", r"security guarantees?|legally binding|guarantees?"),
    ("sanction", r"sanction\w*|export controls?|swift|asset freezes?"),
    ("recognise", r"recogni[sz]\w*"),
    ("separatist", r"dpr|lpr|donetsk|lugansk|luhansk|separatists?|breakaway|people's republics?"),
    ("nordstream", r"nord ?stream(?: 2)?"),
    ("falseflag", r"false[- ]flag|pretext|provocation|staged|fabricat\w*"),
    ("rus", r"russian federation|russia'?s?|russians?|moscow|kremlin|putin'?s?"),
    ("ukr", r"ukraine'?s?|ukrainians?|kyiv|kiev|zelens'?kyy?'?s?"),
    ("usa", r"united states|u\.s|america'?s?|americans?|washington|biden'?s?"),
    ("nato", r"nato|north atlantic (?:treaty )?alliance|the alliance"),
    ("belarus", r"belarus\w*|minsk"),
)
# A concept token counts this many times: the shared idea outweighs one shared ordinary word.
# Country and alliance concepts count once: they are in most claims of a crisis corpus.
CONCEPT_WEIGHT = 2
_ENTITY_CONCEPTS = frozenset({"rus", "ukr", "usa", "nato", "belarus"})
# Fewer distinct content tokens than this and a text is a fragment ("to continue the
# diplomacy"), too thin to be matched with anything: see :func:`informative`.
MIN_TOKENS = 3
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "February 16", "Feb. 16", "16 February": one day token, so dated claims meet across wordings.
_DAY_RE = re.compile(
    r"\b(?:(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d1>\d{1,2})\b"
    r"|(?P<d2>\d{1,2})\s+(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.IGNORECASE,
)
# Matched against lower-cased text; every pattern starts with a letter, so trying the
# alternatives only at word starts (the lookahead) is the same match, ~6x faster.
_CONCEPT_RE = re.compile(
    r"\b(?=[a-z])(?:"
    + "|".join(f"(?P<{name}>\\b(?:{pattern})\\b)" for name, pattern in CONCEPTS)
    + ")"
)
_WORD = re.compile(r"@?[a-z][a-z0-9'-]+")
# Stop words plus negation/hedge/reporting words (status, not content) and generic verbs.
_DROP = frozenset(ENGLISH_STOP_WORDS) | {
    "not", "no", "never", "yet", "nothing", "said", "say", "says", "saying", "told", "stated",
    "state", "reported", "report", "reports", "according", "claim", "claimed", "claims", "also",
    "would", "could", "will", "may", "might", "can", "cannot", "shall", "should", "must",
    "today", "yesterday", "tomorrow", "going", "just", "like", "want", "think", "know", "make",
    "does", "did", "doing", "got", "get", "let", "really", "very", "lot", "thing", "things",
    "way", "look", "verified", "verify", "confirm", "confirmed", "evidence", "seen", "see",
}  # fmt: skip
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s")


@lru_cache(maxsize=1 << 17)
def _stem(word: str) -> str:
    """A crude suffix stripper: enough to meet "withdrawing"/"withdraws", "states"/"state"."""
    word = word.strip("'-").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


def _concept(match: re.Match[str]) -> str:
    return f" @{match.lastgroup} "


def _day(match: re.Match[str]) -> str:
    month = _MONTHS.index((match["m1"] or match["m2"]).lower()[:3]) + 1
    return f" @day{month:02d}{int(match['d1'] or match['d2']):02d} "


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Content tokens of a claim: concept tokens (repeated) and stems of the other words."""
    rewritten = _DAY_RE.sub(_day, text.lower().replace("’", "'"))
    rewritten = _CONCEPT_RE.sub(_concept, rewritten)
    out: list[str] = []
    for word in _WORD.findall(rewritten):
        if word.startswith("@"):
            out.extend([word] * (1 if word[1:] in _ENTITY_CONCEPTS else CONCEPT_WEIGHT))
        elif word not in _DROP and len(word) > 2:
            stem = _stem(word)
            if stem not in _DROP:
                out.append(stem)
    return tuple(out)


def informative(text: str) -> bool:
    """Whether a text has enough distinct content tokens to be compared at all."""
    return len(set(tokens(text))) >= MIN_TOKENS


def _analyzer(text: str) -> list[str]:
    return list(tokens(text))


def fit(texts: Sequence[str]) -> TfidfVectorizer:
    """A TF-IDF vectoriser (sublinear tf, L2 rows) over :func:`tokens`, IDF from ``texts``."""
    return TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True, norm="l2").fit(list(texts))


def vectorize(texts: Sequence[str], fit_on: Sequence[str] | None = None) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of ``texts``; IDF from ``fit_on`` (else from texts)."""
    vectorizer = fit(fit_on if fit_on is not None else texts)
    return vectorizer.transform(list(texts)).tocsr()


def cosine(matrix: sparse.csr_matrix, i: int, j: int) -> float:
    """Cosine of two rows of an L2-normalised matrix."""
    return float(matrix[i].multiply(matrix[j]).sum())


def similar_pairs(
    matrix: sparse.csr_matrix, threshold: float, block: int = 2048
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs i < j with cosine >= threshold, as (rows, cols, similarities).

    Computed in row blocks so memory stays bounded on large stores (X·Xᵀ is never held whole).
    """
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], block):
        product = (matrix[start : start + block] @ transposed).tocoo()
        keep = (product.data >= threshold) & (product.row + start < product.col)
        rows.append(product.row[keep] + start)
        cols.append(product.col[keep])
        sims.append(product.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
