"""Faults injected into `wirelens ingest`: kill -9 of a Dask job, a full disk, a damaged store.

After each fault the next run must say what happened, lose nothing and store nothing twice.
(kill -9 of a single-process ingest is in tests/test_corpus_cli.py.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from test_corpus_cli import assert_consistent, scalar, write_corpus
from typer.testing import CliRunner

from wirelens.cli import app

pytestmark = pytest.mark.slow  # real pipeline, subprocesses

ENV = {**os.environ, "COLUMNS": "200"}


def ingest_command(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "wirelens.cli", "ingest", str(corpus), "--db", str(db),
            "--published", "2022-02-14", *extra]  # fmt: skip


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (no interpreter start-up); a crash re-raises, failing the test."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_of_a_dask_ingest_loses_nothing_and_stores_nothing_twice(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in", 24)
    db = tmp_path / "s.duckdb"
    command = ingest_command(corpus, db, "--workers", "2", "--batch-size", "3")
    # A new session: the driver, the Dask nannies and workers share one process group.
    proc = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    committed = 0
    for line in proc.stderr:
        if line.startswith("committed"):
            committed += 1
            if committed == 2:
                break
        assert time.monotonic() < deadline, "no partition committed in time"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):  # workers die with their group; give the kernel a moment to reap
        if not _alive(proc.pid):
            break
        time.sleep(0.1)
    assert not _alive(proc.pid), "a Dask process survived kill -9 of its group"
    partial = scalar(db, "SELECT count(*) FROM articles")
    assert 6 <= partial < 24, "the kill must land mid-run"
    assert_consistent(db, partial)

    done = subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"stored {24 - partial}, already present {partial}" in done.stderr
    assert_consistent(db, 24)
    # The Parquet dataset beside the store holds each article once, too.
    parquet = db.with_name(db.name + ".parquet")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT count(*), count(DISTINCT article_id) FROM "
        f"read_parquet('{parquet}/articles/*/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert rows is not None and rows[0] == rows[1] == 24, rows


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only); skipped with the reason when mounting is not permitted."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    tried = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if tried.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here: {tried.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_is_reported_recorded_and_resumed_without_duplicates(
    tmp_path: Path, tiny_disk: Path
) -> None:
    corpus = write_corpus(tmp_path / "in", 40)
    # Leave ~150 kB: room for the empty store and a few batches, then ENOSPC mid-run.
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * (1900 * 1024))
    db = tiny_disk / "s.duckdb"
    full = subprocess.run(
        ingest_command(corpus, db, "--batch-size", "4"),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr
    assert "No space left on device" in full.stderr
    assert "run the same `wirelens ingest` again" in full.stderr
    not_stored = [
        line.split("not stored ", 1)[1]
        for line in full.stderr.splitlines()
        if line.startswith("  not stored ")
    ]
    assert len(not_stored) == 4  # the whole failed batch is named
    filler.unlink()  # free the space
    stored_before = scalar(db, "SELECT count(*) FROM articles")
    assert 0 < stored_before < 40
    ids = {r[0] for r in duckdb.connect(str(db), read_only=True).execute(
        "SELECT path FROM articles").fetchall()}  # fmt: skip
    assert not ids & set(not_stored)  # what it said was not stored is indeed not there

    done = subprocess.run(
        ingest_command(corpus, db, "--batch-size", "4"),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"stored {40 - stored_before}, already present {stored_before}" in done.stderr
    assert_consistent(db, 40)
    runs = dict(duckdb.connect(str(db), read_only=True).execute(
        "SELECT status, count(*) FROM ingest_runs GROUP BY status").fetchall())  # fmt: skip
    assert runs.get("done") == 1


def _damage(path: Path, how: str) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        if how == "truncated":
            handle.truncate(size // 10)
        elif how == "header":
            handle.write(os.urandom(8192))
        else:  # "blocks": overwrite the block area after the headers
            handle.seek(12288)
            handle.write(b"\xff" * min(200_000, size - 12288))


@pytest.fixture(scope="module")
def healthy_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("healthy")
    corpus = write_corpus(root / "in", 6)
    db = root / "s.duckdb"
    done = run_cli("ingest", str(corpus), "--db", str(db))
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(db))
    con.execute("CHECKPOINT")  # everything in the main file, no WAL beside it
    con.close()
    assert not db.with_name(db.name + ".wal").exists()
    return corpus, db


@pytest.mark.parametrize("how", ["truncated", "header", "blocks"])
def test_damaged_store_is_reported_with_a_recovery_and_left_untouched(
    tmp_path: Path, healthy_store: tuple[Path, Path], how: str
) -> None:
    corpus, healthy = healthy_store
    db = tmp_path / "s.duckdb"
    shutil.copy(healthy, db)
    _damage(db, how)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()

    for args in (
        ("query", "SELECT count(*) FROM quotes", "--db", str(db)),
        ("query", "SELECT * FROM articles", "--db", str(db)),
        ("ingest", str(corpus), "--db", str(db)),
    ):
        result = run_cli(*args)
        message = " ".join(result.stderr.split())  # rich wraps long lines
        if result.returncode == 0:
            # A truncated file may still answer queries about blocks it kept: that is fine.
            assert args[0] == "query" and how == "truncated", message
            continue
        assert "Traceback" not in result.stderr, result.stderr
        assert "looks damaged" in message and f"mv {db} {db}.damaged" in message, message
        assert "rebuild the store from the inputs with `wirelens ingest`" in message
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest  # never written to
    assert not db.with_name(db.name + ".wal").exists()

    # The advice works: move it aside, rebuild from the inputs.
    db.rename(db.with_name(db.name + ".damaged"))
    rebuilt = run_cli("ingest", str(corpus), "--db", str(db))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert_consistent(db, 6)
