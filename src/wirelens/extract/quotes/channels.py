"""Stage 4: channel (where/how it was said), relay ("according to Reuters") and negation."""

from __future__ import annotations

from spacy.tokens import Token

from .cues import Attribution, channel_nouns
from .spans import subtree_span, trim

CHANNEL_PREPS = frozenset({"in", "on", "during", "at", "via", "through", "to"})
ADDRESSEE_VERBS = frozenset({"tell", "inform", "assure", "warn", "brief"})
NEGATIONS = frozenset({"not", "n't", "never", "no"})


def _phrase(text: str, tok: Token) -> str:
    s, e = trim(text, subtree_span(tok))
    return text[s:e]


def _prep_channel(text: str, verb: Token) -> str | None:
    channels = channel_nouns()
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in CHANNEL_PREPS:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            lemma = pobj.lemma_.lower()
            if lemma in channels or (prep.lower_ == "to" and verb.lemma_ in ("say", "speak")):
                return _phrase(text, pobj)
            if prep.lower_ == "on" and pobj.ent_type_ in ("ORG", "PRODUCT", "WORK_OF_ART"):
                return _phrase(text, pobj)
    return None


def find_channel(text: str, att: Attribution) -> str | None:
    """Channel: "reporters" (told reporters), "a statement" (said in a statement), "Facebook"."""
    cue = att.cue
    if att.according:
        return None
    if cue.lemma_ in ADDRESSEE_VERBS:
        for child in cue.children:
            if child.dep_ in ("dative", "dobj") and child.pos_ in ("NOUN", "PROPN"):
                return _phrase(text, child)
    found = _prep_channel(text, cue)
    if found:
        return found
    # "posted a statement on Facebook that said …": the channel hangs off the statement/poster.
    if cue.dep_ == "relcl" and cue.head.lemma_.lower() in channel_nouns():
        noun = cue.head
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in CHANNEL_PREPS:
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return _phrase(text, pobj)
        return _prep_channel(text, noun.head) or _phrase(text, noun)
    return None


def find_via(text: str, att: Attribution) -> str | None:
    """The relaying outlet when an "according to X" modifies this cue ("…said, according to X")."""
    for child in att.cue.children:
        if child.lower_ == "according":
            to = next((c for c in child.children if c.lower_ == "to"), None)
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if pobj is not None:
                return _phrase(text, pobj)
    return None


def is_negated(att: Attribution) -> bool:
    """True for a negated cue: "did not say", "never claimed", "are not convinced"."""
    cue = att.cue
    # A predicative cue ("are not sure", "is not convinced") carries its negation on the copula.
    holders = [cue, cue.head] if cue.dep_ == "acomp" else [cue]
    return any(
        c.dep_ == "neg" or c.lower_ in NEGATIONS
        for tok in holders
        for c in tok.children
        if c.i < cue.i
    )
