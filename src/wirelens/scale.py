"""Scale-out runner: the same analysis on many processes or machines with Dask.

>>> from wirelens.scale import run_partitions
>>> report = run_partitions(articles, "out/", workers=2)  # doctest: +SKIP

The driver cuts the articles into partitions (``partition_size`` articles each) and submits one
task per partition; a task runs :func:`process_partition` on a worker: one pipeline per worker
process (cached at module level), ``nlp.pipe`` over the partition, :func:`wirelens.store.flatten`
per article, and Parquet files partitioned by publication month::

    <out>/<table>/month=YYYY-MM/part-<partition-id>.parquet   (month=unknown when undated)
    <out>/_manifests/part-<partition-id>.json                  (written last: the partition is done)

A partition id is a hash of its article ids, so rerunning the same job skips the partitions whose
manifest exists. A failing task is retried (``retries=2``); one that still fails is reported with
its inputs in :attr:`ScaleReport.failed` (the ingest command records them in ``ingest_errors``).
With ``--scheduler`` on several machines, ``<out>`` must be a directory every worker and the
driver can reach (a shared file system).

A manifest also records the partition's wall and CPU seconds and the worker's pid: CPU well
below wall time means the worker waited for a core. :func:`start_cluster` makes a local cluster
of single-threaded workers with one BLAS thread each, :func:`warm_workers` loads the pipeline on
every worker before a job (or a timing) starts, and :func:`worker_state` tells how many pipelines
a worker has loaded (one, however many partitions it ran).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from .model import Article
from .store import SCHEMA, Rows, flatten, to_arrow

__all__ = [
    "PARTITION_SIZE",
    "ScaleReport",
    "partition_id",
    "partitions",
    "process_partition",
    "read_partition",
    "run_partitions",
    "start_cluster",
    "warm_workers",
    "worker_state",
]

PARTITION_SIZE = 64
RETRIES = 2
MANIFESTS = "_manifests"
Manifest = dict[str, Any]
# Every worker is one process on one core: the parser's matrix multiplies (blis, numpy's BLAS)
# must not start threads of their own, or two workers on two cores fight over them.
THREAD_ENV = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "BLIS_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}
_loads = 0  # pipelines loaded by this process: must stay 1 however many partitions it runs


@dataclass
class ScaleReport:
    """Outcome of a run: finished manifests, skipped (already finished) and failed partitions."""

    done: list[Manifest] = field(default_factory=list)
    skipped: list[Manifest] = field(default_factory=list)
    failed: list[Manifest] = field(default_factory=list)  # {"partition", "inputs", "reason"}

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(source, reason) for every input that was not analysed, failed partitions included."""
        found = [tuple(e) for m in (*self.done, *self.skipped) for e in m["errors"]]
        for m in self.failed:
            found.extend((source, m["reason"]) for source in m["inputs"])
        return found  # type: ignore[return-value]


def partition_id(articles: list[Article]) -> str:
    """Stable id of a partition: the same articles in the same order give the same id."""
    digest = hashlib.sha256("\n".join(a.id for a in articles).encode()).hexdigest()
    return digest[:16]


def partitions(articles: Iterable[Article], size: int = PARTITION_SIZE) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` articles (the last may be shorter); streams its input."""
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _source(article: Article) -> str:
    return article.path or article.url or article.id


def _manifest_path(out: Path, pid: str) -> Path:
    return out / MANIFESTS / f"part-{pid}.json"


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary name and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def _worker_pipeline() -> Any:
    """One loaded pipeline per worker process, reused by every partition it runs."""
    from .pipeline import default_pipeline

    global _loads
    _loads += 1
    return default_pipeline()


def worker_state() -> dict[str, Any]:
    """This process's id, how many pipelines it loaded and its thread-limiting variables.

    Run on every worker with ``client.run(worker_state)`` to check that the pipeline cache
    survives from task to task (``pipeline_loads`` stays 1).
    """
    return {
        "pid": os.getpid(),
        "pipeline_loads": _loads,
        "threads": {name: os.environ.get(name) for name in THREAD_ENV},
    }


def _warm(sample: list[Article]) -> int:
    pipeline = _worker_pipeline()
    for _ in pipeline.analyze_many(sample or [Article(id="warm", text="NATO said it was ready.")]):
        pass  # the first articles also load what extractors read lazily
    return os.getpid()


def warm_workers(client: Any, sample: Iterable[Article] = ()) -> dict[str, int]:
    """Load the pipeline on every worker now and analyse ``sample`` there; worker -> pid.

    Without it each worker loads its pipeline inside its first partition, so the first
    partitions of a job (and any timing of them) include several seconds of model loading.
    """
    return dict(client.run(_warm, list(sample)))


def _write_parquet(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)


def process_partition(pid: str, articles: list[Article], out: str) -> Manifest:
    """Analyse one partition and write its Parquet files, then its manifest (last).

    Runs on a Dask worker (or anywhere): an article whose extraction fails becomes an error entry
    of the manifest; anything else that fails raises, so Dask retries the whole partition.
    """
    root = Path(out)
    manifest_file = _manifest_path(root, pid)
    if manifest_file.exists():
        return dict(json.loads(manifest_file.read_text()))
    started, cpu_started = time.perf_counter(), time.thread_time()
    errors: list[tuple[str, str]] = []

    def failed(article: Article, error: Exception) -> None:
        errors.append((_source(article), f"analysis failed: {type(error).__name__}: {error}"))

    by_month: dict[str, Rows] = {}
    ids = []
    for analysis in _worker_pipeline().analyze_many(articles, on_error=failed):
        rows = flatten(analysis)
        published = analysis.article.published
        month = published[:7] if published else "unknown"
        tables = by_month.setdefault(month, {t: [] for t in SCHEMA})
        for table, table_rows in rows.items():
            tables[table].extend(table_rows)
        ids.append(analysis.article.id)
    files: dict[str, list[str]] = {t: [] for t in SCHEMA}
    for month, tables in sorted(by_month.items()):
        for table, table_rows in tables.items():
            if not table_rows:
                continue
            relative = f"{table}/month={month}/part-{pid}.parquet"
            _atomic_write(root / relative, partial(_write_parquet, to_arrow(table, table_rows)))
            files[table].append(relative)
    manifest: Manifest = {
        "partition": pid,
        "articles": ids,
        "inputs": [_source(a) for a in articles],
        "errors": errors,
        "files": files,
        # Wall and CPU seconds of this task (CPU well under wall: the worker waited for a core).
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.thread_time() - cpu_started,
        "worker_pid": os.getpid(),
    }
    _atomic_write(manifest_file, lambda p: p.write_text(json.dumps(manifest)))
    return manifest


def read_partition(out: str | Path, manifest: Manifest) -> list[Rows]:
    """The flattened articles of a finished partition, read back from its Parquet files.

    Same rows, types and order per article as :func:`wirelens.store.flatten` made them.
    """
    import pyarrow.parquet as pq

    articles: dict[str, Rows] = {aid: {t: [] for t in SCHEMA} for aid in manifest["articles"]}
    for table, relatives in manifest["files"].items():
        for relative in relatives:
            for row in pq.read_table(Path(out) / relative).to_pylist():
                articles[row["article_id"]][table].append(row)
    return list(articles.values())


def start_cluster(workers: int) -> tuple[Any, Any]:
    """A LocalCluster of ``workers`` single-threaded processes and a client on it.

    One thread per worker (spaCy is CPU-bound and holds the GIL: a second thread only
    competes for it) and one BLAS thread per worker (:data:`THREAD_ENV`, set before each worker
    process starts). The caller closes both.
    """
    import dask
    from distributed import Client, LocalCluster

    key = "distributed.nanny.pre-spawn-environ"
    with dask.config.set({key: {**dask.config.get(key, {}), **THREAD_ENV}}):
        cluster = LocalCluster(
            n_workers=workers,
            processes=True,
            threads_per_worker=1,
            # No dashboard; the scheduler's health/metrics endpoint on any free port, so that
            # several local clusters (the benchmark starts two) do not contend for :8787.
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            env=THREAD_ENV,
        )
    client = Client(cluster)
    client.wait_for_workers(workers)
    return client, cluster


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """A Dask client on a LocalCluster of ``workers`` processes, or on an existing scheduler."""
    from distributed import Client

    if scheduler:
        return Client(scheduler), None
    return start_cluster(workers or 1)


def run_partitions(
    articles: Iterable[Article],
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    partition_size: int = PARTITION_SIZE,
    on_done: Callable[[Manifest], None] | None = None,
    process: Callable[[str, list[Article], str], Manifest] = process_partition,
) -> ScaleReport:
    """Run ``process`` over partitions of ``articles`` on Dask and write the Parquet dataset.

    Give ``workers`` (a local cluster), ``scheduler`` (``tcp://host:port``) or a ready ``client``.
    At most two partitions per worker thread are in flight, so the driver's memory does not grow
    with the corpus. ``on_done`` is called in the driver with each finished (or skipped)
    manifest, in input order.
    """
    from distributed import as_completed

    root = Path(out).resolve()
    root.mkdir(parents=True, exist_ok=True)
    report = ScaleReport()
    own_client, cluster = (client, None) if client is not None else _client(workers, scheduler)
    inputs: dict[str, list[str]] = {}
    # Results are handed to on_done in submission order (not completion order), so a store
    # filled from them gets the same rows, story ids included, as a single-process run.
    order: deque[str] = deque()
    finished: dict[str, Manifest | None] = {}  # pid -> manifest, or None when it failed

    def deliver() -> None:
        while order and order[0] in finished:
            manifest = finished.pop(order.popleft())
            if manifest is not None and on_done:
                on_done(manifest)

    try:
        # One thread runs one partition: keep every thread busy and one partition queued
        # behind it (a worker never waits for the driver), but no more, so the driver's memory
        # does not grow with the corpus.
        workers_info = own_client.scheduler_info().get("workers", {}).values()
        n_workers = max(1, sum(int(w.get("nthreads", 1)) for w in workers_info))
        pending = as_completed()
        stream = partitions(articles, partition_size)

        def submit_next() -> bool:
            for chunk in stream:
                pid = partition_id(chunk)
                order.append(pid)
                manifest_file = _manifest_path(root, pid)
                if manifest_file.exists():  # finished by an earlier run
                    manifest = json.loads(manifest_file.read_text())
                    report.skipped.append(manifest)
                    finished[pid] = manifest
                    deliver()
                    continue
                inputs[pid] = [_source(a) for a in chunk]
                future = own_client.submit(
                    process,
                    pid,
                    chunk,
                    str(root),
                    retries=RETRIES,
                    key=f"wirelens-part-{pid}",
                    pure=False,
                )
                pending.add(future)
                return True
            return False

        for _ in range(2 * n_workers):
            if not submit_next():
                break
        for future in pending:
            pid = future.key.removeprefix("wirelens-part-")
            try:
                manifest = future.result()
            except Exception as error:  # retries exhausted: report the inputs, never drop them
                reason = (
                    f"partition {pid} failed after {RETRIES + 1} attempts: "
                    f"{type(error).__name__}: {error}"
                )
                report.failed.append(
                    {"partition": pid, "inputs": inputs.pop(pid, []), "reason": reason}
                )
                finished[pid] = None
            else:
                inputs.pop(pid, None)
                report.done.append(manifest)
                finished[pid] = manifest
            finally:
                future.release()
            deliver()
            submit_next()
        deliver()
    finally:
        if client is None:
            own_client.close()
            if cluster is not None:
                cluster.close()
    return report
