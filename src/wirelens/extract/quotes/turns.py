"""Speaker turns: "BOULDUAN: …", "Q: …", "Vladimir Putin: “…”", headline "Trump: Clinton …".

A short verbless name or noun phrase that opens a paragraph (or follows the end of the previous
turn's sentence) and is followed by a colon attributes what follows the colon, up to the next
turn or the paragraph end. PolNeAR marks the colon as the cue and the phrase as the source.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .spans import Span, trim

# At most this many tokens before the colon ("Former secretary of state Hillary Rodham Clinton").
MAX_SPEAKER_TOKENS = 8
# Labels that are not speakers ("UPDATE: …", "Photo: …").
NOT_SPEAKERS = frozenset(
    {
        "update", "updated", "related", "photo", "photos", "video", "note", "editor's note",
        "source", "sources", "credit", "watch", "read more", "read", "see also", "advertisement",
        "tags", "tag", "correction", "clarification", "listen", "share", "comments", "email",
        "contact", "follow", "subscribe", "warning", "breaking", "exclusive", "opinion",
        "analysis", "edition", "topics", "more", "also", "example", "for example", "step",
        "byline", "twitter", "facebook", "instagram", "busted", "boom", "look", "wow", "bombshell",
        "dateline", "headline", "caption", "graphic", "map", "chart", "transcript",
        "video transcript", "full transcript",
    }
)  # fmt: skip
# Common nouns that speak for themselves in a headline ("Poll: …", "Report: …").
SAYER_NOUNS = frozenset(
    {
        "report", "poll", "survey", "study", "source", "official", "expert", "historian",
        "analyst", "witness", "police", "prosecutor", "lawyer", "aide", "critic", "voter",
        "democrat", "republican", "insider", "adviser", "advisor", "lawmaker",
    }
)  # fmt: skip
# Entity types that make a phrase a speaker even when not tagged as a proper noun ("Cuban").
NAME_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Characters after which a new turn may start inside a paragraph ('… ISIS." Bush: "…').
TURN_BREAK = '.?!”"’'


def _speaker_start(text: str, colon: Token) -> int | None:
    """Index of the first token of the speaker phrase before ``colon``, or None."""
    doc = colon.doc
    i = colon.i - 1
    count = 0
    while i >= 0 and count < MAX_SPEAKER_TOKENS:
        tok = doc[i]
        if "\n" in tok.text or "\n" in tok.whitespace_:
            break  # the paragraph starts after this token
        if tok.text in TURN_BREAK or tok.text in (".", "?", "!", ";", ":"):
            break
        i -= 1
        count += 1
    first = i + 1
    if first >= colon.i:
        return None
    j = doc[first].idx - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j >= 0 and text[j] != "\n" and text[j] not in TURN_BREAK:
        return None  # the phrase is not at a paragraph or turn start
    if i >= 0 and count >= MAX_SPEAKER_TOKENS and "\n" not in doc[i].whitespace_:
        return None
    return first


def _is_speaker(phrase: list[Token]) -> bool:
    """A short capitalised name or noun phrase with no verb: "Clinton", "Q", "Rep. X (R-S.C.)"."""
    if not phrase or not phrase[0].text[:1].isupper():
        return False
    if " ".join(t.lower_ for t in phrase) in NOT_SPEAKERS:
        return False
    if any(t.like_num or t.is_digit for t in phrase):
        return False  # "12:15", "Step 2:"
    if all(t.is_upper or not t.is_alpha for t in phrase) and any(len(t) > 1 for t in phrase):
        return True  # transcript speaker in capitals ("KATE BOULDUAN"), whatever its tags
    if len(phrase) == 1 and phrase[0].lemma_.lower() in SAYER_NOUNS:
        return True  # headline "Poll: …", "Historians: …"
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in phrase):
        return False
    if phrase[0].pos_ in ("ADP", "CCONJ", "SCONJ", "ADV", "DET", "PRON"):
        return False  # "For context:", "And with good reason:", "The next tactic:"
    return any(
        t.pos_ == "PROPN" or t.ent_type_ in NAME_TYPES or t.text in ("Q", "A") for t in phrase
    )


def find_turns(doc: Doc, text: str) -> list[Token]:
    """Colon tokens that end a speaker phrase (text order); ``text`` is ``doc.text``."""
    out: list[Token] = []
    colon = text.find(":")
    while colon >= 0:
        span = doc.char_span(colon, colon + 1)  # None inside a token ("https:", "12:15")
        colon = text.find(":", colon + 1)
        if span is None:
            continue
        tok = span[0]
        end = tok.idx + 1
        nl = text.find("\n", end)
        rest = text[end : nl if nl >= 0 else len(text)]
        if rest.startswith("//"):
            continue  # a URL
        if not rest.strip() and not _next_paragraph(text, end)[1]:
            continue  # nothing said
        first = _speaker_start(text, tok)
        if first is not None and _is_speaker(list(doc[first : tok.i])):
            out.append(tok)
    return out


def turn_source(text: str, colon: Token) -> tuple[Span, Token] | None:
    """The speaker phrase before the colon and its head token."""
    doc = colon.doc
    first = _speaker_start(text, colon)
    if first is None:
        return None
    phrase = list(doc[first : colon.i])
    heads = [t for t in phrase if not first <= t.head.i < colon.i or t.head == t]
    head = heads[0] if heads else phrase[-1]
    span = trim(text, (phrase[0].idx, phrase[-1].idx + len(phrase[-1])))
    return (span, head) if span[1] > span[0] else None


def _next_paragraph(text: str, offset: int) -> Span:
    """The non-empty paragraph after the line ending at or after ``offset`` (empty at the end)."""
    start = text.find("\n", offset)
    if start < 0:
        return len(text), len(text)
    while start < len(text) and text[start].isspace():
        start += 1
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def turn_content(text: str, colon: Token, next_turn: int | None) -> Span:
    """What follows the colon, to the next turn (``next_turn`` offset) or the paragraph end;
    the next paragraph when the colon ends its line ("KATE BOULDUAN:\n…")."""
    start = colon.idx + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if not text[start:end].strip():
        start, end = _next_paragraph(text, start)
    if next_turn is not None and start < next_turn < end:
        end = next_turn
    s, e = trim(text, (start, end))
    while e > s and text[e - 1] in ".;, ":
        e -= 1  # the closing period or separator is not what was said
    return s, e
