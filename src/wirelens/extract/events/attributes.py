"""Event attributes read from the parse and earlier records: modality, date, quantity, place."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ...model import Analysis, Modality, Quantity, Quote
from ..places import place_at

_PLANNING = {"plan", "intend", "prepare", "aim", "want", "seek", "expect", "threaten", "promise"}
_FUTURE_AUX = {"will", "shall", "'ll"}
_HEDGE_AUX = {"would", "could", "might", "may"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}


def clause_head(tok: Token) -> Token:
    """The verb heading the clause ``tok`` sits in (itself when it is one)."""
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _negated(trig: Token) -> bool:
    if trig.pos_ == "NOUN":  # "did not say ... after a build-up": the noun's own negation only
        return any(c.dep_ == "neg" or c.lower_ == "no" for c in trig.children)
    heads = [trig, clause_head(trig)]
    if trig.dep_ in {"xcomp", "pobj", "dobj"}:
        heads.append(trig.head)
    return any(
        c.dep_ == "neg" or c.lemma_.lower() in {"never", "no"} for h in heads for c in h.children
    )


def _hypothetical(trig: Token) -> bool:
    tok = clause_head(trig)
    while True:
        if any(c.dep_ == "mark" and c.lemma_.lower() in {"if", "unless"} for c in tok.children):
            return True
        if (
            tok.dep_ not in {"xcomp", "conj", "ccomp", "dobj", "pobj", "prep"}
            or tok.head.i == tok.i
        ):
            return False
        tok = tok.head


def _planned(trig: Token) -> bool:
    verb = clause_head(trig)
    if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in verb.children):
        return True
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and verb.dep_ == "xcomp":
        return verb.head.lemma_.lower() in _PLANNING or verb.head.lemma_.lower() == "go"
    return False


def containing_quote(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quote whose content holds ``[start, end)``, if any."""
    for quote in quotes:
        if any(s <= start and end <= e for s, e in quote.content.spans):
            return quote
    return None


def modality(trig: Token, quote: Quote | None) -> Modality:
    """negated > hypothetical > claimed (a party's words) > planned > reported."""
    if _negated(trig):
        return "negated"
    if _hypothetical(trig):
        return "hypothetical"
    if quote is not None:
        return "claimed"
    if _planned(trig):
        return "planned"
    return "reported"


def _day(value: str | None) -> str | None:
    return value[:10] if value and _DAY.match(value) else None


def event_date(analysis: Analysis, trig: Token, quote: Quote | None, mod: Modality) -> str | None:
    """The date of an event, in this order of preference.

    1. a time expression (with a calendar day) in the trigger's clause;
    2. for a party's words, a time in the clause of the cue (the day it was said);
    3. a time expression anywhere in the sentence;
    4. the publication date for reported or claimed events told in the past tense;
    otherwise None (planned, hypothetical and undated present events).
    """
    clause = clause_head(trig)
    sent = trig.sent
    scopes: list[tuple[int, int]] = [
        (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge))
    ]
    if quote is not None and quote.cue is not None:
        scopes.append(
            (sent.start_char, sent.end_char)
            if quote.cue.start >= sent.start_char
            else (quote.cue.start - 200, quote.cue.end + 200)
        )
    scopes.append((sent.start_char, sent.end_char))
    for lo, hi in scopes:
        for time in analysis.times:
            day = _day(time.value)
            if day and lo <= time.start and time.end <= hi:
                return day
    past = trig.tag_ in {"VBD", "VBN"} or clause.tag_ in {"VBD", "VBN"}
    if mod in {"reported", "claimed"} and (past or trig.pos_ == "NOUN"):
        return analysis.article.published
    return None


def _number(tok: Token) -> float | None:
    text = tok.text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    for child in tok.children:
        if child.lower_ in _MULTIPLIERS:
            value *= _MULTIPLIERS[child.lower_]
    if tok.head.lower_ in _MULTIPLIERS:
        value *= _MULTIPLIERS[tok.head.lower_]
    return value


def quantity(trig: Token, spans: list[Span]) -> Quantity | None:
    """A counted noun in the trigger's phrase or a participant ("some 130,000 Russian troops")."""
    candidates = [*trig.subtree] if trig.pos_ == "NOUN" else [*trig.children]
    tokens: list[Token] = []
    for tok in candidates:
        tokens.extend(tok.subtree if tok.dep_ in {"dobj", "prep", "pobj", "nsubjpass"} else [tok])
    for span in spans:
        tokens.extend(span)
    for tok in tokens:
        if tok.like_num and tok.dep_ == "nummod" and tok.head.pos_ == "NOUN":
            value = _number(tok)
            if value is not None:
                return Quantity(value=value, unit=tok.head.lower_)
    return None


def event_place(analysis: Analysis, trig: Token) -> str | None:
    """A place in the trigger's own phrase (the destination of a move), else in the sentence."""
    sub = list(trig.subtree)
    for child in trig.children:
        if child.dep_ == "prep" and child.lower_ in {"to", "into"}:
            to = list(child.subtree)
            found = place_at(analysis, to[0].idx, to[-1].idx + len(to[-1]))
            if found:
                return found
    found = place_at(analysis, sub[0].idx, sub[-1].idx + len(sub[-1]))
    sent = trig.sent
    return found or place_at(analysis, sent.start_char, sent.end_char)
