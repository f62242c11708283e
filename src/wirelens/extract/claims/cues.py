"""Status cues: the words and constructions that say how well a statement stands.

Two sorts of cue are found over a token range of the parse:

- phrase cues from ``resources/claims/cues.tsv`` ("allegedly", "could", "sarcastically", "deny");
- structural cues built from word classes: a negated perception verb with an evidence noun
  ("we have not seen any sign of", "has yet to see evidence of") disputes; a negated provision verb
  with one ("No evidence was provided for", "without providing evidence") leaves a claim
  unsupported; a negated or not-yet confirmation verb ("had yet to confirm") leaves it
  unconfirmed, an affirmed one ("confirmed the pullback") supports it.

Each hit records its kind, its tokens and the predicate it bears on (the anchor).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from .lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:
    from .docindex import DocIndex

# Kinds a hit can have; "confirm" is an affirmed confirmation (relation "supports").
KINDS = (
    "hedge",
    "alleged",
    "unconfirmed",
    "dispute",
    "denial",
    "unsupported",
    "retraction",
    "confirm",
)
# Dependencies that stay inside one clause when climbing from a cue to its clause head.
_INSIDE_CLAUSE = {
    "xcomp", "aux", "auxpass", "neg", "dobj", "pobj", "prep", "det", "amod", "compound",
    "nsubj", "nsubjpass", "attr", "acomp", "advmod", "npadvmod", "pcomp", "dative", "oprd",
    "agent", "nummod", "poss", "quantmod", "appos", "nmod", "expl",
}  # fmt: skip


@dataclass(frozen=True)
class CueHit:
    """One status cue: ``kind``, tokens ``[start, end)`` and the anchor token it bears on."""

    kind: str
    start: int
    end: int
    anchor: int


def _matches(token: Token, word: str) -> bool:
    return token.lower_ == word or token.lemma_.lower() == word


def negator(token: Token, lexicon: Lexicon | None = None) -> Token | None:
    """The token that negates ``token`` ("not", "never", "yet to", "unable to"), or None."""
    lexicon = lexicon or load_lexicon()
    negators = lexicon.words.get("negator", set())
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "det") and child.lower_ in negators):
            return child
    doc = token.doc
    # "has yet to see", "had yet to confirm"
    if token.i >= 2 and doc[token.i - 1].lower_ == "to" and doc[token.i - 2].lower_ == "yet":
        return doc[token.i - 2]
    head = token.head
    if token.dep_ in ("xcomp", "pcomp") and head is not token:
        if head.lower_ in negators or head.lemma_.lower() in negators or head.lower_ == "without":
            return head  # "unable to confirm", "failed to provide", "without providing"
        if any(c.lower_ == "yet" for c in head.children):
            return next(c for c in head.children if c.lower_ == "yet")
        if head.lemma_ in ("have", "be") and (neg := negator(head, lexicon)) is not None:
            return neg  # "did not have to" is rare; "has not yet had to" keeps its negation
    if token.dep_ == "pcomp" and head.lower_ == "without":
        return head
    return None


def _evidence_hit(noun: Token, lexicon: Lexicon) -> CueHit | None:
    """ "No evidence was provided", "not seen any sign of", "without evidence", "no sign of"."""
    words = lexicon.words
    verb = noun.head
    neg: Token | None = next((c for c in noun.children if c.lower_ == "no"), None)
    if verb.lower_ == "without":
        return CueHit("unsupported", verb.i, noun.i + 1, noun.i)
    if verb.pos_ not in ("VERB", "AUX") or noun.dep_ not in ("dobj", "nsubjpass", "attr", "nsubj"):
        return None
    neg = neg or negator(verb, lexicon)
    if neg is None:
        return None
    lemma = verb.lemma_.lower()
    if noun.lemma_.lower() == "confirmation":
        kind = "unconfirmed"
    elif lemma in words.get("perceive_verb", set()):
        kind = "dispute"
    elif lemma in words.get("provide_verb", set()):
        kind = "unsupported"
    else:
        return None
    start = min(neg.i, verb.i, noun.i)
    return CueHit(kind, start, max(noun.i, verb.i) + 1, verb.i)


def _confirm_hit(verb: Token, lexicon: Lexicon) -> CueHit | None:
    neg = negator(verb, lexicon)
    if neg is None:
        if verb.dep_ in ("amod", "acl"):
            return None  # "the confirmed cases": not an act of confirming
        return CueHit("confirm", verb.i, verb.i + 1, verb.i)
    return CueHit("unconfirmed", min(neg.i, verb.i), max(neg.i, verb.i) + 1, verb.i)


def _phrase_hits(doc: Doc, positions: Iterable[int], end: int, lexicon: Lexicon) -> list[CueHit]:
    """Phrase cues starting at ``positions`` (ascending) and ending by token ``end``; a match
    consumes its tokens (left to right, longest phrase first)."""
    hits: list[CueHit] = []
    free = 0  # first position not inside an earlier match
    for i in positions:
        if i < free:
            continue
        token = doc[i]
        matched = False
        for key in {token.lower_, token.lemma_.lower()}:
            for kind, phrase in lexicon.by_first.get(key, []):
                stop = i + len(phrase)
                if stop <= end and all(_matches(doc[i + k], w) for k, w in enumerate(phrase)):
                    if kind == "hedge" and not _is_hedge(token):
                        continue
                    hits.append(CueHit(kind, i, stop, _anchor(token)))
                    free, matched = stop, True
                    break
            if matched:
                break
    return hits


def _is_hedge(token: Token) -> bool:
    """Modal/epistemic use only: "could occur", "possibly", not "the possible" or "as likely as"."""
    if token.tag_ == "MD":
        return token.dep_ in ("aux", "auxpass") or token.head is token
    if token.lower_ in ("likely",):
        return token.dep_ in ("acomp", "advmod")
    return token.pos_ in ("ADV", "VERB", "AUX") or token.dep_ == "advmod"


def _anchor(token: Token) -> int:
    """The predicate a cue word bears on: its head for modifiers, itself for verbs."""
    if token.dep_ in ("aux", "auxpass", "advmod", "neg", "amod") and token.head is not token:
        return int(token.head.i)
    return int(token.i)


def find_cues(
    doc: Doc,
    start: int,
    end: int,
    lexicon: Lexicon | None = None,
    index: DocIndex | None = None,
) -> list[CueHit]:
    """Every status cue among the tokens whose start offset lies in ``[start, end)``.

    With ``index`` (built for ``doc`` with the same lexicon) only the tokens where a cue can
    start are visited; the hits are the same.
    """
    lexicon = lexicon or load_lexicon()
    if end <= start:
        return []
    if index is None:
        span = doc.char_span(start, end, alignment_mode="expand")
        found = (span.start, span.end) if span is not None else None
    else:
        found = index.token_range(start, end)
    if found is None:
        return []
    first, last = found
    positions = range(first, last) if index is None else index.cue_positions(first, last)
    hits = _phrase_hits(doc, positions, last, lexicon)
    taken = {i for h in hits for i in range(h.start, h.end)}
    evidence = lexicon.words.get("evidence_noun", set())
    confirm = lexicon.words.get("confirm_verb", set())
    for i in positions:
        token = doc[i]
        hit = None
        lemma = token.lemma_.lower()
        if token.pos_ == "NOUN" and lemma in evidence:
            hit = _evidence_hit(token, lexicon)
        elif token.pos_ == "VERB" and lemma in confirm:
            hit = _confirm_hit(token, lexicon)
        if hit is not None and not taken.intersection(range(hit.start, hit.end)):
            hits.append(hit)
            taken.update(range(hit.start, hit.end))
    return sorted(hits, key=lambda h: h.start)


def clause_head(token: Token, lo: int = 0, hi: int | None = None) -> Token:
    """Climb from ``token`` to the head of its clause, staying within tokens ``[lo, hi)``."""
    hi = len(token.doc) if hi is None else hi
    steps = 0
    while token.dep_ in _INSIDE_CLAUSE and token.head is not token and steps < 30:
        if not lo <= token.head.i < hi:
            break
        token, steps = token.head, steps + 1
    return token


def clause_tokens(head: Token, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """Token range ``[start, end)`` of ``head``'s clause inside ``[lo, hi)``.

    Trimmed of leading conjunctions, complementisers and framing adverbs ("But so far we …") and
    of trailing punctuation.
    """
    hi = len(head.doc) if hi is None else hi
    start, end = max(head.left_edge.i, lo), min(head.right_edge.i + 1, hi)
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    doc = head.doc
    before_subject = subject.left_edge.i if subject is not None else -1
    while start < end and (
        doc[start].dep_ in ("cc", "punct", "mark")
        or (start < before_subject and "advmod" in (doc[start].dep_, doc[start].head.dep_))
    ):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end
