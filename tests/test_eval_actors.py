"""The actor/place scorer on PLOVER gold-standard records: reader, counting, the real file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirelens.evaluate.actors import GSR_FILE, format_report, read_gold, score_gold

RECORDS = [
    {"id": "DOC-0001", "event": "DOCUMENT", "eventText": "documentation, no text"},
    {
        "id": "T-0001",
        "event": "ACCUSE",
        "text": "Russia accused Ukraine of shelling villages near Kyiv on Monday.",
        "source": [{"actorText": "Russia", "code": "RUS"}],
        "target": [{"actorText": "Ukraine", "code": "UKR", "sector": "GOV"}],
        "eventLoc": {"name": "Kyiv"},
    },
    {
        "id": "T-0002",
        "event": "CONSULT",
        "text": "Japan and the United Nations held talks in Geneva.",
        # an older CAMEO spelling; an organisation coded IGO; a name the text does not contain
        "source": [
            {"actorText": "Japan", "code": "JAP"},
            {"actorText": "Atlantis", "code": "ATL"},
        ],
        "target": [{"actorText": "United Nations", "code": "IGO"}],
    },
    {
        "id": "T-0003",
        "event": "AGREE",
        # deliberately miscoded: Germany as FRA, so one country is wrong
        "text": "Germany agreed to send more engineers.",
        "source": [{"actorText": "Germany", "code": "FRA", "sector": "GOV"}],
        "target": "diplomatic",
    },
]


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    path = tmp_path / GSR_FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    return tmp_path


def test_reader_locates_participants_and_maps_legacy_codes(gold_dir: Path) -> None:
    gold = read_gold(gold_dir)
    assert [g.id for g in gold] == ["T-0001", "T-0002", "T-0003"]  # no documentation record
    first = gold[0]
    assert [(a.text, a.code, a.sector) for a in first.actors] == [
        ("Russia", "RUS", None),
        ("Ukraine", "UKR", "GOV"),
    ]
    assert all(first.text[a.start : a.end] == a.text for a in first.actors)
    assert first.places == ["Kyiv"]
    second = gold[1]
    assert [a.code for a in second.actors] == ["JPN", "IGO"]
    assert second.unlocated == ["Atlantis"]
    assert [a.text for a in gold[2].actors] == ["Germany"]  # "diplomatic" target: no actor


def test_scores_count_found_country_sector_and_places(gold_dir: Path) -> None:
    scores = score_gold(gold_dir)
    c = scores["counts"]
    assert (c["sentences"], c["actors"], c["unlocated"]) == (3, 5, 1)
    assert scores["found"] == 1.0
    # RUS, UKR, JPN right; Germany is DEU, not the miscoded FRA
    assert (c["country_right"], c["country_gold"]) == (3, 4)
    assert scores["igo_accuracy"] == 1.0  # the UN's sector is one of PLOVER's international codes
    assert (c["sector_right"], c["sector_gold"]) == (2, 2)
    assert scores["place_recall"] == 1.0
    assert [(e["text"], e["gold"], e["predicted"]) for e in scores["country_errors"]] == [
        ("Germany", "FRA", "DEU")
    ]
    report = format_report(scores)
    assert "country (ISO3)     0.750" in report and "'Germany': FRA -> DEU" in report


def test_real_gold_records(shared_data: Path) -> None:
    scores = score_gold(shared_data / "events")
    c = scores["counts"]
    assert c["sentences"] == 61 and c["actors"] > 100
    # floors well under the measured 0.917 / 0.814 (docs/EVALUATION.md): a regression guard
    assert scores["found"] >= 0.85
    assert scores["country_accuracy"] >= 0.75
