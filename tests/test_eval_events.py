"""The PLV scorer (reader, arithmetic, a floor on PLV_train) and the classifier's decision rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wirelens.evaluate.events import _scores, format_report, score_plv
from wirelens.extract.events.classifier import (
    ALPHA_GRID,
    C_GRID,
    DENSE_GRID,
    PRIOR_GRID,
    EventModel,
    Features,
    Settings,
    choose_settings,
    combine,
    train,
)
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
    assert s["confusions"] == [{"gold": "ACCUSE", "predicted": "REJECT", "count": 1}]
    assert "ACCUSE -> REJECT 1" in format_report({**s, "n": 3, "extra_training_records": 0})


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


# --- the classifier's quad head and decision rule, on small synthetic features ------------------

QUAD_OF = {
    "ACCUSE": "verbal_conflict",
    "AGREE": "verbal_cooperation",
    "AID": "material_cooperation",
}


def _synthetic(n_per: int = 12) -> tuple[list[Features], list[str], list[str]]:
    """Three types, each with its own cue feature plus shared noise; dense block random."""
    rng = np.random.default_rng(0)
    feats: list[Features] = []
    labels: list[str] = []
    for k, label in enumerate(QUAD_OF):
        for i in range(n_per):
            sparse = {f"cue={label}": 1.0, f"noise={i % 3}": 1.0}
            if i % 4 == 0:
                sparse[f"lexT={label}"] = 1.0
            feats.append((sparse, rng.normal(k, 1.0, 8).astype(np.float32)))
            labels.append(label)
    return feats, labels, [QUAD_OF[lab] for lab in labels]


def test_combine_is_a_distribution_consistent_with_the_quad_head() -> None:
    rng = np.random.default_rng(1)
    types = rng.dirichlet(np.ones(5), size=4)
    head = rng.dirichlet(np.ones(3), size=4)
    class_quad = np.array([0, 0, 1, 2, 2])
    same = combine(types, head, class_quad, alpha=1.0)
    assert np.allclose(same, types)  # alpha 1: the type model alone
    mixed = combine(types, head, class_quad, alpha=0.0)
    assert np.allclose(mixed.sum(axis=1), 1.0)
    # alpha 0: the quad marginal is the head's, the split within a quad the type model's
    marginal = np.stack([mixed[:, class_quad == q].sum(axis=1) for q in range(3)], axis=1)
    assert np.allclose(marginal, head)
    assert np.allclose(mixed[:, 0] / mixed[:, 1], types[:, 0] / types[:, 1])


def test_train_quad_head_round_trip_and_prior() -> None:
    feats, labels, quads = _synthetic()
    model = train(feats, labels, quads, Settings(c=1.0, alpha=0.0, lexicon_prior=0.5))
    assert model.quad_coef is not None and model.axis_coef is not None
    assert [model.quad_classes[q] for q in model.class_quad] == [QUAD_OF[c] for c in model.classes]
    again = EventModel.from_json(model.to_json())
    assert np.allclose(again.scores(feats), model.scores(feats), atol=1e-3)
    assert again.alpha == 0.0 and again.lexicon_prior == 0.5
    assert [p for p, _ in model.decide(feats)] == labels  # separable cues
    # the prior goes to the trigger table's type (lexT) and can overturn a confident model
    sparse, dense = feats[1]
    assert not any(name.startswith("lexT=") for name in sparse)
    flipped = ({**sparse, "lexT=AID": 1.0}, dense)
    model.lexicon_prior = 5.0
    assert model.decide([flipped])[0][0] == "AID"
    model.lexicon_prior = 0.0
    assert model.decide([flipped])[0][0] == labels[1]
    # without quads (or alpha 1) there is no quad head, and scores are the type model's
    plain = train(feats, labels)
    assert plain.quad_coef is None and np.allclose(plain.scores(feats).sum(axis=1), 1.0)


def test_choose_settings_picks_from_the_grids() -> None:
    feats, labels, quads = _synthetic(n_per=15)
    s = choose_settings(feats, labels, quads)
    assert s.c in C_GRID and s.dense_mult in DENSE_GRID
    assert s.alpha in ALPHA_GRID and s.lexicon_prior in PRIOR_GRID
    # too few examples for a stratified inner split: the defaults
    assert choose_settings(feats[:4], labels[:4], quads[:4]) == Settings()


def test_classify_decides_like_the_scored_model() -> None:
    from wirelens.events import classify
    from wirelens.extract.events.classifier import load_default
    from wirelens.extract.events.features import pair_features, token_span
    from wirelens.pipeline import load_nlp

    s = "Germany promised to send medical supplies and tents to Ukraine."
    doc = load_nlp()(s)
    decided, prob = load_default().decide(
        [pair_features(doc, token_span(doc, 0, 7), token_span(doc, 55, 62))]
    )[0]
    code = classify(s, source=(0, 7), target=(55, 62))
    assert (code.type, code.confidence) == (decided, round(prob, 4))


def test_cli_eval_events_passes_the_fold_seed(tiny_plv: Path) -> None:
    from typer.testing import CliRunner

    from wirelens.cli import app

    runs = {
        seed: CliRunner().invoke(
            app, ["eval", "events", str(tiny_plv.parent), "--folds", "2", "--seed", seed]
        )
        for seed in ("0", "3")
    }
    for seed, result in runs.items():
        assert result.exit_code == 0, result.output
        assert "ACCUSE" in result.output and f"seed {seed}" in result.output
