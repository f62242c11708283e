"""The Dask runner on a real LocalCluster: same stored result as one process, resume, failures."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cloudpickle
import duckdb
import pytest
from typer.testing import CliRunner

from wirelens.cli import app
from wirelens.ingest.article import make_article
from wirelens.model import Article
from wirelens.scale import (
    THREAD_ENV,
    partition_id,
    run_partitions,
    start_cluster,
    warm_workers,
    worker_state,
)
from wirelens.store import SCHEMA

pytestmark = pytest.mark.slow

# Six small articles of our own over three months; the last is a wire copy of the first.
TEXTS = [
    ("2022-01-20", "Negotiators from Norway and Iceland met in Oslo on Thursday to discuss "
     "fishing quotas. Norway's minister, Ola Brekke, told reporters that an agreement was "
     "close. \"We have bridged most of the gaps,\" Brekke said."),
    ("2022-01-28", "Iceland's government said on Friday that it had not accepted the new quota "
     "proposal. A spokesperson in Reykjavik said talks would continue in February."),
    ("2022-02-03", "Portugal announced that it would send two frigates to an exercise in the "
     "Atlantic next month, according to the defence ministry in Lisbon."),
    ("2022-02-15", "The mayor of Porto, Rui Almeida, said the city would open three new shelters "
     "before winter. \"Nobody should sleep outside,\" Almeida told a local radio station."),
    ("2022-03-09", "Irish officials said on Wednesday that electricity prices had risen by 12 "
     "percent since January. The regulator in Dublin denied that a price cap was planned."),
    ("2022-01-21", "OSLO (Wire) - Negotiators from Norway and Iceland met in Oslo on Thursday to "
     "discuss fishing quotas. Norway's minister, Ola Brekke, told reporters that an agreement "
     "was close. \"We have bridged most of the gaps,\" Brekke said."),
]  # fmt: skip
VOLATILE = {"run_id", "ingested_at"}  # differ between any two runs by design


def write_corpus(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"text": t, "published": d, "url": f"https://example.org/{i}"})
             for i, (d, t) in enumerate(TEXTS)]  # fmt: skip
    (directory / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory / "corpus.jsonl"


def table_rows(db: Path, table: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = [c for (c,) in con.execute(
            f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"
        ).fetchall() if c not in VOLATILE]  # fmt: skip
        select = ", ".join(f'"{c}"' for c in columns)
        return sorted(con.execute(f"SELECT {select} FROM {table}").fetchall(), key=repr)
    finally:
        con.close()


def test_two_dask_workers_store_the_same_rows_as_one_process(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    single, dask_db = tmp_path / "single.duckdb", tmp_path / "dask.duckdb"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(corpus), "--db", str(single)])
    assert result.exit_code == 0, result.stderr
    parquet = tmp_path / "pq"
    args = ["ingest", str(corpus), "--db", str(dask_db), "--workers", "2", "--batch-size", "2",
            "--parquet", str(parquet)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "stored 6" in result.stderr

    for table in (*SCHEMA, "article_signatures", "story_bands"):
        assert table_rows(dask_db, table) == table_rows(single, table), table
    stories = table_rows(dask_db, "articles")
    assert len({row[0] for row in stories}) == 6
    # the wire copy joined the first story
    con = duckdb.connect(str(dask_db), read_only=True)
    assert con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone() == (5,)
    con.close()

    # Parquet partitioned by publication month, one manifest per finished partition
    months = sorted(p.name for p in (parquet / "articles").iterdir())
    assert months == ["month=2022-01", "month=2022-02", "month=2022-03"]
    assert len(list((parquet / "_manifests").glob("part-*.json"))) == 3
    plain = duckdb.connect()  # the dataset reads in plain DuckDB, without wirelens
    assert plain.execute(
        f"SELECT count(*) FROM read_parquet('{parquet}/articles/*/*.parquet')"
    ).fetchone() == (6,)

    # Rerun: every article already stored, nothing analysed again
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "stored 0, already present 6" in result.stderr


def _articles() -> list[Article]:
    return [make_article(t, published=d) for d, t in TEXTS]


def _boom(pid: str, articles: list[Article], out: str) -> dict[str, object]:
    raise RuntimeError(f"cannot process {pid}")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    # Test functions travel to the worker processes by value, not by module name.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as dask_client,
    ):
        yield dask_client


def test_rerun_skips_finished_partitions(tmp_path: Path, client) -> None:  # type: ignore[no-untyped-def]
    articles = _articles()
    first = run_partitions(articles, tmp_path, client=client, partition_size=3)
    assert len(first.done) == 2 and not first.skipped and not first.failed
    seen: list[str] = []
    again = run_partitions(
        articles, tmp_path, client=client, partition_size=3,
        on_done=lambda m: seen.append(m["partition"]), process=_boom,
    )  # fmt: skip
    # _boom would fail every partition: none ran, both were skipped, in input order
    assert not again.failed and len(again.skipped) == 2
    assert seen == [partition_id(articles[:3]), partition_id(articles[3:])]


def test_a_partition_that_keeps_failing_is_reported_with_its_inputs(
    tmp_path: Path,
    client,  # type: ignore[no-untyped-def]
) -> None:
    articles = _articles()
    report = run_partitions(articles, tmp_path, client=client, partition_size=4, process=_boom)
    assert not report.done
    assert sorted(len(f["inputs"]) for f in report.failed) == [2, 4]
    assert all("failed after 3 attempts" in f["reason"] for f in report.failed)
    assert len(report.errors) == len(articles)  # every input accounted for


def test_each_worker_loads_one_pipeline_for_all_its_partitions(tmp_path: Path) -> None:
    client, cluster = start_cluster(2)
    try:
        pids = warm_workers(client, _articles()[:1])
        assert len(set(pids.values())) == 2  # the pipeline is loaded in both worker processes
        report = run_partitions(_articles(), tmp_path, client=client, partition_size=1)
        assert len(report.done) == 6 and not report.failed
        states = client.run(worker_state)
    finally:
        client.close()
        cluster.close()
    # however many partitions a worker ran, it loaded the pipeline once (when warmed)
    assert [s["pipeline_loads"] for s in states.values()] == [1, 1]
    # and its BLAS libraries were told to stay on one thread
    assert all(s["threads"] == THREAD_ENV for s in states.values())
    ran_on = {m["worker_pid"] for m in report.done}
    assert ran_on <= {s["pid"] for s in states.values()}
    for manifest in report.done:
        assert 0 < manifest["cpu_seconds"] <= manifest["seconds"] * 1.05 + 0.05
