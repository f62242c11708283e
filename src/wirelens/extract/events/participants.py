"""Who did it and to whom: actor mentions (from ``analysis.actors``) behind a token.

A participant is the mention itself ("Russia"), or a noun phrase led by an actor's demonym or
name ("Russian troops", "top NATO officials"): then the country comes from the actor and the sector
from the head noun (troops -> MIL). Coordinated phrases ("the United States and the West") give
one participant each; pronouns inside a party's words resolve to the speaker when they can stand
for it: "I" and "we" always, "he" and "she" for a person, "it" and "they" for a country, an
organisation or a group ("Russia says it does not want to attack"; in Zelensky's "it is necessary
to meet", "it" is not Zelensky).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ...model import Actor, Analysis, EventParticipant, Quote
from ..doctext import doc_text
from ..spanindex import SpanIndex

_MIL = {
    "troop",
    "force",
    "army",
    "military",
    "soldier",
    "tank",
    "unit",
    "navy",
    "battalion",
    "militia",
}
_GOV = {"official", "government", "diplomat", "minister", "ministry", "leader", "authority"}
# heads of a phrase that stands for its modifier's actor: "Russian troops", not "Western propaganda"
_AGENT_NOUNS = (
    _MIL | _GOV | {"side", "media", "people", "delegation", "envoy", "spokesman", "spokeswoman"}
)
_PRONOUNS = {"it", "they", "we", "he", "she", "i"}
_FIRST_PERSON = {"i", "we"}
_PERSONAL = {"he", "she"}  # pronouns that can stand for a person speaker; "it", "they" for others


def _agrees(pronoun: str, speaker: Actor | None) -> bool:
    """Whether a pronoun in a speaker's words can stand for the speaker."""
    if pronoun in _FIRST_PERSON:
        return True
    if speaker is None or speaker.kind == "unknown":
        return False
    return (pronoun in _PERSONAL) == (speaker.kind == "person")


class Mentions:
    """Actor mentions of one analysis, looked up by character offset."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        in_text_order = sorted(
            ((s, e, a) for a in analysis.actors for s, e in a.mentions),
            key=lambda m: (m[0], m[1]),
        )
        self._index = SpanIndex((s, e, (s, e, a)) for s, e, a in in_text_order)

    def inside(self, spans: list[tuple[int, int]]) -> list[tuple[int, int, Actor]]:
        """The mentions lying inside one of ``spans``, in text order."""
        found = {id(m): m for lo, hi in spans for m in self._index.inside(lo, hi)}
        return sorted(found.values(), key=lambda m: (m[0], m[1]))

    def at(self, start: int, end: int) -> tuple[int, int, Actor] | None:
        """The first mention overlapping ``[start, end)``."""
        found = self._index.overlapping(start, end)
        return found[0] if found else None


def _participant(
    doc: Doc, start: int, end: int, actor: Actor | None, sector: str | None
) -> EventParticipant:
    return EventParticipant(
        text=doc_text(doc)[start:end],
        start=start,
        end=end,
        actor_id=actor.id if actor else None,
        country=actor.country if actor else None,
        sector=sector or (actor.sector if actor else None),
    )


def participant(
    doc: Doc, tok: Token, mentions: Mentions, quote: Quote | None = None
) -> EventParticipant | None:
    """The participant a noun (or pronoun) token stands for, or None when it is no known actor."""
    if tok.lower_ in _PRONOUNS and tok.pos_ == "PRON":
        if quote is not None and quote.source is not None and quote.source.actor_id:
            actor = mentions.analysis.actor(quote.source.actor_id)
            if _agrees(tok.lower_, actor):
                return _participant(doc, tok.idx, tok.idx + len(tok), actor, None)
        return None
    hit = mentions.at(tok.idx, tok.idx + len(tok))
    if hit is not None:
        s, e, actor = hit
        return _participant(doc, s, e, actor, None)
    # a phrase headed by this noun with an actor in its modifiers ("Russian troops")
    if tok.lemma_.lower() not in _AGENT_NOUNS and tok.pos_ == "NOUN":
        return None
    left = [t for t in tok.lefts if t.dep_ in {"amod", "compound", "poss", "nmod"}]
    for mod in left:
        hit = mentions.at(mod.idx, mod.idx + len(mod))
        if hit is not None:
            s, _, actor = hit
            lemma = tok.lemma_.lower()
            sector = "MIL" if lemma in _MIL else "GOV" if lemma in _GOV else None
            return _participant(doc, min(s, tok.idx), tok.idx + len(tok), actor, sector)
    return None


def participants(
    doc: Doc, tok: Token, mentions: Mentions, quote: Quote | None = None
) -> list[EventParticipant]:
    """The participant of ``tok`` and of every token coordinated with it."""
    out: list[EventParticipant] = []
    for t in (tok, *tok.conjuncts):
        p = participant(doc, t, mentions, quote)
        if p is not None and all(p.start != q.start for q in out):
            out.append(p)
        if p is None or p.start >= t.idx:
            continue
        # "Hungarian and Romanian officials": each coordinated modifier is its own actor
        for mod in t.lefts:
            for other in mod.conjuncts:
                hit = mentions.at(other.idx, other.idx + len(other))
                if hit is not None and all(hit[0] != q.start for q in out):
                    s, _, actor = hit
                    out.append(_participant(doc, s, t.idx + len(t), actor, p.sector if p else None))
    return out
