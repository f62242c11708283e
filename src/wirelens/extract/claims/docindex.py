"""What the claims stage reads from one Doc, gathered once per Doc instead of once per claim.

``extract_claims`` asks the same Doc many questions (cues in every attribution and sentence, the
topic of every claim and statement, the sentence of every offset). Building Token objects for
each question cost more than the answers; ``DocIndex`` reads the token attributes it needs in a
few array passes (``Doc.to_array``) and keeps:

- the sentences and their character bounds;
- ``cue_tokens``: the only tokens where a status cue can start (their form or lemma is the first
  word of a phrase cue, an evidence noun, or a confirmation, assertion or observation verb), so
  a cue search over a range visits those tokens instead of every token;
- ``content``: each token's lowercased lemma when it counts for topic overlap (a content word,
  not a stop word, not generic), else ``None``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import DEP, IDX, IS_PUNCT, IS_STOP, LEMMA, LENGTH, LOWER, POS
from spacy.symbols import ADJ, AUX, NOUN, PROPN, VERB
from spacy.tokens import Doc, Span

from ..doctext import doc_text, prime_doc_text
from .lexicon import Lexicon

# Parts of speech whose lemmas say what a stretch of text is about (see linking.topic_of).
CONTENT_POS = (NOUN, PROPN, VERB, ADJ)


@dataclass
class DocIndex:
    """Per-Doc lookups for the claims stage (see the module docstring)."""

    doc: Doc
    text: str  # doc.text, built once (spaCy joins the tokens on every access)
    sents: list[Span]
    sent_starts: list[int]  # character offset where each sentence starts
    cue_tokens: list[int]  # sorted token positions where a cue may start
    content: list[str | None] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # character offset of each token
    ends: list[int] = field(default_factory=list)  # end of each token's text (no whitespace)
    punct: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    verb: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # pos VERB
    predicate_root: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def looks_like_statement(self, sent: Span) -> bool:
        """At least six non-punctuation tokens, not a question, and a verb (see
        ``candidates.is_statement``, which this answers from arrays)."""
        lo, hi = sent.start, sent.end
        if int(hi - lo - self.punct[lo:hi].sum()) < 6:
            return False
        if self.text[sent.start_char : sent.end_char].rstrip().endswith("?"):
            return False
        return bool(self.predicate_root[lo:hi].any() or self.verb[lo:hi].any())

    def is_question(self, sentence: int) -> bool:
        """Whether sentence number ``sentence`` ends with a question mark."""
        sent = self.sents[sentence]
        return self.text[sent.start_char : sent.end_char].rstrip().endswith("?")

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens ``[first, last)`` that characters ``[start, end)`` touch: the same range as
        ``doc.char_span(start, end, alignment_mode="expand")``, without building the Span."""
        if not 0 <= start < len(self.text) or not 0 < end <= len(self.text) or not self.starts:
            return None
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, end - 1) - 1
        if first < 0 or last < 0:
            return None
        if start == self.ends[first]:  # on the trailing space of a token: not that token
            first += 1
        return first, max(first, last + 1)

    def cue_positions(self, first: int, last: int) -> list[int]:
        """Candidate cue tokens among positions ``[first, last)``."""
        tokens = self.cue_tokens
        return tokens[bisect_left(tokens, first) : bisect_left(tokens, last)]

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` (the last one starting at or
        before it)."""
        return max(0, bisect_right(self.sent_starts, offset) - 1)


# hash -> lowercased string, shared by all Docs: a hash names the same string in every
# vocabulary, and most words recur from article to article. Cleared when it grows large.
_LOWERED: dict[int, str] = {}
_LOWERED_MAX = 500_000


def _lowered(doc: Doc, value: int) -> str:
    found = _LOWERED.get(value)
    if found is None:
        try:
            found = doc.vocab.strings[value].lower()
        except KeyError:  # not a string of this vocabulary (0: no lemma)
            found = ""
        if len(_LOWERED) >= _LOWERED_MAX:
            _LOWERED.clear()
        _LOWERED[value] = found
    return found


def build_index(
    doc: Doc, lexicon: Lexicon, generic: frozenset[str] = frozenset(), text: str | None = None
) -> DocIndex:
    """Index ``doc`` for the cue words of ``lexicon``; ``generic`` lemmas carry no topic.

    ``text`` is ``doc.text`` when the caller has it (the article text): spaCy rebuilds
    ``doc.text`` from the tokens on every access.
    """
    if text is not None:
        prime_doc_text(doc, text)  # kept only if it is the text of this Doc
    text = doc_text(doc)
    sents = list(doc.sents)
    array = doc.to_array([LOWER, LEMMA, POS, IS_STOP, IS_PUNCT, DEP, IDX, LENGTH])
    # Strings are looked at once per distinct form or lemma of the Doc, then spread to tokens.
    forms, inverse = np.unique(array[:, :2], return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    strings = [_lowered(doc, value) for value in forms.tolist()]
    words = lexicon.words
    keys = set(lexicon.by_first)
    for word_class in ("evidence_noun", "confirm_verb", "assert_verb", "observe_verb"):
        keys |= words.get(word_class, set())
    is_key = np.array([s in keys for s in strings], dtype=bool)
    topical = np.array([s not in generic for s in strings], dtype=bool)
    lemma = inverse[:, 1]
    pos = array[:, 2]
    is_content = np.isin(pos, CONTENT_POS) & (array[:, 3] == 0) & topical[lemma]
    content_lemmas = np.array(strings, dtype=object)[lemma]
    content_lemmas[~is_content] = None
    content: list[str | None] = content_lemmas.tolist()
    verb = pos == VERB
    root = array[:, 5] == doc.vocab.strings["ROOT"]
    idx = array[:, 6]
    return DocIndex(
        doc=doc,
        text=text,
        sents=sents,
        sent_starts=[s.start_char for s in sents],
        cue_tokens=np.flatnonzero(is_key[inverse].any(axis=1)).tolist(),
        content=content,
        starts=idx.tolist(),
        ends=(idx + array[:, 7]).tolist(),
        punct=array[:, 4] == 1,
        verb=verb,
        predicate_root=(verb | (pos == AUX)) & root,
    )
