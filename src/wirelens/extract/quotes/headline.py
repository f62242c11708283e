"""Title-case headlines: "Pence Endorses Paul Ryan With Trump’s Blessing."

The tagger reads every capitalised word of such a line as a proper noun, so its verbs ("Endorses",
"Slams", "Tells") are never cue candidates. The headline is put in sentence case — a word keeps
its capital only when the article body also writes it capitalised mid-sentence ("Trump", "FBI") —
and that one line is parsed again without the entity recogniser (about 2 ms, and only when one of
its words is a form of a cue lemma; case changes keep every character offset, so the attributions
found on it are attributions of the article).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc

from .cues import cue_lexicon, learned_adjectives, learned_nouns

# A line is a title-case headline when at least this share of its longer words are capitalised.
TITLE_SHARE = 0.75
MIN_WORDS = 4
MAX_CHARS = 300


def headline_end(text: str) -> int | None:
    """End offset of a title-case first paragraph of ``text``, or None."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end - start > MAX_CHARS or end >= len(text):
        return None  # no body after it to learn the names from
    # Capitals-only words ("KATE BOULDUAN:", "FBI") say nothing about title case.
    words = [
        w for w in text[start:end].split() if len(w) > 3 and w[0].isalpha() and not w.isupper()
    ]
    if len(words) < MIN_WORDS:
        return None
    capital = sum(1 for w in words if w[0].isupper())
    return end if capital >= TITLE_SHARE * len(words) else None


def proper_forms(doc: Doc, after: int) -> set[str]:
    """Capitalised word forms the body uses mid-sentence (names, acronyms)."""
    return {
        tok.text
        for tok in doc
        if tok.idx >= after and not tok.is_sent_start and tok.text[:1].isupper()
    }


def sentence_case(text: str, end: int, proper: set[str]) -> str:
    """``text[:end]`` with every capitalised word lowered except the first, the names and the
    capitals-only words (acronyms)."""
    out: list[str] = []
    first = True
    for word in _words(text[:end]):
        if word[:1].isalpha():
            core = word.rstrip(".,:;!?’'\"”)").split("’")[0].split("'")[0]
            if not first and word[:1].isupper() and core not in proper and not core.isupper():
                word = word.lower()
            first = False
        out.append(word)
    return "".join(out)


def _words(line: str) -> list[str]:
    """``line`` cut into alternating runs of non-space and space characters (lossless)."""
    pieces: list[str] = []
    i = 0
    while i < len(line):
        j = i
        space = line[i].isspace()
        while j < len(line) and line[j].isspace() == space:
            j += 1
        pieces.append(line[i:j])
        i = j
    return pieces


# Irregular verb forms of common cue lemmas (regular ones are generated).
IRREGULAR = {
    "say": ("said",), "tell": ("told",), "speak": ("spoke", "spoken"), "write": ("wrote",
    "written"), "think": ("thought",), "feel": ("felt",), "see": ("saw", "seen"), "know": ("knew",
    "known"), "give": ("gave", "given"), "take": ("took", "taken"), "make": ("made",), "hear":
    ("heard",), "find": ("found",), "seek": ("sought",), "become": ("became",), "lead": ("led",),
    "tweet": ("tweeted",), "hold": ("held",), "mean": ("meant",), "stand": ("stood",),
}  # fmt: skip


def _forms(lemma: str) -> set[str]:
    """Regular inflections of ``lemma`` ("slam" -> slams, slammed, slamming; "deny" -> denies)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "d", lemma + "ed", lemma + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if len(lemma) > 2:
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms | set(IRREGULAR.get(lemma, ()))


@lru_cache(maxsize=1)
def cue_forms() -> frozenset[str]:
    """Lower-case word forms of every lemma that may be a cue (verbs, nouns, adjectives)."""
    lemmas = set(cue_lexicon()) | learned_nouns() | learned_adjectives()
    return frozenset(form for lemma in lemmas for form in _forms(lemma))


def _may_hold_cue(line: str) -> bool:
    """Some word of ``line`` is a form of a cue lemma (no parse is spent on the others)."""
    forms = cue_forms()
    return any(w.strip(".,:;!?’'\"“”‘()").lower() in forms for w in line.split()[1:])


def reparse_headline(doc: Doc, text: str) -> Doc | None:
    """A parse of the sentence-cased title-case headline (same offsets), or None; ``text`` is
    ``doc.text``."""
    end = headline_end(text)
    if end is None or not _may_hold_cue(text[:end]):
        return None
    from ...pipeline import load_nlp  # the cached model the pipeline already loaded

    return load_nlp()(sentence_case(text, end, proper_forms(doc, end)), disable=["ner"])
