"""Stage 5: resolve a source mention to an actor from the actors extractor.

A source overlapping an actor mention gets that actor. A pronoun ("he"), a possessive phrase
("his office") or a definite role noun ("the spokeswoman", "the ministry") gets the most recent
preceding actor mention of a compatible kind (he/she -> person; it/the ministry -> organisation or
country). Lookups are binary searches over the sorted mentions, so cost is O(log n) per source.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Token

from ...model import Actor
from .spans import Span

PERSON = frozenset({"person"})
COLLECTIVE = frozenset({"organization", "country", "group"})
PRONOUN_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("he", "him", "his", "she", "her", "hers", "himself", "herself"), PERSON),
    **dict.fromkeys(("it", "its", "itself"), COLLECTIVE),
    **dict.fromkeys(("they", "them", "their"), COLLECTIVE | PERSON),
}
PERSON_ROLES = frozenset(
    {
        "spokeswoman", "spokesman", "spokesperson", "president", "minister", "secretary",
        "chancellor", "leader", "official", "senator", "governor", "ambassador", "envoy",
        "general", "commander", "diplomat", "aide", "adviser", "advisor", "premier", "king",
        "chief", "director", "head", "representative", "mayor", "candidate", "nominee",
    }
)  # fmt: skip
ORG_ROLES = frozenset(
    {
        "ministry", "office", "department", "government", "administration", "agency",
        "committee", "campaign", "embassy", "military", "army", "alliance", "company",
        "council", "parliament", "party", "service", "bureau", "commission", "court", "country",
        "state", "kremlin", "cabinet", "team",
    }
)  # fmt: skip
# How many earlier mentions to look through before giving up on a pronoun.
MAX_LOOKBACK = 60


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor_id: str
    kind: str


class ActorIndex:
    """Actor mentions sorted by offset, for overlap and most-recent-compatible lookups."""

    def __init__(self, actors: list[Actor]) -> None:
        mentions = [Mention(s, e, a.id, a.kind) for a in actors for s, e in a.mentions]
        mentions.sort(key=lambda m: (m.start, m.end))
        self.mentions = mentions
        self._starts = [m.start for m in mentions]

    def overlapping(self, span: Span) -> Mention | None:
        """The mention overlapping ``span`` most; ties go to the rightmost (the phrase head)."""
        s, e = span
        i = bisect_left(self._starts, e)
        best: Mention | None = None
        best_len = 0
        j = i - 1
        while j >= 0 and i - j <= MAX_LOOKBACK:
            m = self.mentions[j]
            ov = min(e, m.end) - max(s, m.start)
            if ov > best_len:  # scanning right to left, so ties keep the rightmost
                best, best_len = m, ov
            if m.end <= s and m.start < s - 200:
                break
            j -= 1
        return best

    def preceding(self, offset: int, kinds: frozenset[str]) -> Mention | None:
        """The latest mention ending before ``offset`` whose actor kind is in ``kinds``."""
        i = bisect_left(self._starts, offset) - 1
        steps = 0
        while i >= 0 and steps < MAX_LOOKBACK:
            m = self.mentions[i]
            if m.end <= offset and m.kind in kinds:
                return m
            i -= 1
            steps += 1
        return None


def _kinds_for(head: Token) -> tuple[frozenset[str] | None, Token]:
    """Compatible actor kinds for an anaphoric source head, and the token that anchors it."""
    low = head.lower_
    if low in PRONOUN_KINDS:
        return PRONOUN_KINDS[low], head
    # "his office": resolve the possessor.
    for child in head.children:
        if child.dep_ == "poss" and child.lower_ in PRONOUN_KINDS:
            return PRONOUN_KINDS[child.lower_], child
    definite = any(c.lower_ in ("the", "this", "that") for c in head.children if c.dep_ == "det")
    lemma = head.lemma_.lower()
    if definite and lemma in PERSON_ROLES:
        return (PERSON if head.tag_ != "NNS" else PERSON | COLLECTIVE), head
    if definite and lemma in ORG_ROLES:
        return COLLECTIVE, head
    return None, head


def resolve(index: ActorIndex, span: Span, head: Token | None) -> str | None:
    """Actor id for a source mention, or None."""
    direct = index.overlapping(span)
    if direct is not None:
        return direct.actor_id
    if head is None:
        return None
    kinds, anchor = _kinds_for(head)
    if kinds is None:
        return None
    found = index.preceding(anchor.idx, kinds)
    return found.actor_id if found else None
