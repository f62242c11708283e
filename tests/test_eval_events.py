"""The PLV scorer: reader on a tiny fixture of our own, arithmetic, and a floor on PLV_train."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirelens.evaluate.events import _scores, format_report, score_plv
from wirelens.extract.events.data import PairExample, read_plv, unmark
from wirelens.model import Quad

HEADER = "\tsentence_id\tsentence\tmarked_sentence\tsource\ttarget\tgold_penta\tgold_root\n"
ROWS = [
    ("<s>Russia</s> accused <t>Ukraine</t> of shelling villages.", "3", "ACCUSE"),
    ("<s>France</s> condemned <t>Iran</t> for the attack.", "3", "ACCUSE"),
    ("<s>Germany</s> criticized <t>Poland</t> over the court ruling.", "3", "ACCUSE"),
    ("<s>Japan</s> blamed <t>China</t> for the collision.", "3", "ACCUSE"),
    ("<s>Spain</s> denounced <t>Morocco</t> at the summit.", "3", "ACCUSE"),
    ("<s>Russia</s> met <t>Ukraine</t> in Minsk.", "1", "CONSULT"),
    ("<s>France</s> held talks with <t>Iran</t> on Monday.", "1", "CONSULT"),
    ("<s>Germany</s> met <t>Poland</t> in Berlin.", "1", "CONSULT"),
    ("<s>Japan</s> hosted <t>China</t> for talks.", "1", "CONSULT"),
    ("<s>Spain</s> visited <t>Morocco</t> last week.", "1", "CONSULT"),
]


@pytest.fixture()
def tiny_plv(tmp_path: Path) -> Path:
    path = tmp_path / "PLV_train.tsv"
    lines = [HEADER]
    for i, (marked, penta, root) in enumerate(ROWS):
        clean, _ = unmark(marked)
        lines.append(f"{i}\t{i}\t{clean}\t{marked}\ts\tt\t{penta}\t{root}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_unmark_offsets() -> None:
    text, spans = unmark("<s>Russia</s> accused <t>the West</t>.")
    assert text == "Russia accused the West."
    assert text[slice(*spans["s"])] == "Russia" and text[slice(*spans["t"])] == "the West"


def test_reader(tiny_plv: Path) -> None:
    examples = read_plv(tiny_plv)
    assert len(examples) == len(ROWS)
    assert examples[5].label == "CONSULT" and examples[5].quad == "verbal_cooperation"
    e = examples[0]
    assert e.target is not None and e.text[e.target[0] : e.target[1]] == "Ukraine"


def test_score_arithmetic() -> None:
    quad: Quad = "verbal_conflict"
    ex = [
        PairExample("x", (0, 1), None, lab, q)
        for lab, q in [
            ("ACCUSE", quad),
            ("ACCUSE", quad),
            ("REJECT", quad),
        ]
    ]
    s = _scores(ex, ["ACCUSE", "REJECT", "REJECT"], folds=2, n_extra=0)
    assert s["accuracy"] == pytest.approx(2 / 3)
    assert s["quad_accuracy"] == 1.0  # REJECT and ACCUSE share the verbal-conflict quad
    assert s["per_class"]["REJECT"]["precision"] == 0.5
    assert s["per_class"]["ACCUSE"]["recall"] == 0.5
    assert s["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_score_tiny_fixture(tiny_plv: Path) -> None:
    scores = score_plv(tiny_plv, folds=2)
    assert scores["n"] == len(ROWS) and scores["extra_training_records"] == 0
    assert set(scores["per_class"]) <= {"ACCUSE", "CONSULT"}
    assert 0.0 <= scores["accuracy"] <= 1.0 and scores["folds"] == 2
    assert "ACCUSE" in format_report(scores)


@pytest.mark.slow
def test_plv_floor(shared_data: Path) -> None:
    scores = score_plv(shared_data / "events", folds=5)
    assert scores["n"] == 1050
    assert scores["accuracy"] >= 0.75 and scores["quad_accuracy"] >= 0.83
