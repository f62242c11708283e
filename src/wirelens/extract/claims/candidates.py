"""Which statements are claims: attribution contents, and check-worthy reporter-voice statements.

- Every (non-negated) attribution's content is a claim of its source, one claim per content span
  (a direct quote interrupted by "…, Stoltenberg said. …" gives two claims of the same quote).
- In the reporter's own voice, a sentence without any attribution is a candidate when it looks like
  a factual statement (a verb, at least six words, not a question, no cue that bears on another
  claim); so is a noun phrase with a number outside attributed text ("a build-up of some 130,000
  Russian troops …"). The caller keeps the candidates the check-worthiness model scores high.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ...model import Analysis, Evidence, Quote
from ..doctext import doc_ents, doc_text
from .docindex import DocIndex

NUMERIC_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
# Leading words that belong to the attribution, not to the claim ("said that …").
_LEADING = ("that ", "whether ", "if ")


@dataclass
class Draft:
    """A claim being built: where it is, who made it, and the status evidence found so far."""

    start: int
    end: int
    sentence: int
    source_actor_id: str | None = None
    quote: Quote | None = None
    affiliation: frozenset[str] = frozenset()
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)  # (status, evidence)
    denied_by: str | None = None
    score: float = 0.0


def affiliation(analysis: Analysis, quote: Quote) -> frozenset[str]:
    """The source's actor and the actors named inside its mention ("NATO Secretary-General …")."""
    if quote.source is None:
        return frozenset()
    ids = {quote.source.actor_id} if quote.source.actor_id else set()
    for actor in analysis.actors:
        if any(quote.source.start <= s and e <= quote.source.end for s, e in actor.mentions):
            ids.add(actor.id)
        if quote.source.actor_id == actor.id and actor.organization:
            ids.add(actor.organization)
    return frozenset(ids)


def affiliations(analysis: Analysis) -> dict[str, frozenset[str]]:
    """:func:`affiliation` of every quote, by quote id, in one pass over sorted mentions."""
    mentions = sorted((s, e, actor.id) for actor in analysis.actors for s, e in actor.mentions)
    starts = [m[0] for m in mentions]
    organizations = {a.id: a.organization for a in analysis.actors if a.organization}
    found: dict[str, frozenset[str]] = {}
    for quote in analysis.quotes:
        source = quote.source
        if source is None:
            found[quote.id] = frozenset()
            continue
        ids = {source.actor_id} if source.actor_id else set()
        i = bisect_left(starts, source.start)
        while i < len(mentions) and mentions[i][0] <= source.end:
            if mentions[i][1] <= source.end:
                ids.add(mentions[i][2])
            i += 1
        if source.actor_id in organizations:
            ids.add(organizations[source.actor_id])
        found[quote.id] = frozenset(ids)
    return found


class Regions:
    """Character regions, merged once, for fast "does ``[start, end)`` overlap any?" tests."""

    def __init__(self, regions: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(regions):
            if merged and s < merged[-1][1]:  # overlapping (not merely touching): one region
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]  # ascending, since the regions are disjoint

    def overlaps(self, start: int, end: int) -> bool:
        """True when some region ``[s, e)`` has ``s < end and start < e``."""
        i = bisect_right(self.ends, start)  # the first region ending after ``start``
        return i < len(self.ends) and self.starts[i] < end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past spaces, a leading complementiser and trailing punctuation."""
    while start < end and text[start].isspace():
        start += 1
    lowered = text[start:end].lower()
    for word in _LEADING:
        if lowered.startswith(word):
            start += len(word)
            break
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def sentence_index(doc: Doc) -> list[int]:
    """Start offsets of the sentences of ``doc`` (for :func:`sentence_of`)."""
    return [s.start_char for s in doc.sents]


def sentence_of(starts: list[int], offset: int) -> int:
    """Index of the sentence containing character ``offset`` (``starts`` from sentence_index)."""
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo


def quote_drafts(
    analysis: Analysis,
    starts: list[int],
    affiliations: dict[str, frozenset[str]] | None = None,
) -> list[Draft]:
    """One draft per content span of every attribution that asserts something.

    ``affiliations``: :func:`affiliation` of each quote id, when the caller has them already.
    """
    text = analysis.article.text
    drafts: list[Draft] = []
    for quote in analysis.quotes:
        if quote.negated:
            continue  # "Russia did not say how many …": nothing was claimed
        who = quote.source.actor_id if quote.source else None
        if affiliations is not None and quote.id in affiliations:
            aff = affiliations[quote.id]
        else:
            aff = affiliation(analysis, quote)
        for s, e in quote.content.spans:
            start, end = trim(text, s, e)
            if end - start < 3:
                continue
            if text[start:end].split()[0].lower() in ("how", "what", "when", "where", "why"):
                continue  # an embedded question is not a proposition
            drafts.append(Draft(start, end, sentence_of(starts, start), who, quote, aff))
    return drafts


def is_statement(sent: Span) -> bool:
    """At least six words, not a question, and a verb: a sentence that may state a fact."""
    words = [t for t in sent if not t.is_punct]
    if len(words) < 6 or sent.text.rstrip().endswith("?"):
        return False
    return any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in sent) or any(
        t.pos_ == "VERB" for t in sent
    )


def _numeric_phrase(token: Token) -> Token:
    """Climb from a number to the largest noun phrase that is not a clause argument."""
    while token.head is not token:
        head = token.head
        if token.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "appos"):
            token = head
        elif token.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("NOUN", "PROPN"):
            token = head.head  # "build-up of some 130,000 troops" -> "build-up"
        else:
            break
    return token


def article_candidates(
    doc: Doc,
    attributed: list[tuple[int, int]],
    bearing: list[tuple[int, int]],
    index: DocIndex | None = None,
) -> list[tuple[int, int]]:
    """Character spans of reporter-voice candidates (whole sentences and numeric noun phrases).

    ``attributed`` are the character regions of attributions (source, cue and content);
    ``bearing`` are the sentences holding a cue that bears on another claim. ``index`` (of
    ``doc``) answers the sentence questions from arrays; the candidates are the same.
    """
    text = doc_text(doc) if index is None else index.text
    sents = list(doc.sents) if index is None else index.sents
    statement = is_statement if index is None else index.looks_like_statement
    starts = [s.start_char for s in sents]
    attributed_at, bearing_at = Regions(attributed), Regions(bearing)
    spans: list[tuple[int, int]] = []
    numeric: dict[int, list[Span]] = {}  # sentence number -> numeric entities (one pass)
    for ent in doc_ents(doc):
        if ent.label_ in NUMERIC_LABELS:
            numeric.setdefault(sentence_of(starts, ent.start_char), []).append(ent)
    for number, sent in enumerate(sents):
        if bearing_at.overlaps(sent.start_char, sent.end_char):
            continue
        if not attributed_at.overlaps(sent.start_char, sent.end_char):
            if statement(sent):
                spans.append(trim(text, sent.start_char, sent.end_char))
            continue
        for ent in numeric.get(number, []):
            if ent.label_ not in NUMERIC_LABELS or attributed_at.overlaps(
                ent.start_char, ent.end_char
            ):
                continue
            head = _numeric_phrase(ent.root)
            start, end = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
            if head.i - head.left_edge.i + head.right_edge.i - head.i < 3:
                continue
            if not attributed_at.overlaps(start, end) and (start, end) not in spans:
                spans.append(trim(text, start, end))
    return spans
