"""PolNeAR scorer: BRAT parsing, one-to-one overlap matching, exact matching, all-three."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirelens.evaluate import CorpusError
from wirelens.evaluate.polnear import (
    Attribution,
    format_agreement_report,
    format_report,
    match,
    parse_ann,
    read_annotations,
    read_directory,
    score_agreement,
    score_directory,
    score_document,
)

TEXT = "“We will win,” Smith said. Jones said that taxes rise and that “costs fall.”"
#       0         1         2         3         4         5         6         7
#       0123456789012345678901234567890123456789012345678901234567890123456789012345
ANN = "\n".join(
    [
        "T1\tContent 0 14\t“We will win,”",
        "T2\tSource 15 20\tSmith",
        "T3\tCue 21 25\tsaid",
        "T4\tAttribution 21 25\tsaid",
        "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
        "T5\tSource 27 32\tJones",
        "T6\tCue 33 37\tsaid",
        "T7\tContent 38 56;57 75\tthat taxes rise that “costs fall.”",
        "T8\tAttribution 33 37\tsaid",
        "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7",
        "T9\tCue 0 1\t“",
        "T10\tContent 2 5\tWe ",
        "T11\tAttribution-no-source 0 1\t“",
        "E3\tAttribution-no-source:T11 Cue:T9 Content:T10",
        "T12\tDiscard 26 27\t ",
    ]
)


def test_parse_ann_links_roles_and_discontinuous_spans() -> None:
    atts = parse_ann(ANN)
    assert len(atts) == 3
    smith, jones, nosource = atts
    assert smith.content == ((0, 14),) and smith.source == ((15, 20),) and smith.cue == ((21, 25),)
    assert jones.content == ((38, 56), (57, 75))
    assert nosource.source is None and nosource.cue == ((0, 1),)


def test_parse_ann_merges_numbered_roles() -> None:
    ann = "\n".join(
        ["T1\tContent 0 4\tabcd", "T2\tCue 5 6\tx", "T3\tContent 8 9\ty",
         "E1\tCue:T2 Content:T1 Content2:T3"]
    )  # fmt: skip
    (att,) = parse_ann(ann)
    assert att.content == ((0, 4), (8, 9))


def test_match_is_one_to_one_largest_overlap_first() -> None:
    pred = [((0, 10),), ((5, 30),)]
    gold = [((0, 8),), ((6, 30),)]
    assert sorted(match(pred, gold)) == [(0, 0), (1, 1)]
    # Two predictions over one gold: only the larger overlap counts.
    assert match([((0, 3),), ((0, 8),)], [((0, 8),)]) == [(1, 0)]
    assert match([((0, 3),)], [((3, 8),)]) == []


def test_score_document_overlap_exact_and_all() -> None:
    gold = parse_ann(ANN)[:2]
    pred = [
        # Content without the quotation marks and comma: exact after trimming.
        Attribution(content=((1, 12),), source=((15, 20),), cue=((21, 25),)),
        # Content overlaps but is shorter; source wrong.
        Attribution(content=((43, 56),), source=((0, 2),), cue=((33, 37),)),
        # A spurious prediction.
        Attribution(content=((26, 30),), source=None, cue=((26, 27),)),
    ]
    tally = score_document(TEXT, pred, gold)
    overlap, exact = tally.counts["overlap"], tally.counts["exact"]
    assert (overlap["content"].tp, overlap["content"].pred, overlap["content"].gold) == (2, 3, 2)
    assert exact["content"].tp == 1
    assert overlap["source"].tp == 1 and overlap["source"].pred == 2
    assert overlap["cue"].tp == 2 and exact["cue"].tp == 2
    assert overlap["all"].tp == 1 and exact["all"].tp == 1
    d = overlap["content"].as_dict()
    assert d["precision"] == pytest.approx(2 / 3) and d["recall"] == 1.0


def test_all_three_needs_missing_source_on_both_sides() -> None:
    gold = [Attribution(content=((0, 5),), source=None, cue=((6, 8),))]
    with_source = [Attribution(content=((0, 5),), source=((9, 10),), cue=((6, 8),))]
    without = [Attribution(content=((0, 5),), source=None, cue=((6, 8),))]
    assert score_document("x" * 20, with_source, gold).counts["overlap"]["all"].tp == 0
    assert score_document("x" * 20, without, gold).counts["overlap"]["all"].tp == 1


def _write_corpus(root: Path) -> None:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "doc-a.txt").write_text(TEXT, encoding="utf-8")
    (root / "attributions" / "doc-a_b222.ann").write_text("", encoding="utf-8")
    (root / "attributions" / "doc-a_a111.ann").write_text(ANN, encoding="utf-8")
    (root / "text" / "no-annotation.txt").write_text("Nothing.", encoding="utf-8")


def test_read_directory_uses_first_annotator(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    docs = read_directory(tmp_path)
    assert [name for name, _, _ in docs] == ["doc-a"]
    assert len(docs[0][2]) == 3


def test_read_annotations_keeps_every_annotator(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    (article,) = read_annotations(tmp_path, min_annotators=2)
    name, _, annotations = article
    assert name == "doc-a"
    assert [len(a) for a in annotations] == [3, 0]  # a111 first, then the empty b222
    assert read_annotations(tmp_path, min_annotators=3) == []


def test_agreement_without_a_second_annotator_is_a_clear_error(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    (tmp_path / "attributions" / "doc-a_b222.ann").unlink()
    with pytest.raises(CorpusError, match="more than one annotation file"):
        score_agreement(tmp_path)


@pytest.mark.slow
def test_agreement_scores_annotators_against_each_other(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    # A second annotator who agrees on Smith and Jones and missed the no-source attribution.
    two_of_three = "\n".join(ANN.splitlines()[:10])  # T1..E2
    (tmp_path / "attributions" / "doc-a_b222.ann").write_text(two_of_three, encoding="utf-8")
    scores = score_agreement(tmp_path)
    assert (scores["docs"], scores["annotations"], scores["pairs"]) == (1, 2, 2)
    human = scores["human"]["overlap"]
    # Two ordered pairs: 2 matches each way, 3 + 2 spans on each side -> F1 = 2 * 4 / 10.
    assert human["all"]["tp"] == 4 and human["all"]["f1"] == pytest.approx(0.8)
    assert human["cue"]["precision"] == pytest.approx(human["cue"]["recall"])
    # wirelens is scored against both annotators: its predictions are counted twice.
    assert scores["system"]["overlap"]["content"]["gold"] == 5
    report = format_agreement_report(scores)
    assert "2 ordered annotator pairs" in report and "wirelens" in report


@pytest.mark.slow
def test_score_directory_on_fixture(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    scores = score_directory(tmp_path)
    assert scores["docs"] == 1
    # Both real attributions of the fixture are found by the pipeline.
    assert scores["overlap"]["content"]["tp"] >= 2
    assert "docs/s" in format_report(scores)


@pytest.mark.slow
def test_dev_documents_floor(shared_data: Path) -> None:
    dev = shared_data / "polnear" / "data" / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR dev not present")
    scores = score_directory(dev, limit=6)
    assert scores["docs"] == 6
    for name in ("content", "source", "cue"):
        assert scores["overlap"][name]["f1"] >= 0.6, name
    assert scores["overlap"]["all"]["f1"] >= 0.5
