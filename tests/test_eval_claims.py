"""Claims scorers: tiny fixtures of our own, and floors on the shared corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirelens.evaluate.claims import (
    format_report,
    read_conllu,
    read_it_happened,
    score_checkworthiness,
    score_factuality,
)
from wirelens.extract.claims.checkworthiness import is_held_out

CONLLU = """# text = He left.
1\tHe\the\tPRON\tPRP\t_\t2\tnsubj\t_\t_
2\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# text = She did not go.
1\tShe\tshe\tPRON\tPRP\t_\t4\tnsubj\t_\t_
2\tdid\tdo\tAUX\tVBD\t_\t4\taux\t_\t_
3\tnot\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_
4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

"""
HEADER = (
    "Split\tAnnotator.ID\tDisplay.Position\tSentence.ID\tPred.Token\tPred.Lemma\tIs.Predicate"
    "\tIs.Understandable\tHappened\tConfidence\tKeep\n"
)
ROWS = [
    ("dev", 1, "en-ud-dev.conllu 1", 2, "leave", "true", 4, "True"),
    ("dev", 2, "en-ud-dev.conllu 1", 2, "leave", "true", 3, "True"),
    ("dev", 1, "en-ud-dev.conllu 2", 4, "go", "false", 4, "True"),
    ("dev", 2, "en-ud-dev.conllu 2", 4, "go", "true", 1, "True"),
    ("dev", 3, "en-ud-dev.conllu 2", 4, "go", "na", "nan", "True"),
    ("train", 1, "en-ud-train.conllu 1", 2, "leave", "false", 4, "True"),
]


@pytest.fixture
def uds_dir(tmp_path: Path) -> Path:
    (tmp_path / "en_ewt-ud-dev.conllu").write_text(CONLLU, encoding="utf-8")
    lines = ["\t".join([r[0], str(r[1]), "1", r[2], str(r[3]), r[4], "True", "True", r[5],
                        str(r[6]), r[7]]) for r in ROWS]  # fmt: skip
    (tmp_path / "it-happened_eng_ud1.2_07092017.tsv").write_text(
        HEADER + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return tmp_path


def test_readers(uds_dir: Path) -> None:
    sentences = read_conllu(uds_dir / "en_ewt-ud-dev.conllu")
    assert sentences[0] == (["He", "left", "."], [True, False, True])
    gold = read_it_happened(uds_dir / "it-happened_eng_ud1.2_07092017.tsv")
    assert gold == {(1, 2): True, (2, 4): False}  # train rows and "na" ignored; 4 - 1 > 0 wins


@pytest.mark.slow
def test_score_factuality_tiny(uds_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    scores = score_factuality(uds_dir, nlp=nlp)
    assert scores["predicates"] == 2
    assert scores["accuracy"] == 1.0  # "left" happened, "did not go" did not
    assert scores["majority_baseline"] == 0.5


def test_score_checkworthiness_tiny(tmp_path: Path) -> None:
    held = [i for i in range(200) if is_held_out(i)][:4]
    trained = [i for i in range(200) if not is_held_out(i)][:2]
    rows = [
        {"sentence_id": held[0], "label": 1, "text": "Unemployment rose to 9 percent in 2009."},
        {"sentence_id": held[1], "label": 1, "text": "We cut taxes by $300 billion last year."},
        {"sentence_id": held[2], "label": 0, "text": "Thank you, it is good to be here."},
        {"sentence_id": held[3], "label": 0, "text": "I think we should all work together."},
        {"sentence_id": trained[0], "label": 0, "text": "Not scored: in the training part."},
        {"sentence_id": trained[1], "label": 1, "text": "Not scored either."},
    ]
    (tmp_path / "3xNCS.json").write_text(json.dumps(rows), encoding="utf-8")
    scores = score_checkworthiness(tmp_path)
    assert scores["sentences"] == 4 and scores["positives"] == 2
    assert "sha1" in scores["split"]
    assert scores["f1"] == 1.0
    report = format_report({"checkworthiness": scores})
    assert "F1 1.000" in report and "held out" in report


@pytest.mark.slow
def test_checkworthiness_floor(shared_data: Path) -> None:
    scores = score_checkworthiness(shared_data / "check-worthiness" / "claimbuster")
    assert scores["sentences"] > 2000
    assert scores["f1"] >= 0.72 and scores["precision"] >= 0.68 and scores["recall"] >= 0.7


@pytest.mark.slow
def test_factuality_floor(shared_data: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    scores = score_factuality(shared_data / "factuality" / "uds-ih2", nlp=nlp, limit=400)
    assert scores["predicates"] > 400
    assert scores["accuracy"] >= scores["majority_baseline"] + 0.05
    assert "majority baseline" in format_report({"factuality": scores})
