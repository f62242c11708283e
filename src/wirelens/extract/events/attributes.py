"""Event attributes read from the parse and earlier records: modality, date, quantity, place."""

from __future__ import annotations

from spacy.tokens import Span, Token

from ...model import Analysis, Modality, Quantity, Quote
from ..doctext import doc_text
from ..places import place_at
from ..spanindex import SpanIndex
from ..times import dated_times

_PLANNING = {"plan", "intend", "prepare", "aim", "want", "seek", "expect", "threaten", "promise"}
_FUTURE_AUX = {"will", "shall", "'ll"}
_HEDGE_AUX = {"would", "could", "might", "may"}
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}
# verbs whose complement did not happen ("failed to ratify", "refused to withdraw")
_FAILING = {"fail", "refuse", "decline"}


def clause_head(tok: Token) -> Token:
    """The verb heading the clause ``tok`` sits in (itself when it is one)."""
    while tok.pos_ not in {"VERB", "AUX"} and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _negated(trig: Token) -> bool:
    if trig.pos_ == "NOUN":  # "did not say ... after a build-up": the noun's own negation only
        return any(c.dep_ == "neg" or c.lower_ == "no" for c in trig.children)
    if trig.dep_ == "xcomp" and trig.head.lemma_.lower() in _FAILING:
        return True
    heads = [trig, clause_head(trig)]
    if trig.dep_ in {"xcomp", "pobj", "dobj"}:
        heads.append(trig.head)
    return any(
        c.dep_ == "neg" or c.lemma_.lower() in {"never", "no"} for h in heads for c in h.children
    )


def _asked(trig: Token) -> bool:
    """The trigger is part of a question: "Does the White House support this?". Not when a
    colon or an opening quote comes first ("Carson said, “What does it say …?”"): the parser
    often runs a statement and the question it introduces into one sentence."""
    sent = trig.sent
    # doc_text: Doc.text joins every token again on each call
    rest = doc_text(sent.doc)[trig.idx : sent.end_char].rstrip(" \"'”’)\n")
    return rest.endswith("?") and not any(ch in rest for ch in ":“\n")


def _hypothetical(trig: Token) -> bool:
    if _asked(trig):
        return True  # asked, not asserted
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


def quote_contents(quotes: list[Quote]) -> SpanIndex[Quote]:
    """The content spans of ``quotes``, for :func:`containing_quote`."""
    return SpanIndex((s, e, quote) for quote in quotes for s, e in quote.content.spans)


def containing_quote(contents: SpanIndex[Quote], start: int, end: int) -> Quote | None:
    """The first quote whose content holds ``[start, end)``, if any (``contents``:
    :func:`quote_contents`)."""
    found = contents.containing(start, end)
    return found[0] if found else None


def dated_index(analysis: Analysis) -> SpanIndex[str]:
    """The article's calendar-day times, for :func:`event_date`."""
    return SpanIndex(dated_times(analysis))


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


def event_date(
    analysis: Analysis,
    trig: Token,
    quote: Quote | None,
    mod: Modality,
    dated: SpanIndex[str] | None = None,
) -> str | None:
    """The date of an event, in this order of preference.

    1. a time expression (with a calendar day) in the trigger's clause;
    2. for a party's words, a time in the clause of the cue (the day it was said);
    3. a time expression anywhere in the sentence;
    4. the publication date for reported or claimed events told in the past tense;
    otherwise None (planned, hypothetical and undated present events).

    ``dated`` is :func:`dated_index` of ``analysis`` when the caller dates many events.
    """
    dated = dated_index(analysis) if dated is None else dated
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
        day = next(dated.inside(lo, hi), None)
        if day is not None:
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


def _place_in(analysis: Analysis, tokens: list[Token]) -> str | None:
    return place_at(analysis, tokens[0].idx, tokens[-1].idx + len(tokens[-1])) if tokens else None


def _move_preps(trig: Token) -> dict[str, Token]:
    """The first "from" / "to" / "into" in the trigger's phrase, wherever the parser hung them
    ("moved its embassy from Kyiv to Lviv" attaches "from" to the object, "to" to "from")."""
    preps: dict[str, Token] = {}
    for tok in trig.subtree:
        if tok.dep_ == "prep" and tok.lower_ in {"from", "to", "into"}:
            preps.setdefault("to" if tok.lower_ == "into" else tok.lower_, tok)
    return preps


def _pobj_tokens(prep: Token) -> list[Token]:
    """The object of a preposition, without the phrases of prepositions nested under it."""
    nested = {
        t.i for child in prep.subtree if child.dep_ == "prep" and child != prep
        for t in child.subtree
    }  # fmt: skip
    return [t for t in prep.subtree if t.i not in nested and t != prep]


def event_origin(analysis: Analysis, trig: Token) -> str | None:
    """Where a move started: "from Kyiv to Lviv", or the place of the act it is conjoined with
    ("shut down its embassy in Kyiv and moved it to Lviv"). Only for moves with a destination."""
    preps = _move_preps(trig)
    if "to" not in preps:
        return None
    if "from" in preps:
        return _place_in(analysis, _pobj_tokens(preps["from"]))
    if trig.dep_ == "conj":
        own = {t.i for t in trig.subtree}
        return _place_in(
            analysis, [t for t in trig.head.subtree if t.i not in own and t.i < trig.i]
        )
    return None


def event_place(analysis: Analysis, trig: Token) -> str | None:
    """A place in the trigger's own phrase (the destination of a move), else in the sentence."""
    preps = _move_preps(trig)
    if "to" in preps:
        found = _place_in(analysis, _pobj_tokens(preps["to"]))
        if found:
            return found
    found = _place_in(analysis, list(trig.subtree))
    sent = trig.sent
    return found or place_at(analysis, sent.start_char, sent.end_char)
