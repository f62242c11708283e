"""`wirelens ingest / query / export` end to end, with the real pipeline on small articles."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from wirelens.cli import app
from wirelens.store import DATA_TABLES

pytestmark = pytest.mark.slow

PEOPLE = [
    ("Maria Lindqvist", "Sweden", "Stockholm"),
    ("Tomasz Nowicki", "Poland", "Warsaw"),
    ("Elena Popescu", "Romania", "Bucharest"),
    ("Jonas Petraitis", "Lithuania", "Vilnius"),
    ("Ana Kovac", "Slovenia", "Ljubljana"),
]
TOPICS = [
    "grain exports",
    "gas storage",
    "border crossings",
    "rail freight",
    "power lines",
    "ports",
]


def article_text(i: int) -> str:
    """A small, distinct news text of our own (number i of a generated corpus)."""
    name, country, city = PEOPLE[i % len(PEOPLE)]
    topic = TOPICS[i % len(TOPICS)]
    surname = name.split()[-1]
    return (
        f"{name}, the economy minister of {country}, said on Monday that talks on {topic} "
        f'would resume in {city} next week. "We expect a decision before round {i + 2}," '
        f"{surname} told reporters. Officials confirmed that {i * 7 + 11} delegates had "
        f"arrived for session {i}. The ministry said in a statement that item {i + 100} on "
        f"{topic} was still open."
    )


def write_corpus(directory: Path, n: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (directory / f"a{i:03d}.txt").write_text(article_text(i), encoding="utf-8")
    return directory


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def scalar(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def assert_consistent(db: Path, expected_articles: int) -> None:
    """Every article exactly once, and no row whose article is missing (no orphans)."""
    assert scalar(db, "SELECT count(*) FROM articles") == expected_articles
    assert scalar(db, "SELECT count(DISTINCT article_id) FROM articles") == expected_articles
    for table in DATA_TABLES[1:]:
        orphans = scalar(
            db,
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.article_id = t.article_id)",
        )
        assert orphans == 0, table
    # each article's rows were written once: the quote count matches what flatten recorded
    assert (
        scalar(
            db,
            "SELECT count(*) FROM articles a WHERE n_quotes <> "
            "(SELECT count(*) FROM quotes q WHERE q.article_id = a.article_id)",
        )
        == 0
    )


def test_ingest_counts_every_input_and_is_idempotent(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 3)
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    db = tmp_path / "s.duckdb"
    code, _, err = run("ingest", str(corpus), str(tmp_path / "missing.txt"), "--db", str(db),
                       "--published", "2022-02-14")  # fmt: skip
    assert code == 0, err
    assert "stored 3" in err and "rejected 3" in err
    inputs = 6
    stored = scalar(db, "SELECT count(*) FROM articles")
    rejected = scalar(db, "SELECT count(*) FROM ingest_errors")
    assert stored + rejected == inputs and stored == 3
    assert scalar(db, "SELECT count(*) FROM ingest_errors WHERE source LIKE '%missing.txt'") == 1

    code, _, err = run("ingest", str(corpus), "--db", str(db), "--published", "2022-02-14")
    assert code == 0
    assert "stored 0, already present 3" in err
    assert_consistent(db, 3)


def test_ingest_exits_non_zero_when_nothing_could_be_stored(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    code, _, err = run("ingest", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "s.duckdb"))
    assert code == 1 and "rejected 1" in err


def test_query_formats_and_errors(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 2)
    db = tmp_path / "s.duckdb"
    assert run("ingest", str(corpus), "--db", str(db), "--outlet", "Test Wire")[0] == 0
    sql = "SELECT outlet, count(*) AS n FROM articles GROUP BY outlet"

    code, out, _ = run("query", sql, "--db", str(db), "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [["outlet", "n"], ["Test Wire", "2"]]

    code, out, _ = run("query", sql, "--db", str(db), "--format", "json")
    assert json.loads(out) == [{"outlet": "Test Wire", "n": 2}]

    code, out, _ = run("query", sql, "--db", str(db))
    assert code == 0 and "Test Wire" in out and "outlet" in out

    code, out, err = run("query", "SELEC nonsense", "--db", str(db))
    assert code == 1 and "error" in err and "Traceback" not in err + out

    code, _, err = run("query", "SELECT 1", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no store" in err
    assert not (tmp_path / "none.duckdb").exists()  # a query never creates a store

    # read-only: a query cannot change the store
    code, _, err = run("query", "DELETE FROM articles", "--db", str(db))
    assert code == 1 and scalar(db, "SELECT count(*) FROM articles") == 2


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_writes_one_readable_file_per_table(tmp_path: Path, fmt: str) -> None:
    corpus = write_corpus(tmp_path / "in", 2)
    db = tmp_path / "s.duckdb"
    assert run("ingest", str(corpus), "--db", str(db), "--published", "2022-02-14")[0] == 0
    out = tmp_path / "export"
    code, _, err = run("export", "--db", str(db), "--format", fmt, "--out", str(out))
    assert code == 0, err
    reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[fmt]
    con = duckdb.connect()
    for table in ("articles", "quotes", "places", "times"):
        got = con.execute(f"SELECT count(*) FROM {reader}('{out / (table + '.' + fmt)}')")
        assert got.fetchone()[0] == scalar(db, f"SELECT count(*) FROM {table}"), table  # type: ignore[index]
    assert (out / f"events_gdelt.{fmt}").exists()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        names = pq.read_schema(out / "events_gdelt.parquet").names
        for column in ("GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor1CountryCode",
                       "Actor1Type1Code", "Actor2Name", "EventCode", "EventRootCode",
                       "QuadClass", "GoldsteinScale", "ActionGeo_FullName", "ActionGeo_Lat",
                       "ActionGeo_Long", "SOURCEURL", "plover_event_type"):  # fmt: skip
            assert column in names
        assert pq.read_table(out / "articles.parquet").num_rows == 2

    code, _, err = run("export", "--db", str(db), "--format", fmt, "--out", str(out),
                       "--table", "nonsense")  # fmt: skip
    assert code == 2 and "unknown table" in err


def test_resume_after_kill_stores_every_article_exactly_once(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 30)
    db = tmp_path / "s.duckdb"
    command = [sys.executable, "-m", "wirelens.cli", "ingest", str(corpus), "--db", str(db),
               "--batch-size", "4", "--published", "2022-02-14"]  # fmt: skip
    env = {**os.environ, "COLUMNS": "100"}
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    committed = False
    for line in proc.stderr:  # one line per committed batch when stderr is not a terminal
        if line.startswith("committed"):
            committed = True
            break
        assert time.monotonic() < deadline, "no batch committed in time"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert committed and proc.returncode == -signal.SIGKILL
    partial = scalar(db, "SELECT count(*) FROM articles")
    assert 4 <= partial < 30, "the kill must land mid-run"
    assert partial % 4 == 0  # whole batches only
    assert_consistent(db, partial)

    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"stored {30 - partial}, already present {partial}" in done.stderr
    assert_consistent(db, 30)
    runs = dict(duckdb.connect(str(db), read_only=True).execute(
        "SELECT status, count(*) FROM ingest_runs GROUP BY status").fetchall())  # fmt: skip
    assert runs == {"running": 1, "done": 1}  # the killed run never finished
