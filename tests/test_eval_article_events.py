"""The article-event scorer: gold reading, the arithmetic of each line, the shipped gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirelens import analyze
from wirelens.cli import app
from wirelens.evaluate import CorpusError
from wirelens.evaluate.article_events import (
    CRISIS_GOLD,
    SETS,
    crisis_articles,
    event_key,
    format_report,
    read_gold,
    score_set,
    shipped_gold,
)
from wirelens.extract.events.lexicon import type_info
from wirelens.model import Article

REPO = Path(__file__).resolve().parents[1]
TEXT = "Russia invaded Ukraine. Germany met France in Berlin. We talked about it."


def _gold_lines(analysis_events: list, labels: list[dict]) -> list[str]:
    """Gold lines for ``analysis_events`` of document 'doc' with the given labels."""
    lines = []
    for ev, label in zip(analysis_events, labels, strict=True):
        row = {
            "doc": "doc",
            "actor": [ev.actor.start, ev.actor.end],
            "target": [ev.target.start, ev.target.end] if ev.target else None,
            "trigger": [ev.trigger.start, ev.trigger.end],
            **label,
        }
        lines.append(json.dumps(row))
    return lines


def test_read_gold_rejects_a_malformed_line() -> None:
    with pytest.raises(CorpusError, match="line 2"):
        read_gold(['{"doc": "a", "actor": [0, 1], "target": null, "trigger": [2, 3], '
                   '"event": true, "types": ["ACCUSE"]}', '{"doc": "b"}'])  # fmt: skip


def test_score_set_counts_right_wrong_not_events_and_dropped() -> None:
    analysis = analyze(TEXT)
    events = sorted(analysis.events, key=lambda e: e.trigger.start)
    by_trigger = {e.trigger.text: e for e in events}
    assert {"invaded", "met"} <= set(by_trigger), [e.trigger.text for e in events]
    invaded, met = by_trigger["invaded"], by_trigger["met"]
    labels = [
        {"event": True, "types": [invaded.type], "target_ok": True},  # right
        {"event": True, "types": ["AID"], "target_ok": False},  # wrong type, wrong target
    ]
    lines = _gold_lines([invaded, met], labels)
    # one annotated event the extractor no longer makes, one that is no event
    place = {"doc": "doc", "actor": [60, 62], "target": None}
    lines.append(json.dumps({**place, "trigger": [63, 69], "event": True, "types": ["CONSULT"]}))
    lines.append(json.dumps({**place, "trigger": [70, 75], "event": False}))
    gold = read_gold(lines)
    article = Article(id="doc", text=TEXT)
    result = score_set("test", gold, [article], iter([analysis]))
    s = result["all"]
    c = s["counts"]
    assert (c["annotated"], c["not_events"], c["typed"], c["found"], c["right"]) == (4, 1, 3, 2, 1)
    assert s["accuracy"] == 0.5
    quads = {name: t.quad for name, t in type_info().items()}
    assert s["quad_accuracy"] == (1 + (met.quad == quads["AID"])) / 2
    assert s["target_right"] == 0.5
    assert s["mistakes"][0]["trigger"] == "met" and s["mistakes"][0]["gold"] == ["AID"]
    report = format_report([result])
    assert "article events, test" in report and "0.500" in report


def test_unannotated_events_with_a_target_are_counted() -> None:
    analysis = analyze(TEXT)
    with_target = [e for e in analysis.events if e.target is not None]
    assert with_target
    gold = read_gold(_gold_lines(with_target[:1], [{"event": True, "types": ["ASSAULT"]}]))
    result = score_set("test", gold, [Article(id="doc", text=TEXT)], iter([analysis]))
    assert result["unannotated_with_target"] == len(with_target) - 1


def test_shipped_gold_sets_are_well_formed() -> None:
    types = set(type_info())
    for name, _ in SETS.values():
        gold = shipped_gold(name)
        assert len(gold) >= 150
        assert len({g.key for g in gold}) == len(gold)  # one label per event
        for g in gold:
            assert g.types <= types
            assert g.event == bool(g.types)
            assert (g.target_ok is None) == (g.target is None or not g.event)


def test_crisis_gold_is_aligned_with_its_texts() -> None:
    """Every annotated trigger is where the gold says, in the shipped crisis-2022 texts."""
    articles = {a.id: a for a in crisis_articles(REPO / "examples")}
    gold_file = REPO / "src/wirelens/resources/events" / CRISIS_GOLD
    rows = [json.loads(line) for line in gold_file.read_text().splitlines()]
    for row in rows:
        text = articles[row["doc"]].text
        assert text[slice(*row["trigger"])] == row["text"]["trigger"]
        assert text[slice(*row["actor"])] == row["text"]["actor"]


def test_crisis_gold_scores_a_shipped_article() -> None:
    """On one annotated article, the extractor still makes the events it was annotated on."""
    gold = [g for g in shipped_gold(CRISIS_GOLD) if g.doc.startswith("wh-2022-02-15")]
    docs = {g.doc for g in gold}
    articles = [a for a in crisis_articles(REPO / "examples") if a.id in docs]
    assert articles
    analyses = [analyze(a.text, published=a.published) for a in articles]
    made = {event_key(a.id, e) for a, an in zip(articles, analyses, strict=True) for e in an.events}
    assert sum(g.key in made for g in gold) >= 0.9 * len(gold)


def test_cli_reports_missing_data(tmp_path: Path) -> None:
    args = ["eval", "article-events", str(tmp_path), "--set", "crisis-2022"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "crisis-2022 articles not found" in result.output
