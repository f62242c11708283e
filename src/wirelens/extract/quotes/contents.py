"""Stage 2: content — what the cue attributes, read off the dependency parse.

Content is the clausal complement of the cue (ccomp, else xcomp/dobj for verbs that take them),
the clause an "according to" phrase modifies, or — for "“…,” he said" / "he said: “…”" — the
adjacent quoted region. Any quoted region the content touches is taken in whole, so a quote that
runs over several sentences is one content span.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..doctext import doc_text
from .cues import NOUN_CUES, Attribution, channel_nouns, hand_lexicon, learned_nouns
from .marks import RegionIndex
from .spans import Span, subtract, subtree_span, token_span, trim
from .turns import turn_content

# Verbs whose direct object can be the attributed content ("denied the report", "showed tanks").
DOBJ_CONTENT = frozenset(
    {
        "deny", "announce", "express", "show", "suggest", "find", "report", "reveal", "confirm",
        "acknowledge", "admit", "predict", "propose", "promise", "pledge", "reject", "dismiss",
        "demand", "recommend", "indicate", "signal", "estimate", "describe", "fear", "want",
        "seek", "release", "repeat", "reiterate", "allege", "criticize", "praise", "claim",
        "say", "write", "tweet", "post", "know", "expect", "question", "disclose",
    }
)  # fmt: skip
# Short answers that are the whole content ("said so", "said yes").
SHORT_ANSWERS = frozenset({"so", "yes", "no", "otherwise", "nothing"})
# Prepositions whose object is what a learned cue verb is about ("pointed to", "talked about").
CONTENT_PREPS = frozenset({"to", "about", "on", "for", "of", "at", "against", "with"})
NOUN_CONTENT_PREPS = frozenset({"on", "about", "over", "of", "against", "at", "for", "that"})
RIGHT_COMPLEMENTS = frozenset({"xcomp", "acomp", "attr", "prep", "advcl", "dative"})
CIRCUMSTANCE_PREPS = frozenset(
    {"during", "after", "before", "following", "since", "until", "at", "amid", "throughout"}
)
XCOMP_CLASSES = frozenset({"belief", "intent", "speech", "evidence", "write", "learned"})
# How far (in characters) a quote may sit from its cue clause and still be its content.
ADJACENT = 4


def _clause_content(att: Attribution) -> list[Span]:
    cue = att.cue
    if att.cue_class == "noun":
        clauses = [c for c in cue.children if c.dep_ in ("acl", "ccomp") and c.i > cue.i]
        if clauses:
            return [subtree_span(clauses[0])]
        # "attacks on Curiel", "comments about her stamina": what the noun is about.
        preps = [
            c
            for c in cue.children
            if c.dep_ == "prep"
            and c.i > cue.i
            and c.lower_ in NOUN_CONTENT_PREPS
            and not _is_channel_prep(c)
            and not _is_when_or_where(c)
        ]
        return [subtree_span(preps[0])] if preps else []
    ccomps = [c for c in cue.children if c.dep_ == "ccomp"]
    if ccomps:
        return [subtree_span(c) for c in ccomps]
    if att.cue_class == "adj":
        # "eager to attack him", "angry about the war": the complement, else nothing.
        comps = [
            c
            for c in cue.children
            if c.i > cue.i
            and (c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ in CONTENT_PREPS))
            and not _is_when_or_where(c)
        ]
        if comps:
            return [subtree_span(comps[0])]
        return []
    xcomps = [c for c in cue.children if c.dep_ == "xcomp"]
    subjects = [c for c in cue.children if c.dep_ in ("nsubjpass", "nsubj") and c.i < cue.i]
    if xcomps and subjects and _raised(att):
        # "she is expected to win", "it appears to hold": PolNeAR's content is subject + xcomp.
        return [subtree_span(subjects[0]), subtree_span(xcomps[0])]
    if att.cue_class in XCOMP_CLASSES and xcomps:
        return [subtree_span(c) for c in xcomps]
    about = _about_object(att)
    if about:
        return about
    if att.lemma in DOBJ_CONTENT or att.cue_class in ("learned", "model"):
        objs = [
            c
            for c in cue.children
            if c.dep_ in ("dobj", "oprd") and c.i > cue.i and not _channel_with_relcl(c)
        ]
        if objs:
            return [(subtree_span(objs[0])[0], subtree_span(objs[-1])[1])]
    if att.cue_class != "noun":
        # Any cue verb: its object(s) through a predicative complement ("called him a “wreck”").
        objs = [
            c
            for c in cue.children
            if c.dep_ in ("dobj", "oprd", "dative") and c.i > cue.i and not _channel_with_relcl(c)
        ]
        if objs:
            return [(subtree_span(objs[0])[0], subtree_span(objs[-1])[1])]
        passive = [c for c in cue.children if c.dep_ == "nsubjpass"]
        if passive and any(c.dep_ == "agent" for c in cue.children):
            # "was first reported by the Times": the passive subject is what was reported.
            return [subtree_span(passive[0])]
    if att.lemma in ("say", "tell", "add", "reply", "answer", "respond"):
        # "said so", "said yes"
        short = [c for c in cue.children if c.i > cue.i and c.lower_ in SHORT_ANSWERS]
        if short:
            return [subtree_span(short[0])]
    if att.cue_class in ("learned", "model"):
        preps = [
            c
            for c in cue.children
            if c.dep_ == "prep"
            and c.i > cue.i
            and c.lower_ in CONTENT_PREPS
            and not _is_when_or_where(c)
            and not _is_channel_prep(c)
        ]
        if preps:
            return [subtree_span(preps[0])]
    return []


# Prepositions that carry what an addressee was told about or a stance noun is aimed at.
ABOUT_PREPS = frozenset({"about", "of", "for", "on", "over", "at", "to", "against"})
ADDRESSEE_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
ADDRESSEE_PRONOUNS = frozenset({"him", "her", "them", "us", "me", "you"})


def _about_object(att: Attribution) -> list[Span]:
    """What the cue is about when its object is not the content: an addressee ("questioned
    Pence about that position", "criticized Ford for opening …") or a stance noun of a light verb
    ("voiced a wish for …", "took aim at …", "cast a vote for her")."""
    cue = att.cue
    obj = next((c for c in cue.children if c.dep_ in ("dobj", "dative") and c.i > cue.i), None)
    if obj is None:
        return []
    addressee = (
        obj.lower_ in ADDRESSEE_PRONOUNS or obj.ent_type_ in ADDRESSEE_ENTS or obj.pos_ == "PROPN"
    )
    stance = obj.pos_ == "NOUN" and (
        obj.lemma_.lower() in NOUN_CUES or obj.lemma_.lower() in learned_nouns()
    )
    if not addressee and not stance:
        return []
    holders = [cue, obj] if stance else [cue]
    for holder in holders:
        for prep in holder.children:
            if (
                prep.dep_ == "prep"
                and prep.i > obj.i
                and prep.lower_ in ABOUT_PREPS
                and not _is_when_or_where(prep)
                and not _is_channel_prep(prep)
            ):
                target = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
                if target is not None:
                    return [subtree_span(target)]
    return []


def _raised(att: Attribution) -> bool:
    """A raising or passive cue whose subject belongs to the content ("is seen as", "seems")."""
    return att.lemma in ("seem", "appear") or any(
        c.dep_ in ("auxpass", "nsubjpass") for c in att.cue.children
    )


def _right_complements(att: Attribution) -> list[Span]:
    """Last resort: the cue's complements to the right ("pointed to …", "spoke about …")."""
    cue = att.cue
    right = [
        c
        for c in cue.children
        if c.i > cue.i
        and c.dep_ in RIGHT_COMPLEMENTS
        and not (c.dep_ == "advcl" and c.lemma_.lower() in hand_lexicon())  # ", saying …"
        and not _is_channel_prep(c)
        and not _is_when_or_where(c)
    ]
    if right:
        return [(subtree_span(right[0])[0], subtree_span(right[-1])[1])]
    return []


def _is_when_or_where(tok: Token) -> bool:
    """ "on Monday", "in Kyiv": circumstances, not content."""
    objs = [c for c in tok.children if c.dep_ == "pobj"] if tok.dep_ == "prep" else [tok]
    return any(o.ent_type_ in ("DATE", "TIME", "GPE", "LOC", "FAC") for o in objs)


def _is_channel_prep(tok: Token) -> bool:
    """ "in a statement", "on Facebook", "according to Reuters": where, not what."""
    if tok.lower_ == "according":
        return True
    return tok.dep_ == "prep" and any(
        c.dep_ == "pobj" and c.lemma_.lower() in channel_nouns() for c in tok.children
    )


def _channel_with_relcl(tok: Token) -> bool:
    """ "posted a statement that said …": the inner "said" carries the content."""
    return tok.lemma_.lower() in channel_nouns() and any(g.dep_ == "relcl" for g in tok.children)


def _inverted_content(att: Attribution) -> list[Span]:
    """ "Couple exposure with X and people get nervous, said Link": the sentence before the comma
    when the speaker follows the cue (the parser found no complement)."""
    cue = att.cue
    doc = cue.doc
    if cue.i < 2 or doc[cue.i - 1].text != ",":
        return []
    if not any(c.dep_ == "nsubj" and c.i > cue.i for c in cue.children):
        return []
    start = cue.sent.start
    if cue.i - 1 - start < 3:
        return []
    return [(doc[start].idx, doc[cue.i - 1].idx)]


def _according_content(att: Attribution) -> list[Span]:
    """The clause "according to X" modifies, minus the phrase itself."""
    according = att.cue
    head = according.head
    while head.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "parataxis") and head.head != head:
        head = head.head
    clause = (
        (head.sent.start_char, head.sent.end_char) if head.dep_ == "ROOT" else (subtree_span(head))
    )
    text = doc_text(according.doc)
    pieces = subtract(clause, subtree_span(according))
    if not pieces and according.i == according.sent.start:
        # The parser hung the whole sentence on the phrase ("According to a study by X based on
        # Y, voters skew younger"): the content is what follows the phrase's first comma.
        comma = next((t for t in according.sent if t.i > according.i and t.text == ","), None)
        if comma is not None:
            pieces = [(comma.idx + 1, according.sent.end_char)]
    # The period left after a trailing "…, according to X." is no content.
    return [(s, e) for s, e in pieces if any(ch.isalnum() for ch in text[s:e])]


def _parenthetical_content(att: Attribution) -> list[Span]:
    """Content of a parenthetical cue ("The plan, he said, is sound", "As Pew noted, …")."""
    cue = att.cue
    as_clause = cue.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "as" for c in cue.children
    )
    if cue.dep_ != "parataxis" and not as_clause:
        return []
    return subtract(subtree_span(cue.head), subtree_span(cue))


def _adjacent_quote(text: str, att: Attribution, regions: RegionIndex) -> list[Span]:
    """A quoted region right before the cue clause or right after it ("said: “…”")."""
    cue = att.cue
    clause_start, clause_end = subtree_span(cue)
    inside = regions.containing(clause_start)
    if inside is not None and inside.end <= cue.idx:
        # The parse hung part of the quote on the cue ("“…,” another supporter wrote"): the
        # clause proper starts after the quote.
        clause_start = inside.end
        while clause_start < cue.idx and text[clause_start] in " ,":
            clause_start += 1
    before = regions.containing(max(clause_start - 1, 0)) or regions.containing(
        max(clause_start - ADJACENT, 0)
    )
    after = regions.containing(min(clause_end + ADJACENT, len(text) - 1)) or regions.containing(
        clause_end
    )
    # The quote before ("“…,” he said"), else one that follows.
    if before is not None and before.end <= cue.idx:
        gap = text[before.end : clause_start]
        if len(gap.strip(" ,")) == 0 or before is inside:
            return [(before.start, before.end)]
    if after is not None and clause_end <= after.start < cue.sent.end_char:
        return [(after.start, after.end)]
    return []


def _after_colon(text: str, clause_end: int, regions: RegionIndex) -> list[Span]:
    """ "X said: “…”" or "X responded:\n\n<paragraph>": the quote or paragraph after the colon."""
    j = clause_end
    while j < len(text) and j < clause_end + 3 and text[j] in " ,":
        j += 1
    if (j >= len(text) or text[j] != ":") and text[clause_end - 1 : clause_end] == ":":
        j = clause_end - 1  # the parser hung the colon (and the paragraph after it) on the cue
    if j >= len(text) or text[j] != ":":
        return []
    k = j + 1
    while k < len(text) and text[k].isspace():
        k += 1
    if k >= len(text):
        return []
    region = regions.first_after(k)
    if region is not None and region.start == k:
        return [(region.start, region.end)]
    # No quote: take the text up to the end of the paragraph that follows.
    end = text.find("\n", k)
    end = len(text) if end < 0 else end
    while end > k and text[end - 1] in " .":
        end -= 1  # the paragraph's final period is not part of what was said
    return [(k, end)]


def _quote_right_after(text: str, att: Attribution, regions: RegionIndex) -> list[Span]:
    """ "asked, “Really?”", "tweeted:\u00a0“…”": a quote right after the cue and a comma or colon
    is its content, however the parser attached it (it often hangs the quote, or the sentence
    after it, somewhere else)."""
    j = att.cue_span[1]
    k = j
    while k < len(text) and k < j + 4 and text[k] in " ,:\u00a0\t":
        k += 1
    if not any(ch in ",:" for ch in text[j:k]):
        return []
    region = regions.first_after(k)
    if region is None or region.start != k:
        return []
    return [(region.start, region.end)]


def _paragraph(text: str, offset: int) -> Span:
    """The paragraph (line) around ``offset``."""
    end = text.find("\n", offset)
    return text.rfind("\n", 0, offset) + 1, len(text) if end < 0 else end


def _clip(spans: list[Span], bounds: Span) -> list[Span]:
    """``spans`` cut to ``bounds`` (pieces left empty are dropped)."""
    lo, hi = bounds
    out = [(max(s, lo), min(e, hi)) for s, e in spans]
    return [(s, e) for s, e in out if e > s]


def _expand_to_regions(spans: list[Span], regions: RegionIndex, cue_span: Span) -> list[Span]:
    """Grow each span to cover every quoted region it touches (but never swallow the cue)."""
    out: list[Span] = []
    for s, e in spans:
        for r in regions.overlapping(s, e):
            if r.start <= cue_span[0] < r.end:
                continue
            s, e = min(s, r.start), max(e, r.end)
        out.append((s, e))
    return out


def _strip_marks(text: str, span: Span) -> Span:
    """Drop the enclosing quotation marks of a fully quoted span (and the comma inside them)."""
    s, e = trim(text, span)
    if e - s >= 4 and text[s : s + 2] == "''" and text[e - 2 : e] == "''":
        s, e = trim(text, (s + 2, e - 2))  # ''Yes,'' (two apostrophes as a double quote)
    elif e - s >= 2 and text[s] in "\"“«„'‘" and text[e - 1] in "\"”»'’“" and _balanced(text, s, e):
        s, e = trim(text, (s + 1, e - 1))
    return _drop_dangling(text, s, e)


def _drop_dangling(text: str, s: int, e: int) -> Span:
    """Drop a conjunction left dangling at the end ("… for the United States' help and")."""
    for word in (" and", " or", " but"):
        if e - s > len(word) and text[e - len(word) : e].lower() == word:
            return trim(text, (s, e - len(word)))
    return s, e


def _balanced(text: str, s: int, e: int) -> bool:
    """True when the first and last marks pair with each other (no other double mark between)."""
    inner = text[s + 1 : e - 1]
    return not any(m in inner for m in '“”«»"')


def find_content(text: str, att: Attribution, regions: RegionIndex) -> list[Span]:
    """Content spans of one attribution (empty when the cue has none); ``text`` is ``doc.text``."""
    colon: list[Span] = []
    if att.cue_class == "turn":
        s, e = turn_content(text, att.cue, att.bound)
        return [(s, e)] if e > s else []
    if att.according or att.cue_class == "poll":
        spans = _according_content(att)
    elif att.cue_class == "adverb":
        # "was reportedly targeted": the clause the adverb modifies.
        spans = subtract(subtree_span(att.cue.head), token_span(att.cue))
    else:
        paragraph_end = _paragraph(text, att.cue.idx)[1]
        colon = _after_colon(text, min(subtree_span(att.cue)[1], paragraph_end), regions)
        if not colon and att.cue_class not in ("noun", "adj"):
            colon = _quote_right_after(text, att, regions)
        spans = colon or _clause_content(att)
        if att.cue_class == "adj":
            pass  # an adjective's content is its own complement only
        elif att.cue_class == "noun":
            # A noun's content is its own clause or an adjacent quote, never a nearby phrase.
            spans = spans or _adjacent_quote(text, att, regions)
        else:
            # Each fallback counts only if something of it lies in the cue's paragraph (a quote
            # ending the previous paragraph is no content of "X did not respond to a request").
            paragraph = _paragraph(text, att.cue.idx)
            for fallback in (
                lambda: _parenthetical_content(att),
                lambda: _adjacent_quote(text, att, regions),
                lambda: _inverted_content(att),
                lambda: _right_complements(att),
            ):
                if spans:
                    break
                spans = _clip(fallback(), paragraph)
    if not colon:
        # The parser sometimes joins paragraphs into one sentence (a quote ending in ” with no
        # period after it): content read off the parse never reaches past the cue's paragraph.
        spans = _clip(spans, _paragraph(text, att.cue.idx))
    spans = _expand_to_regions(spans, regions, att.cue_span)
    cue_tok: Token = att.cue
    # "information that government officials said would …": the parser hangs the relative
    # pronoun on the clause, so the clause's span runs over the speaker; the speaker is no content.
    cut = [token_span(cue_tok)] + [
        subtree_span(c) for c in cue_tok.children if c.dep_ == "nsubj" and c.i < cue_tok.i
    ]
    out: list[Span] = []
    for span in spans:
        pieces = [span]
        for hole in cut:
            pieces = [p for piece in pieces for p in subtract(piece, hole)]
        for piece in pieces:
            s, e = _strip_marks(text, piece)
            if e > s:
                out.append((s, e))
    return sorted(set(out))
