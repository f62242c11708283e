"""End to end through the command line: `wirelens analyze` on files, batches and stdin."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import REFERENCE_ARTICLE
from typer.testing import CliRunner

from wirelens.cli import app
from wirelens.model import json_schema

CONTRACT_KEYS = {"article", "actors", "quotes", "claims", "events", "times", "places"}
runner = CliRunner()

GOOD = (
    "NATO Secretary-General Jens Stoltenberg told reporters on Tuesday that Russia still had time "
    "to step back. Stoltenberg said the alliance had not seen any sign of de-escalation."
)


def analyze(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["analyze", *args], input=stdin)


def check_spans(record: dict) -> None:  # type: ignore[type-arg]
    text = record["article"]["text"]
    for actor in record["actors"]:
        for start, end in actor["mentions"]:
            assert 0 <= start < end <= len(text)
    for key in ("times", "places"):
        for item in record[key]:
            assert text[item["start"] : item["end"]] == item["text"]


def test_reference_article_json_follows_the_contract() -> None:
    result = analyze(str(REFERENCE_ARTICLE), "--published", "2022-02-15", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert set(record) == CONTRACT_KEYS
    jsonschema.validate(record, json_schema())
    article = record["article"]
    assert article["path"] == str(REFERENCE_ARTICLE)
    assert article["published"] == "2022-02-15"
    assert article["published_source"] == "given"
    assert article["text"] == REFERENCE_ARTICLE.read_text(encoding="utf-8")
    names = {a["name"] for a in record["actors"]}
    assert {"Jens Stoltenberg", "Maria Zakharova", "Antony Blinken"} <= names
    check_spans(record)


def test_text_report_shows_header_and_actors() -> None:
    result = analyze(str(REFERENCE_ARTICLE), "--published", "2022-02-15")
    assert result.exit_code == 0, result.output
    assert "2022-02-15" in result.stdout
    assert "Jens Stoltenberg" in result.stdout
    assert "Secretary-General" in result.stdout


def test_text_report_marks_a_negated_cue_once() -> None:
    from io import StringIO

    from rich.console import Console

    from wirelens.model import Article
    from wirelens.pipeline import default_pipeline
    from wirelens.report import print_report

    text = "Russia did not say how many units were being withdrawn."
    analysis = default_pipeline().analyze(Article(id="neg", text=text))
    assert [q.negated for q in analysis.quotes] == [True]
    out = StringIO()
    print_report(analysis, Console(file=out, width=200))
    assert "did not say" in out.getvalue()
    assert "not did not" not in out.getvalue()


def test_batch_prints_json_lines_and_reports_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"text": GOOD.replace("Tuesday", "Monday"), "outlet": "Wire"}) + "\n{broken\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = analyze(str(tmp_path), "--published", "2022-02-15", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert {line["article"]["outlet"] for line in lines} == {None, "Wire"}
    for line in lines:
        assert set(line) == CONTRACT_KEYS
        check_spans(line)
    assert "skipped 3 input(s)" in result.stderr
    assert "empty.txt" in result.stderr and "binary.txt" in result.stderr
    assert "b.jsonl:line 2" in result.stderr


def test_nothing_analysable_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = analyze(str(empty))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "empty" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    missing = analyze(str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1
    assert "no such file" in missing.stderr


def test_stdin(tmp_path: Path) -> None:
    result = analyze("-", "--published", "2022-02-15", "--json", stdin=GOOD)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["article"]["text"] == GOOD
    assert any(a["name"] == "Jens Stoltenberg" for a in record["actors"])


@pytest.mark.parametrize("date", ["15/02/2022", "yesterday", "2022-13-45"])
def test_bad_published_option_is_a_usage_error(date: str) -> None:
    result = analyze(str(REFERENCE_ARTICLE), "--published", date)
    assert result.exit_code == 2
    assert "--published" in result.stderr


def test_schema_command_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == CONTRACT_KEYS
    jsonschema.Draft202012Validator.check_schema(schema)


def test_url_is_refused_on_loopback_unless_allowed(tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    page = (
        "<html><head><title>Talks go on</title></head><body><article><p>"
        + GOOD
        + "</p></article></body></html>"
    )
    (tmp_path / "story.html").write_text(page, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        refused = analyze(url, "--json")
        assert refused.exit_code == 1
        assert "loopback" in refused.stderr
        allowed = analyze(url, "--json", "--allow-private", "--published", "2022-02-15")
        assert allowed.exit_code == 0, allowed.output
        record = json.loads(allowed.stdout)
        assert record["article"]["url"] == url
        assert record["article"]["title"] == "Talks go on"
        assert "Stoltenberg" in record["article"]["text"]
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "scorer", [["times"], ["attribution"], ["attribution", "--agreement"], ["events"], ["actors"]]
)
def test_eval_on_an_empty_corpus_is_a_clear_error(scorer: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", *scorer, str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no ")
    assert str(tmp_path) in result.stderr.replace("\n", "")  # rich may wrap the line
    assert "Traceback" not in result.output + result.stderr
