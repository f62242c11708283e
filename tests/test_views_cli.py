"""`wirelens claims / timeline / escalation / words-deeds` on a small store, and the crisis-2022
demo: `wirelens ingest examples/crisis-2022/articles.jsonl` (+ the reference article), then
`wirelens claims` must show Russia's 15 Feb 2022 pullback as one group, unconfirmed or disputed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_claim_tracking import build_store
from typer.testing import CliRunner

from wirelens.cli import app

REPO = Path(__file__).resolve().parents[1]
CRISIS = REPO / "examples" / "crisis-2022" / "articles.jsonl"
REFERENCE = REPO / "examples" / "2022-02-15-nato-cautious-optimism.txt"

runner = CliRunner()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "story.duckdb")


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_claims_table_and_group(db: Path) -> None:
    result = runner.invoke(app, ["claims", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "unconfirmed" in result.stdout and "Kosovo" in result.stdout
    groups = _json(["claims", "--db", str(db), "--json"])
    assert isinstance(groups, list)
    story = next(g for g in groups if "Kosovo" in g["label"])
    one = _json(["claims", "--db", str(db), "--group", story["group_id"], "--json"])
    assert isinstance(one, dict)
    assert one["standing"] == "unconfirmed"
    assert one["members"][0]["role"] == "first"
    shown = runner.invoke(app, ["claims", "--db", str(db), "--group", story["group_id"]])
    assert "could not yet confirm" in shown.stdout and "Radio D" in shown.stdout


def test_claims_filters_and_errors(db: Path, tmp_path: Path) -> None:
    assert _json(["claims", "--db", str(db), "--status", "retracted", "--json"]) == []
    assert _json(["claims", "--db", str(db), "--since", "2023-06-01", "--json"]) == []
    limited = _json(["claims", "--db", str(db), "--limit", "1", "--json"])
    assert isinstance(limited, list) and len(limited) == 1
    assert runner.invoke(app, ["claims", "--db", str(tmp_path / "none.duckdb")]).exit_code == 2
    assert runner.invoke(app, ["claims", "--db", str(db), "--since", "May"]).exit_code == 2
    assert runner.invoke(app, ["claims", "--db", str(db), "--group", "nope"]).exit_code == 1
    bad_plot = runner.invoke(app, ["claims", "--db", str(db), "--plot", str(tmp_path / "x.gif")])
    assert bad_plot.exit_code == 2


@pytest.mark.parametrize("suffix", [".png", ".html", ".svg"])
def test_plots(db: Path, tmp_path: Path, suffix: str) -> None:
    commands = {
        "claims": ["claims"],
        "timeline": ["timeline", "Serbia", "Kosovo"],
        "escalation": ["escalation", "--pair", "SRB", "XKX"],
        "words": ["words-deeds", "Serbia"],
    }
    for name, args in commands.items():
        out = tmp_path / f"{name}{suffix}"
        result = runner.invoke(app, [*args, "--db", str(db), "--plot", str(out)])
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        if suffix == ".png":
            assert data.startswith(b"\x89PNG")
        else:
            assert b"<svg" in data and b"http://" not in data.replace(b"http://www.w3.org", b"")


def test_timeline_escalation_words_deeds(db: Path) -> None:
    timeline = _json(["timeline", "Serbia", "--db", str(db), "--json"])
    assert isinstance(timeline, dict)
    assert [d["day"] for d in timeline["days"]] == ["2023-05-01", "2023-05-02"]
    escalation = _json(["escalation", "--db", str(db), "--json"])
    assert isinstance(escalation, dict)
    assert escalation["top_pairs"][0]["actor"] == "SRB"
    assert [r["day"] for r in escalation["series"]] == ["2023-05-01", "2023-05-02"]
    words = _json(["words-deeds", "SRB", "--db", str(db), "--json"])
    assert isinstance(words, dict)
    assert [d["words"] for d in words["days"]] == [7.0, 0.0]
    table = runner.invoke(app, ["timeline", "Serbia", "Kosovo", "--db", str(db)])
    assert table.exit_code == 0 and "MOBILIZE" in table.stdout


# --- the crisis-2022 demo (slow: ~158 articles through the real pipeline) -------------------------


@pytest.fixture(scope="module")
def crisis_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crisis") / "crisis.duckdb"
    result = runner.invoke(
        app,
        ["ingest", str(CRISIS), str(REFERENCE), "--published", "2022-02-15", "--db", str(db)],
    )
    assert result.exit_code == 0, result.output
    return db


def _groups(db: Path) -> list[dict[str, object]]:
    groups = _json(["claims", "--db", str(db), "--limit", "0", "--json"])
    assert isinstance(groups, list)
    return groups


def _find(groups: list[dict[str, object]], *words: str) -> list[dict[str, object]]:
    return [g for g in groups if all(w in str(g["label"]).lower() for w in words)]


@pytest.mark.slow
def test_crisis_withdrawal_group(crisis_db: Path) -> None:
    groups = _groups(crisis_db)
    found = _find(groups, "pull out some troops") or _find(groups, "units are leaving")
    assert len(found) == 1, [g["label"] for g in groups[:10]]
    group = found[0]
    assert group["standing"] in ("unconfirmed", "disputed")
    outlets = group["outlets"]
    assert isinstance(outlets, list) and len(outlets) >= 3
    assert any("White House" in o for o in outlets)
    assert any("Ukraine" in o for o in outlets)
    assert any("nato-cautious-optimism" in o for o in outlets)
    one = _json(["claims", "--db", str(crisis_db), "--group", str(group["group_id"]), "--json"])
    assert isinstance(one, dict)
    assert one["standing_evidence"], "the standing must come with its evidence"
    texts = " ".join(m["text"] for m in one["members"])
    assert "military units are leaving" in texts  # Biden, 15 Feb
    assert "fully withdrawing its troops" in texts  # President of Ukraine, 16 Feb
    # the Kremlin's news conference of 15 Feb is part of the group, as a claim or as a mention
    kremlin = [
        m
        for m in [*one["members"], *one["mentions"]]
        if "Kremlin" in str(m["outlet"]) or "Russia" in str(m["outlet"])
    ]
    assert any(w in m["text"] for m in kremlin for w in ("pull out", "withdrawn", "withdrawal"))


@pytest.mark.slow
def test_crisis_other_recurring_claims(crisis_db: Path) -> None:
    groups = _groups(crisis_db)
    embassy = [g for g in groups if "lviv" in str(g["label"]).lower()]
    assert len(embassy) == 1 and int(str(embassy[0]["n_articles"])) >= 3
    any_time = [g for g in groups if "any time" in str(g["label"]).lower()]
    assert any_time and int(str(any_time[0]["n_stories"])) >= 4
    recognition = _find(groups, "recognize", "luhansk")
    assert recognition and int(str(recognition[0]["n_stories"])) >= 3
    feb16 = _find(groups, "feb. 16")
    assert feb16 and feb16[0]["standing"] == "retracted"


def test_claims_on_a_store_held_read_only_elsewhere(db: Path) -> None:
    import duckdb

    assert runner.invoke(app, ["claims", "--db", str(db)]).exit_code == 0  # groups stored
    holder = duckdb.connect(str(db), read_only=True)  # e.g. a running `wirelens serve`
    try:
        fresh = runner.invoke(app, ["claims", "--db", str(db), "--json"])
        assert fresh.exit_code == 0, fresh.output
        assert "Kosovo" in fresh.stdout
        stale = runner.invoke(app, ["claims", "--db", str(db), "--regroup"])
        assert stale.exit_code == 2 and "in use" in stale.output
    finally:
        holder.close()
