"""Stage 1: cue detection — the verbs and phrases that introduce attributed content.

A cue is a verb whose lemma is in the cue lexicon (``resources/quotes/cue_verbs.txt``), or the
phrase "according to". When a trained lemma model exists (``models/quotes/cue_lemmas.json``) its
per-lemma cue probabilities extend and filter the hand lexicon.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

PACKAGE = Path(__file__).resolve().parents[2]
RESOURCES = PACKAGE / "resources" / "quotes"
MODELS = PACKAGE / "models" / "quotes"
# Minimum trained probability that a verb lemma heads an attribution for it to count as a cue.
MIN_LEARNED_PROB = 0.3
MIN_LEARNED_COUNT = 3


@dataclass
class Attribution:
    """Internal working record shared by the stages (converted to ``Quote`` at the end)."""

    cue: Token
    cue_span: tuple[int, int]
    lemma: str
    cue_class: str
    content: list[tuple[int, int]] = field(default_factory=list)
    source: tuple[int, int] | None = None
    source_head: Token | None = None
    according: bool = False
    channel: str | None = None
    via: str | None = None
    negated: bool = False


def _read_lines(name: str) -> list[str]:
    path = RESOURCES / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln for ln in (x.strip() for x in lines) if ln and not ln.startswith("#")]


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, str]:
    """Cue lemma -> class (speech, write, belief, evidence, intent), hand lexicon + trained."""
    lex: dict[str, str] = {}
    for line in _read_lines("cue_verbs.txt"):
        lemma, _, cls = line.partition("\t")
        lex[lemma.strip()] = cls.strip() or "speech"
    for lemma, prob in learned_lemmas().items():
        if prob >= MIN_LEARNED_PROB:
            lex.setdefault(lemma, "speech")
    return lex


@lru_cache(maxsize=1)
def learned_lemmas() -> dict[str, float]:
    """Per-lemma cue probability from ``models/quotes/cue_lemmas.json`` (empty if absent)."""
    try:
        data = json.loads((MODELS / "cue_lemmas.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        lemma: float(v["p"])
        for lemma, v in data.get("lemmas", {}).items()
        if int(v.get("n", 0)) >= MIN_LEARNED_COUNT
    }


@lru_cache(maxsize=1)
def channel_nouns() -> frozenset[str]:
    """Lemmas of nouns that name a channel ("statement", "interview", "Facebook")."""
    return frozenset(_read_lines("channel_nouns.txt"))


def find_cues(doc: Doc) -> list[Attribution]:
    """Candidate cues in text order (one pass over the tokens)."""
    lex = cue_lexicon()
    learned = learned_lemmas()
    out: list[Attribution] = []
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            end = doc[tok.i + 1].idx + len(doc[tok.i + 1])
            out.append(Attribution(tok, (tok.idx, end), "according to", "speech", according=True))
            continue
        if tok.pos_ != "VERB":
            continue
        lemma = tok.lemma_.lower()
        cls = lex.get(lemma)
        if cls is None:
            continue
        # A trained model that has seen this lemma often and rarely as a cue vetoes it.
        if lemma in learned and learned[lemma] < MIN_LEARNED_PROB / 3:
            continue
        start, end = tok.idx, tok.idx + len(tok)
        for child in tok.children:
            if child.dep_ == "prt" and child.i == tok.i + 1:  # "point out"
                end = child.idx + len(child)
        out.append(Attribution(tok, (start, end), lemma, cls))
    return out
