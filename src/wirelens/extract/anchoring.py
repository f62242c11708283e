"""When and where each quote was said.

A quote's date is the calendar day of a time expression in the attribution's own clause ("told
reporters Tuesday morning", "On Monday, ... told Russian media"), never one inside what was said
("would invade on Feb. 16" dates the claim, not the statement). Without one, a quote whose cue is
in the past tense or present perfect takes the publication date: news reports statements of the
day unless it says otherwise. Its place is a place in a locative phrase on the cue verb ("said in
Kyiv").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..model import Analysis, Quote
from .places import place_at
from .times import dated_times

_REPORTED_TAGS = {"VBD", "VBN", "VBZ", "VBP"}
_WHERE = {"in", "at", "near", "inside", "outside", "from"}  # "said in Kyiv", "spoke from Lviv"


def _cue_verb(doc: Doc, quote: Quote) -> Token | None:
    """The verb of the cue ("said" in "later said", "did not say")."""
    span = (
        doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
        if quote.cue
        else None
    )
    if span is None or not len(span):
        return None
    verbs = [t for t in span if t.pos_ == "VERB"]
    return verbs[-1] if verbs else span.root


def _clause(verb: Token) -> tuple[int, int]:
    """Character range of the verb's clause; conjoined verbs share the first one's ("On Monday,
    officials called on Americans to leave and asserted that ...")."""
    while verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        verb = verb.head
    return verb.left_edge.idx, verb.right_edge.idx + len(verb.right_edge)


def _outside(quote: Quote, start: int, end: int) -> bool:
    return not any(s < end and start < e for s, e in quote.content.spans)


def _reported(verb: Token) -> bool:
    """A finite past or present cue: "said", "has said", "did not say", "says"."""
    auxiliaries = (c for c in verb.children if c.dep_ in {"aux", "auxpass"})
    return verb.tag_ in _REPORTED_TAGS or any(a.tag_ in _REPORTED_TAGS for a in auxiliaries)


def _place(analysis: Analysis, quote: Quote, verb: Token) -> str | None:
    """A place in a locative phrase on the cue verb itself ("said in Brussels"): a place elsewhere
    in the clause ("after a build-up south of Ukraine") is not where the words were said."""
    for child in verb.children:
        if child.dep_ != "prep" or child.lower_ not in _WHERE:
            continue
        start, end = child.idx, child.right_edge.idx + len(child.right_edge)
        if _outside(quote, start, end):
            place = place_at(analysis, start, end)
            if place is not None:
                return place
    return None


def anchor_quotes(doc: Doc, analysis: Analysis) -> None:
    """Fill ``date`` and ``place_id`` of every quote from its attribution clause."""
    published = analysis.article.published
    days = dated_times(analysis)
    for quote in analysis.quotes:
        verb = _cue_verb(doc, quote)
        if verb is None:
            continue
        lo, hi = _clause(verb)
        quote.date = next(
            (day for s, e, day in days if lo <= s and e <= hi and _outside(quote, s, e)), None
        )
        if quote.date is None and published and _reported(verb):
            quote.date = published  # "said", "has said", "did not say": the day of the report
        quote.place_id = _place(analysis, quote, verb)
