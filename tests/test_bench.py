"""The benchmark: result shape and sanity on tiny texts, kernel detection, the CLI.

Only ratios and shapes are asserted: absolute times depend on a shared, noisy machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirelens.bench import (
    busy_cpu_seconds,
    dask_partition_size,
    long_text,
    measure_dask_scaling,
    parse_kernel_debug,
    partitions,
    run_bench,
)
from wirelens.model import Article

TINY = [
    "NATO Secretary-General Jens Stoltenberg said on Tuesday that Russia had massed troops.",
    "The Kremlin denied the report. “We have no plans to invade,” a spokesman told reporters.",
    "France said it had yet to confirm the return of some Russian troops to their bases.",
]

# What blis 0.7.11 printed on an AMD EPYC host, on this Intel host, and what a fall back to the
# portable kernels looks like (blis 1.x on CPUs it does not recognise).
ZEN2 = "libblis: selecting sub-configuration 'zen2'.\n"
HASWELL = (
    "libblis: Number of FMA units unknown; using 'haswell' (not 'skx') config.\n"
    "libblis: selecting sub-configuration 'haswell'.\n"
)
GENERIC = "some other output\nlibblis: selecting sub-configuration 'generic'.\ndone\n"


def _articles(texts: list[str]) -> list[Article]:
    return [Article(id=f"t{i}", text=text) for i, text in enumerate(texts)]


# --- kernel detection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "kernel", "generic"),
    [(ZEN2, "zen2", False), (HASWELL, "haswell", False), (GENERIC, "generic", True)],
)
def test_kernel_parser_reads_the_selected_subconfiguration(
    output: str, kernel: str, generic: bool
) -> None:
    found = parse_kernel_debug(output)
    assert found["kernel"] == kernel
    assert found["generic"] is generic
    assert all(line.startswith("libblis:") for line in found["lines"])
    assert "done" not in " ".join(found["lines"])


def test_kernel_parser_notes_a_step_down_and_says_unknown_without_output() -> None:
    assert parse_kernel_debug(HASWELL)["fallback_from"] == "skx"
    assert parse_kernel_debug(ZEN2)["fallback_from"] is None
    silent = parse_kernel_debug("Traceback ...\nImportError: no blis\n")
    assert silent["kernel"] is None and silent["generic"] is None and silent["lines"] == []


# --- helpers -------------------------------------------------------------------------------------


def test_partitions_keep_every_article_once_in_order() -> None:
    articles = _articles([f"text {'x' * (i * 37 % 11 + 1)}" for i in range(17)])
    parts = partitions(articles, 4)
    assert 1 <= len(parts) <= 4 and all(parts)
    assert [a.id for part in parts for a in part] == [a.id for a in articles]
    assert partitions(articles[:2], 8) == [[articles[0]], [articles[1]]]


def test_dask_partitions_give_every_worker_several() -> None:
    for articles, workers in [(100, 2), (200, 2), (840, 2), (1000, 8), (5, 2)]:
        size = dask_partition_size(articles, workers)
        parts = -(-articles // size)
        assert size >= 1
        # enough partitions that a worker's last one is a small part of its share
        assert parts >= min(articles, 6 * workers)
    assert dask_partition_size(100, 1) > dask_partition_size(100, 2)


def test_machine_busy_time_only_grows() -> None:
    first = busy_cpu_seconds()
    if first is None:
        pytest.skip("no /proc/stat")
    total = 0
    for i in range(200_000):  # keep this process busy for a moment
        total += i * i
    second = busy_cpu_seconds()
    assert second is not None and second >= first > 0


def test_long_text_has_the_requested_size_from_the_articles() -> None:
    text = long_text(_articles(TINY), chars=5_000)
    assert len(text) == 5_000
    assert text.startswith(TINY[0]) and TINY[2] in text
    with pytest.raises(ValueError):
        long_text([], chars=10)


# --- the benchmark itself ------------------------------------------------------------------------


def _check_single(single: dict) -> None:  # type: ignore[type-arg]
    assert single["articles"] == 3 and single["tokens"] > 3 * 10
    assert single["chars"] == sum(len(t) for t in TINY)
    for run in ("parse", "analyze"):
        assert single[run]["docs_per_s"] > 0 and single[run]["tokens_per_s"] > 0
    # Full analysis does all the parse does and more: it cannot be much faster than it.
    assert 0 < single["ratio"] < 3
    assert len(single["ratio_rounds"]) == single["repeat"]
    assert 0 < single["wall_ratio"] < 3 and len(single["wall_ratio_rounds"]) == single["repeat"]
    shares = single["stage_shares"]
    assert {"parse", "actors", "times", "places", "quotes"} <= set(shares)
    assert sum(shares.values()) == pytest.approx(1.0, abs=0.01)
    assert all(0 <= share <= 1 for share in shares.values())
    assert set(single["extractor_over_parse"]) == set(shares) - {"parse"}


@pytest.mark.slow
def test_bench_on_tiny_texts_is_well_formed(nlp) -> None:  # type: ignore[no-untyped-def]
    result = run_bench(
        _articles(TINY), repeat=2, batch_size=2, workers=(), long_article=False, kernel=False
    )
    _check_single(result["single"])
    assert result["stack"]["spacy"] and result["stack"]["blis"]
    assert result["memory"]["peak_rss_mb"] > 50  # a loaded spaCy model is resident
    assert "scaling" not in result and "kernel" not in result
    json.dumps(result)  # JSON-ready as it is


@pytest.mark.slow
def test_dask_scaling_rounds_on_tiny_texts(nlp) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    (run,) = measure_dask_scaling(_articles(TINY * 2), counts=(1,), rounds=2)
    assert run["workers"] == 1 and len(run["rounds"]) == 2
    assert run["speedup_rounds"] == [1.0, 1.0] and run["speedup_dedicated"] == 1.0
    assert run["pipeline_loads"] == [1]  # warmed once, never reloaded by the partitions
    assert run["partitions"] == 6  # eight per worker asked, one article each at most
    for found in run["rounds"]:
        assert found["docs_per_s"] > 0 and 0 < found["utilisation"] <= 1.0
        assert 0 < found["cpu_share"] <= 1.05
        assert found["docs_per_s_dedicated"] >= found["docs_per_s"] * 0.95
    json.dumps(run)


def test_bench_refuses_empty_input() -> None:
    with pytest.raises(ValueError):
        run_bench([], workers=(), long_article=False, kernel=False)
    with pytest.raises(ValueError):
        run_bench(_articles(TINY), repeat=0, workers=(), long_article=False, kernel=False)


@pytest.mark.slow
def test_cli_bench_json(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    from wirelens.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate(TINY):
        (corpus / f"{i}.txt").write_text(text, encoding="utf-8")
    saved = tmp_path / "out" / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            str(corpus),
            "--repeat",
            "1",
            "--workers",
            "1",
            "--runner",
            "processes",
            "--no-long-article",
            "--json",
            "--output",
            str(saved),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    _check_single(data["single"])
    assert data["command"].startswith("wirelens bench ") and "--repeat 1" in data["command"]
    assert "--runner processes" in data["command"]
    # The kernel probe ran in a child process and found blis' choice (or said it could not).
    assert "kernel" in data["kernel"] and "lines" in data["kernel"]
    (run,) = data["scaling"]["runs"]
    assert run["workers"] == 1 and run["processes_warmed"] == 1 and run["speedup"] == 1.0
    assert run["docs_per_s"] > 0 and run["peak_rss_mb"] > 50
    assert "ProcessPoolExecutor" in run["runner"]
    assert json.loads(saved.read_text(encoding="utf-8")) == data


def test_cli_bench_rejects_an_empty_corpus(tmp_path: Path) -> None:
    from wirelens.cli import app

    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", str(tmp_path / "empty.txt"), "--json"])
    assert result.exit_code == 2


def test_interleaved_round_parses_every_article_on_both_sides(nlp) -> None:  # type: ignore[no-untyped-def]
    from wirelens.bench import CHUNK_ARTICLES, _interleaved_round

    articles = _articles(TINY * CHUNK_ARTICLES)  # several chunks
    wall, cpu, tokens, spent = _interleaved_round(articles, batch_size=4, first=1)
    expected = sum(len(doc) for doc in nlp.pipe(a.text for a in articles))
    assert tokens == expected
    assert all(wall[side] > 0 and cpu[side] > 0 for side in ("parse", "analyze"))
    assert {"actors", "times", "quotes"} <= set(spent) and all(v >= 0 for v in spent.values())
