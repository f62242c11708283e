"""TempEval-3 style scoring of TimeML documents: reader, P/R/F1 arithmetic, the real dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirelens.evaluate.timeml import (
    GoldTimex,
    format_report,
    match_counts,
    read_timeml,
    score_directory,
    scores_from_counts,
)
from wirelens.model import Time

TINY = """<?xml version="1.0" ?>
<TimeML>
<DOCID>tiny</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2013-03-22" temporalFunction="false" \
functionInDocument="CREATION_TIME">March 22, 2013</TIMEX3></DCT>
<TEXT>
The minister <EVENT eid="e1" class="OCCURRENCE">arrived</EVENT> in Amman on \
<TIMEX3 tid="t1" type="DATE" value="2013-03-22">Friday</TIMEX3> &amp; met the king. \
He last visited <TIMEX3 tid="t2" type="DATE" value="2012">last year</TIMEX3>. \
The talks lasted <TIMEX3 tid="t3" type="DURATION" value="P3D">three days</TIMEX3>.
</TEXT>
</TimeML>
"""


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    (tmp_path / "tiny.tml").write_text(TINY, encoding="utf-8")
    return tmp_path


def _time(text: str, doc: str, kind: str, value: str | None, nth: int = 0) -> Time:
    start = -1
    for _ in range(nth + 1):
        start = doc.index(text, start + 1)
    return Time(text=text, start=start, end=start + len(text), type=kind, value=value)  # type: ignore[arg-type]


def test_reader_keeps_offsets_and_drops_dct(tiny_dir: Path) -> None:
    doc = read_timeml(tiny_dir / "tiny.tml")
    assert doc.dct == "2013-03-22"
    assert [(t.text, t.type, t.value) for t in doc.timexes] == [
        ("Friday", "DATE", "2013-03-22"),
        ("last year", "DATE", "2012"),
        ("three days", "DURATION", "P3D"),
    ]
    for t in doc.timexes:
        assert doc.text[t.start : t.end] == t.text
    assert "<" not in doc.text and "& met" in doc.text  # tags stripped, entities unescaped
    assert "March 22, 2013" not in doc.text  # the DCT is outside <TEXT>


def test_counts_and_scores_arithmetic(tiny_dir: Path) -> None:
    doc = read_timeml(tiny_dir / "tiny.tml")
    text = doc.text
    predicted = [
        _time("Friday", text, "DATE", "2013-03-22"),  # exact span, right value
        _time("visited last year", text, "DATE", "2012"),  # overlap only, right value
        _time("the king", text, "DATE", None),  # spurious
        # "three days" missed
    ]
    counts = match_counts(doc.timexes, predicted)
    assert counts == {"gold": 3, "predicted": 3, "strict": 1, "relaxed": 2, "type": 2, "value": 2}
    scores = scores_from_counts(counts)
    assert scores["strict"]["p"] == pytest.approx(1 / 3)
    assert scores["strict"]["f1"] == pytest.approx(1 / 3)
    assert scores["relaxed"]["r"] == pytest.approx(2 / 3)
    assert scores["value"]["f1"] == pytest.approx(2 / 3)
    assert scores["type_accuracy"] == pytest.approx(1.0)


def test_wrong_value_and_one_to_one_matching() -> None:
    text = "between Monday and Tuesday"
    gold = [
        GoldTimex(8, 14, "Monday", "DATE", "2013-03-18"),
        GoldTimex(19, 26, "Tuesday", "DATE", "2013-03-19"),
    ]
    # One prediction spanning both gold timexes may match only one of them.
    wide = [Time(text="Monday and Tuesday", start=8, end=26, type="DURATION", value="P2D")]
    assert text[8:26] == "Monday and Tuesday"
    counts = match_counts(gold, wide)
    assert (counts["relaxed"], counts["strict"], counts["type"], counts["value"]) == (1, 0, 0, 0)
    scores = scores_from_counts(counts)
    assert scores["relaxed"]["p"] == 1.0 and scores["relaxed"]["r"] == 0.5
    assert scores["value"]["f1"] == 0.0


def test_empty_prediction_scores_zero() -> None:
    gold = [GoldTimex(0, 6, "Monday", "DATE", "2013-03-18")]
    scores = scores_from_counts(match_counts(gold, []))
    assert scores["relaxed"] == {"p": 0.0, "r": 0.0, "f1": 0.0}


def test_score_directory_runs_the_extractor(tiny_dir: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    scores = score_directory(tiny_dir, nlp)
    micro = scores["micro"]
    assert set(scores["documents"]) == {"tiny"}
    assert micro["counts"]["gold"] == 3
    # Friday (on the DCT), last year and three days are all in reach of the rules.
    assert micro["counts"]["value"] == 3
    report = format_report(scores)
    assert "tiny" in report and "micro-average" in report


@pytest.mark.slow
def test_te3_platinum_dev_value_f1(shared_data: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "time-normalization" / "te3-platinum"
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    scores = score_directory(path, nlp)
    micro = scores["micro"]
    assert micro["counts"]["gold"] >= 50
    # Measured 0.941 value F1 and 0.975 relaxed span F1 on these 10 dev documents.
    assert micro["value"]["f1"] >= 0.90
    assert micro["relaxed"]["f1"] >= 0.93
