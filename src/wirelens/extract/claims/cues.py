"""Status cues: the words and constructions that say how well a statement stands.

Two sorts of cue are found over a token range of the parse:

- phrase cues from ``resources/claims/cues.tsv`` ("allegedly", "could", "sarcastically", "deny");
- structural cues built from word classes: a negated perception verb with an evidence noun
  ("we have not seen any sign of", "has yet to see evidence of") disputes; a negated provision verb
  with one ("No evidence was provided for", "without providing evidence") leaves a claim
  unsupported; a negated or not-yet confirmation verb ("had yet to confirm") leaves it
  unconfirmed, an affirmed one ("confirmed the pullback") supports it; a modal-negated assertion
  verb with a clause ("it cannot be stated that X", "we can't say that X") disputes X, and so does
  a negated observation verb with a clause or a change noun ("we do not see any changes").

Each hit records its kind, its tokens and the predicate it bears on (the anchor).
:func:`proposition` finds the clause X a cue says is not established ("we have not yet verified
that X", "there is no evidence that X", "it is not true that X"), :func:`anaphor` the pronoun
that points back at an earlier statement instead ("we have not yet verified that.").
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
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    in_phrase = head.dep_ == "pobj" and head.head.dep_ == "prep"
    if token.dep_ in ("acl", "relcl") and infinitive and in_phrase:
        # "I'm not in a position to confirm": the negation sits on the verb of the phrase
        return next((c for c in head.head.head.children if c.dep_ == "neg"), None)
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


def _modal_negation(verb: Token) -> Token | None:
    """The "not" of "cannot"/"can't"/"could not" on ``verb``, or None."""
    children = list(verb.children)
    if not any(c.dep_ == "aux" and c.lemma_.lower() == "can" for c in children):
        return None
    return next((c for c in children if c.dep_ == "neg"), None)


def _clause_child(token: Token, after: int, deps: tuple[str, ...]) -> Token | None:
    """A finite clause governed by ``token`` that starts after token ``after`` ("… that X")."""
    for child in token.children:
        if child.dep_ not in deps or child.pos_ not in ("VERB", "AUX"):
            continue
        if child.left_edge.i <= after:
            continue
        marks = [c for c in child.children if c.dep_ == "mark"]
        if any(m.lower_ == "that" for m in marks):
            return child
        if marks:
            return None  # "confirm if he is aware": an embedded question, not a proposition
        if child.dep_ == "ccomp" and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children
        ):
            return child
    return None


def _assert_hit(verb: Token) -> CueHit | None:
    """ "it cannot be stated that X", "we can't say that": the speaker will not assert X."""
    neg = _modal_negation(verb)
    if neg is None:
        return None
    anaphoric = any(c.dep_ == "dobj" and c.lower_ in ("that", "this", "so") for c in verb.children)
    if not anaphoric and _clause_child(verb, verb.i, ("ccomp",)) is None:
        return None  # "I cannot say enough about …": no proposition
    aux = min(c.i for c in verb.children if c.dep_ == "aux")
    return CueHit("dispute", min(aux, neg.i), verb.i + 1, verb.i)


def _observe_hit(verb: Token, lexicon: Lexicon) -> CueHit | None:
    """ "we do not see any changes", "we did not observe that X": the change is disputed."""
    neg = negator(verb, lexicon)
    if neg is None or neg.lower_ == "without":
        return None  # "no way to tell without seeing his returns" denies nothing
    changes = lexicon.words.get("change_noun", set())
    evidence = lexicon.words.get("evidence_noun", set())
    for child in verb.children:
        lemma = child.lemma_.lower()
        if child.dep_ == "dobj" and lemma in evidence:
            return None  # "not seen any sign of": the evidence-noun rule covers it
        if child.dep_ == "dobj" and child.pos_ == "NOUN" and lemma in changes:
            return CueHit("dispute", min(neg.i, verb.i), child.i + 1, verb.i)
    clause = _clause_child(verb, verb.i, ("ccomp",))
    if clause is not None and any(c.dep_ == "mark" for c in clause.children):
        # "did not see that X"; not a bare small clause ("not seen anything come to us",
        # "you don't see people coming"), which is mostly a figure of speech
        return CueHit("dispute", min(neg.i, verb.i), verb.i + 1, verb.i)
    return None


def proposition(doc: Doc, hit: CueHit) -> tuple[int, int] | None:
    """Token range ``[start, end)`` of the clause X a bearing cue says is not (yet) established.

    "we have not yet verified that X", "it cannot be stated that X", "there is no evidence that X",
    "it is not true that X": X is a ``that``-clause (or a finite complement) of the cue's verb, of
    its evidence noun or of the copula it modifies, starting after the cue. Leading
    complementisers and trailing punctuation are left out. None when the cue has no such clause.
    """
    anchor = doc[hit.anchor]
    last = max(hit.end - 1, hit.anchor)
    owners = [anchor, *(t for t in doc[hit.start : hit.end] if t.i != anchor.i)]
    for owner in owners:
        deps = ("ccomp", "acl") if owner.pos_ == "NOUN" else ("ccomp",)
        clause = _clause_child(owner, last, deps)
        if clause is None:
            continue
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        while start < end and doc[start].dep_ == "mark" and doc[start].head.i == clause.i:
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        if end - start >= 3:
            return start, end
    return None


def anaphor(doc: Doc, hit: CueHit, lexicon: Lexicon | None = None) -> int | None:
    """The pronoun through which a cue bears on an earlier statement, or None.

    "we have not yet verified that.", "We can't state that", "This could not be independently
    verified": a pronoun object (or passive subject) of the cue's verb, with no clause of its own.
    """
    lexicon = lexicon or load_lexicon()
    pronouns = lexicon.words.get("anaphor", set())
    anchor = doc[hit.anchor]
    if any(c.dep_ == "ccomp" for c in anchor.children):
        return None  # "it cannot be said that X": an expletive, X is the proposition
    for child in anchor.children:
        bare = child.n_lefts == 0 and child.n_rights == 0
        if child.dep_ in ("dobj", "nsubjpass") and child.lower_ in pronouns and bare:
            return int(child.i)
    return None


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
    words = lexicon.words
    evidence = words.get("evidence_noun", set())
    confirm = words.get("confirm_verb", set())
    asserting, observing = words.get("assert_verb", set()), words.get("observe_verb", set())
    for i in positions:
        token = doc[i]
        hit = None
        lemma = token.lemma_.lower()
        if token.pos_ == "NOUN" and lemma in evidence:
            hit = _evidence_hit(token, lexicon)
        elif token.pos_ == "VERB" and lemma in confirm:
            hit = _confirm_hit(token, lexicon)
        elif token.pos_ == "VERB" and lemma in asserting:
            hit = _assert_hit(token)
        elif token.pos_ == "VERB" and lemma in observing:
            hit = _observe_hit(token, lexicon)
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
