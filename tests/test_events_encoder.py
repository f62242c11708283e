"""The event encoder: its WordPiece tokenizer, the shipped int8 model, and the fallback rule."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from wirelens.extract.events import encoder
from wirelens.extract.events.data import PairExample
from wirelens.extract.events.encoder import FALLBACK_BELOW, WordPiece, overrule, refine

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "@", "#", ",", ".", "russia", "accused", "ukraine",
    "of", "shell", "##ing", "cafe", "un", "##able", "kyiv",
]  # fmt: skip


def _ids(wp: WordPiece, *pieces: str) -> list[int]:
    return [wp.ids[p] for p in pieces]


def test_wordpiece_lowercases_strips_accents_and_splits_punctuation() -> None:
    wp = WordPiece(VOCAB)
    assert wp.text_ids("Russia, Café.") == _ids(wp, "russia", ",", "cafe", ".")
    assert wp.text_ids("shelling unable") == _ids(wp, "shell", "##ing", "un", "##able")
    assert wp.text_ids("Lviv") == _ids(wp, "[UNK]")  # no piece sequence covers it


def test_encode_marks_source_and_target_and_points_at_the_opening_marks() -> None:
    wp = WordPiece(VOCAB)
    text = "Russia accused Ukraine of shelling."
    ids, source, target = wp.encode(PairExample(text, (0, 6), (15, 22), ""))
    expected = ["[CLS]", "@", "russia", "@", "accused", "#", "ukraine", "#", "of", "shell"]
    assert ids == _ids(wp, *expected, "##ing", ".", "[SEP]")
    assert (source, target) == (1, 5)
    _, _, no_target = wp.encode(PairExample(text, (0, 6), None, ""))
    assert no_target == 0  # the [CLS] stands in


def test_encode_truncates_and_a_mark_past_the_end_falls_back_to_cls() -> None:
    wp = WordPiece(VOCAB)
    text = "Russia " * 200 + "Ukraine"
    ids, source, target = wp.encode(PairExample(text, (0, 6), (len(text) - 7, len(text)), ""))
    assert len(ids) == encoder.MAX_PIECES
    assert (source, target) == (1, 0)


class FixedEncoder:
    """Stands in for EventEncoder: every pair gets the same probabilities."""

    def __init__(self, classes: Sequence[str], best: str) -> None:
        self.classes = list(classes)
        self.best = best
        self.seen: list[PairExample] = []

    def probabilities(self, examples: Sequence[PairExample]) -> np.ndarray:
        self.seen.extend(examples)
        row = np.full(len(self.classes), 0.1 / (len(self.classes) - 1))
        row[self.classes.index(self.best)] = 0.9
        return np.tile(row, (len(examples), 1))


def test_only_unsure_decisions_with_an_example_are_overruled() -> None:
    ex = PairExample("Russia met Ukraine.", (0, 6), (11, 18), "")
    fake = FixedEncoder(["ACCUSE", "CONSULT"], "CONSULT")
    decided = [("ACCUSE", 0.95), ("ACCUSE", FALLBACK_BELOW - 0.1), ("ACCUSE", 0.2)]
    out = refine(decided, [ex, ex, None], fake)  # type: ignore[arg-type]
    assert out == [("ACCUSE", 0.95), ("CONSULT", pytest.approx(0.9)), ("ACCUSE", 0.2)]
    assert fake.seen == [ex]
    no_target = PairExample("Russia withdrew.", (0, 6), None, "")
    assert refine([("YIELD", 0.2)], [no_target], fake) == [("YIELD", 0.2)]  # type: ignore[arg-type]
    assert fake.seen == [ex]  # a pair without a target is not the encoder's to decide
    rows = {0: np.array([0.0, 1.0]), 2: np.array([0.0, 1.0])}
    assert overrule(decided, rows, ["ACCUSE", "CONSULT"])[0] == ("ACCUSE", 0.95)
    assert overrule(decided, rows, ["ACCUSE", "CONSULT"])[2] == ("CONSULT", 1.0)


def test_the_shipped_encoder_reads_marked_sentences() -> None:
    model = encoder.load_default()
    sentences = [
        PairExample("Russia accused Ukraine of shelling villages in Donbas.", (0, 6), (15, 22), ""),
        PairExample("Germany sent 5,000 helmets to Ukraine.", (0, 7), (30, 37), ""),
    ]
    probs = model.probabilities(sentences)
    assert probs.shape == (2, len(model.classes)) and len(model.classes) == 15
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert [model.classes[int(k)] for k in probs.argmax(axis=1)] == ["ACCUSE", "AID"]


def test_classify_hands_unsure_pairs_to_the_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    from wirelens.events import classify

    sentence = "Russia accused Ukraine of shelling villages in Donbas on Monday."
    assert classify(sentence, source=(0, 6), target=(15, 22)).type == "ACCUSE"
    fake = FixedEncoder(encoder.load_default().classes, "CONSULT")
    monkeypatch.setattr(encoder, "load_default", lambda: fake)
    monkeypatch.setattr(encoder, "FALLBACK_BELOW", 1.01)  # every decision is unsure
    code = classify(sentence, source=(0, 6), target=(15, 22))
    assert (code.type, code.quad) == ("CONSULT", "verbal_cooperation")
    assert fake.seen == [PairExample(sentence, (0, 6), (15, 22), "")]
    assert classify(sentence, source=(0, 6)).type != "CONSULT"  # no target: not the encoder's
    assert classify(sentence, source=(0, 6), target=(15, 22), encoder=False).type == "ACCUSE"
    assert len(fake.seen) == 1


def test_articles_keep_the_trigger_anchored_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    from wirelens import analyze

    fake = FixedEncoder(encoder.load_default().classes, "CONSULT")
    monkeypatch.setattr(encoder, "load_default", lambda: fake)
    monkeypatch.setattr(encoder, "FALLBACK_BELOW", 1.01)
    text = "NATO leaders met on the anniversary of Russia's invasion of Ukraine."
    events = analyze(text).events
    assert fake.seen == []
    assert any(e.type == "ASSAULT" and e.trigger.text == "invasion" for e in events)


def test_eval_says_why_the_encoder_is_not_scored(tmp_path: Path) -> None:
    from wirelens.evaluate.events import encoder_oof

    plv = tmp_path / "PLV_train.tsv"
    plv.write_text("not the shipped file\n", encoding="utf-8")
    assert encoder_oof(plv, 0, 5)[2] == (
        "the encoder's out-of-fold probabilities are for another PLV_train.tsv"
    )
    assert "--seed 7 --oof-only" in encoder_oof(plv, 7, 5)[2]
    assert "for 5 folds" in encoder_oof(plv, 0, 3)[2]


def test_many_pairs_run_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    model = encoder.load_default()
    ex = PairExample("Russia accused Ukraine of shelling villages in Donbas.", (0, 6), (15, 22), "")
    runs: list[int] = []
    real_run = model.session.run

    def counting_run(outputs: object, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        runs.append(len(feeds["ids"]))
        return list(real_run(outputs, feeds))

    monkeypatch.setattr(model.session, "run", counting_run)
    probs = model.probabilities([ex] * (encoder.BATCH * 2 + 3))
    assert runs == [encoder.BATCH, encoder.BATCH, 3]
    assert np.allclose(probs, probs[0], atol=1e-5)
