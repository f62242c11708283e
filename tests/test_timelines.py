"""Actor timelines, escalation index and words vs deeds on the hand-made one-story store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_claim_tracking import build_store

from wirelens.corpus.actors import country_code
from wirelens.corpus.escalation import MODALITY_WEIGHT, escalation_series, top_pairs
from wirelens.corpus.timelines import actor_timeline, daily_summary
from wirelens.corpus.words_deeds import words_vs_deeds
from wirelens.store import Store


@pytest.fixture()
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(build_store(tmp_path / "story.duckdb"), read_only=True) as store:
        yield store.con


def test_country_codes() -> None:
    assert country_code("SRB") == "SRB"
    assert country_code("Serbia") == "SRB"
    assert country_code("russia") == "RUS"
    assert country_code("Putin") is None


def test_actor_timeline_by_country_and_name(con) -> None:  # type: ignore[no-untyped-def]
    items = actor_timeline(con, "SRB")
    events = [i for i in items if i.kind == "event"]
    assert [(i.day.isoformat() if i.day else None, i.what) for i in events] == [
        ("2023-05-01", "RETREAT"),
        ("2023-05-02", "MOBILIZE"),
    ]
    statements = [i for i in items if i.kind == "statement"]
    assert len(statements) == 1 and "pulled back" in statements[0].text
    # a name matches too ("defence ministry" is the source of the statement)
    assert [i.kind for i in actor_timeline(con, "defence ministry")] == ["statement"]
    days = daily_summary(items)
    assert days[0] == {
        "day": "2023-05-01",
        "events": 1,
        "statements": 1,
        "goldstein_mean": 7.0,
        "goldstein_min": 7.0,
    }


def test_pair_timeline_either_direction(con) -> None:  # type: ignore[no-untyped-def]
    forward = actor_timeline(con, "Serbia", "Kosovo")
    backward = actor_timeline(con, "Kosovo", "Serbia")
    assert {i.what for i in forward if i.kind == "event"} == {"RETREAT", "MOBILIZE"}
    assert [i.what for i in backward if i.kind == "event"] == [
        i.what for i in forward if i.kind == "event"
    ]
    assert actor_timeline(con, "Serbia", "NATO") == []
    assert actor_timeline(con, "SRB", since=date(2023, 5, 2))[0].what == "MOBILIZE"


def test_escalation_weights_claimed_events_less(con) -> None:  # type: ignore[no-untyped-def]
    series = {r["day"]: r for r in escalation_series(con)}
    # 1 May: claimed material cooperation +7 -> -7 * 0.5 (claimed) * 1.0 (material)
    assert series["2023-05-01"]["index"] == pytest.approx(-7.0 * MODALITY_WEIGHT["claimed"])
    # 2 May: reported material conflict -7.2 -> +7.2
    assert series["2023-05-02"]["index"] == pytest.approx(7.2)
    assert series["2023-05-02"]["material_conflict"] == 1
    pair = escalation_series(con, ("XKX", "SRB"))
    assert [r["day"] for r in pair] == ["2023-05-01", "2023-05-02"]
    assert escalation_series(con, ("SRB", "USA")) == []
    assert top_pairs(con)[0] == {"actor": "SRB", "target": "XKX", "events": 2, "index": 3.7}


def test_words_vs_deeds(con) -> None:  # type: ignore[no-untyped-def]
    rows = {r["day"]: r for r in words_vs_deeds(con, "Serbia")}
    # the claimed pullback is words; the reported massing is a deed
    assert rows["2023-05-01"]["words"] == 7.0 and rows["2023-05-01"]["n_deeds"] == 0
    assert rows["2023-05-02"]["deeds"] == -7.2 and rows["2023-05-02"]["n_words"] == 0
    assert rows["2023-05-02"]["gap"] == pytest.approx(7.2)
    assert words_vs_deeds(con, "NATO") == []
