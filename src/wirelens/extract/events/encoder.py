"""The fine-tuned encoder that decides the pair types the logistic regression is unsure of.

A MiniLM-L6 encoder (all-MiniLM-L6-v2, Apache-2.0), fine-tuned end to end on PLV_train and the
PLOVER gold records by ``scripts/train_events_encoder.py``, exported to ONNX and quantised to int8
(``models/events/event_encoder.int8.onnx``). It reads the sentence with the source and the target
marked ("@ Russia @ accused # Ukraine # of shelling") and classifies from its states at [CLS] and
at the two opening marks. :func:`wirelens.events.classify` (and ``wirelens eval events``) hand it
the pairs with a target where the logistic regression's probability is below
:data:`FALLBACK_BELOW` (about a fifth of PLV's pairs).

Articles' events do not use it: it codes a source-target pair from the whole sentence and cannot
be told which predicate is the event's trigger: in "NATO leaders met today on the one-month
anniversary of Russia's unprovoked and unjustified invasion of Ukraine" (crisis-2022) it codes
Russia -> Ukraine by the main clause (CONSULT), where the article extractor, anchored on the
trigger "invasion", says ASSAULT (docs/EVALUATION.md).

Word pieces come from a plain-Python BERT (uncased) WordPiece tokenizer over the encoder's own
vocabulary; onnxruntime runs the model on one thread.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .data import PairExample

MODEL_FILE = "event_encoder.int8.onnx"
VOCAB_FILE = "event_encoder_vocab.txt"
META_FILE = "event_encoder.json"
# The logistic regression decides where its probability is at least this, the encoder below it:
# on the seed-0 PLV folds the int8 encoder then decides 18% of the pairs (0.6: 24%, for +0.002
# accuracy; 0.4: 12%, -0.005), and in articles its cost is about proportional to that share.
FALLBACK_BELOW = 0.5
MAX_PIECES = 160
BATCH = 16  # pairs per run
SOURCE_MARK, TARGET_MARK = "@", "#"
MAX_WORD_CHARS = 100


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _words(text: str) -> list[str]:
    """BERT's basic tokenisation (uncased): clean, lowercase, strip accents, split punctuation."""
    out: list[str] = []
    for char in text:
        cp = ord(char)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(char)
        if char in " \t\n\r" or cat == "Zs":
            out.append(" ")
        elif cat in {"Cc", "Cf"}:
            continue
        elif _is_cjk(cp):
            out.append(f" {char} ")
        else:
            out.append(char)
    words: list[str] = []
    for token in "".join(out).split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(c for c in token if unicodedata.category(c) != "Mn")
        current = ""
        for char in token:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT vocabulary."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: i for i, piece in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]

    def word_ids(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    def text_ids(self, text: str) -> list[int]:
        return [i for word in _words(text) for i in self.word_ids(word)]

    def encode(self, ex: PairExample) -> tuple[list[int], int, int]:
        """Piece ids of the marked sentence ([CLS] .. [SEP], at most :data:`MAX_PIECES`) and the
        positions of the source's and the target's opening marks (0, the [CLS], when absent)."""
        spans = [(*ex.source, SOURCE_MARK)] + ([(*ex.target, TARGET_MARK)] if ex.target else [])
        ids = [self.ids["[CLS]"]]
        marks: dict[str, int] = {}
        pos = 0
        for start, end, mark in sorted(spans):
            if start < pos:  # overlapping spans: mark the first only
                continue
            ids += self.text_ids(ex.text[pos:start])
            marks[mark] = len(ids)
            ids += self.text_ids(f"{mark} {ex.text[start:end]} {mark}")
            pos = end
        ids += [*self.text_ids(ex.text[pos:]), self.ids["[SEP]"]]
        ids = ids[:MAX_PIECES]

        def at(mark: str) -> int:
            index = marks.get(mark, 0)
            return index if index < len(ids) else 0

        return ids, at(SOURCE_MARK), at(TARGET_MARK)


class EventEncoder:
    """The int8 ONNX encoder and its tokenizer; :meth:`probabilities` over ``classes``."""

    def __init__(self, model: bytes, vocab: Sequence[str], classes: Sequence[str]) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # one thread: the pipeline already runs one process per core
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self.tokenizer = WordPiece(vocab)
        self.classes = list(classes)

    def probabilities(self, examples: Sequence[PairExample]) -> np.ndarray:
        """Type probabilities (``classes`` order), one row per example, run in padded batches
        of :data:`BATCH` (so a long article's many pairs keep memory bounded)."""
        if not examples:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        encoded = [self.tokenizer.encode(ex) for ex in examples]
        return np.concatenate(
            [self._run(encoded[k : k + BATCH]) for k in range(0, len(encoded), BATCH)]
        )

    def _run(self, encoded: Sequence[tuple[list[int], int, int]]) -> np.ndarray:
        width = max(len(ids) for ids, _, _ in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.float32)
        for row, (piece_ids, _, _) in enumerate(encoded):
            ids[row, : len(piece_ids)] = piece_ids
            mask[row, : len(piece_ids)] = 1.0
        feeds: dict[str, Any] = {
            "ids": ids,
            "mask": mask,
            "source": np.array([s for _, s, _ in encoded], dtype=np.int64),
            "target": np.array([t for _, _, t in encoded], dtype=np.int64),
        }
        logits = self.session.run(None, feeds)[0]
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@lru_cache(maxsize=1)
def load_default() -> EventEncoder:
    """The shipped encoder (models/events), loaded once per process."""
    files = resources.files("wirelens.models.events")
    meta = json.loads(files.joinpath(META_FILE).read_text("utf-8"))
    vocab = files.joinpath(VOCAB_FILE).read_text("utf-8").splitlines()
    return EventEncoder(files.joinpath(MODEL_FILE).read_bytes(), vocab, meta["classes"])


Decision = tuple[str, float]


def reads(example: PairExample | None) -> bool:
    """Whether the encoder decides this pair when the classifier is unsure: only pairs with a
    target, as all but 24 of PLV's training pairs have (without one it would be guessing outside
    what it learnt)."""
    return example is not None and example.target is not None


Hint = tuple[str, float] | None  # the trigger table's type and the prior it gets, if any


def overrule(
    decided: Sequence[Decision],
    probs: dict[int, np.ndarray],
    classes: Sequence[str],
    hints: Sequence[Hint] | None = None,
) -> list[Decision]:
    """``decided`` with each unsure decision (probability below :data:`FALLBACK_BELOW`) whose
    index has encoder probabilities in ``probs`` replaced by the encoder's type, ranked as the
    classifier ranks its own: with ``hints[i]``'s prior added to the trigger table's type."""
    out = list(decided)
    for i, row in probs.items():
        if out[i][1] >= FALLBACK_BELOW:
            continue
        ranked = np.array(row, dtype=np.float64)
        hint = hints[i] if hints is not None else None
        if hint is not None and hint[0] in classes:
            ranked[list(classes).index(hint[0])] += hint[1]
        best = int(np.argmax(ranked))
        out[i] = (classes[best], float(row[best]))
    return out


def refine(
    decided: Sequence[Decision],
    examples: Sequence[PairExample | None],
    encoder: EventEncoder | None = None,
    hints: Sequence[Hint] | None = None,
) -> list[Decision]:
    """The shipped decision: the logistic regression's ``decided`` (type, probability), the
    encoder's type where that probability is below :data:`FALLBACK_BELOW` and the pair has an
    example (its sentence with source and target offsets) that :func:`reads`; ``hints`` give
    the trigger table's type the same prior as in the classifier's decision."""
    unsure = [
        i for i, ((_, p), ex) in enumerate(zip(decided, examples, strict=True))
        if p < FALLBACK_BELOW and reads(ex)
    ]  # fmt: skip
    if not unsure:
        return list(decided)
    model = encoder or load_default()
    rows = model.probabilities([ex for i in unsure if (ex := examples[i]) is not None])
    return overrule(decided, dict(zip(unsure, rows, strict=True)), model.classes, hints)
