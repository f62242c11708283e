"""``wirelens bench``: parse vs full-analysis throughput, extractor shares, workers, memory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..console import report_console, stderr


def _parse_workers(value: str) -> list[int]:
    """'1,2' -> [1, 2]; '' or '0' -> [] (skip the multi-process runs)."""
    counts = [int(part) for part in value.replace(" ", "").split(",") if part]
    if any(count < 0 for count in counts):
        raise typer.BadParameter("worker counts must be positive")
    return [count for count in counts if count > 0]


def _load(values: Any) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "n/a"


def _rate_row(table: Table, label: str, rate: dict[str, float]) -> None:
    table.add_row(
        label,
        f"{rate['docs_per_s']:.1f}",
        f"{rate['tokens_per_s']:,.0f}",
        f"{rate['chars_per_s']:,.0f}",
        f"{rate['seconds']:.2f}",
    )


def render(result: dict[str, Any], console: Console) -> None:
    """Print the benchmark result as rich tables."""
    single = result["single"]
    stack = result["stack"]
    console.print(
        f"[bold]wirelens bench[/bold]: {single['articles']} articles, {single['tokens']:,} tokens, "
        f"{single['chars']:,} chars; {single['repeat']} ABAB round(s), median shown; "
        f"CPU {result['machine']['cpu']} x{result['machine']['cpu_count']}, "
        f"load average {_load(result['machine'].get('load_average'))}"
    )
    console.print(
        "stack: " + ", ".join(f"{name} {version}" for name, version in stack.items() if version)
    )
    kernel = result.get("kernel")
    if kernel is not None:
        name = kernel.get("kernel") or "unknown"
        style = "red" if kernel.get("generic") else "green"
        if kernel.get("generic") is None:
            style = "yellow"
        console.print(f"blis kernel: [{style}]{name}[/{style}]  " + " | ".join(kernel["lines"]))

    table = Table(title="Throughput (one process)")
    for column in ("run", "docs/s", "tokens/s", "chars/s", "seconds"):
        table.add_column(column, justify="left" if column == "run" else "right")
    _rate_row(table, "bare parse (nlp.pipe)", single["parse"])
    _rate_row(table, "full analysis (analyze_many)", single["analyze"])
    console.print(table)
    verdict = "[green]meets[/green]" if single["meets_target"] else "[red]below[/red]"
    rounds = ", ".join(f"{r:.2f}" for r in single["ratio_rounds"])
    wall_rounds = ", ".join(f"{r:.2f}" for r in single.get("wall_ratio_rounds", []))
    console.print(
        f"analysis / parse throughput (CPU time): [bold]{single['ratio']:.2f}[/bold] "
        f"(rounds: {rounds}; {verdict} target {single['target_ratio']:.2f})"
    )
    if "wall_ratio" in single:
        console.print(
            f"analysis / parse throughput (wall clock): {single['wall_ratio']:.2f} "
            f"(rounds: {wall_rounds})"
        )

    shares = Table(title="Where the full analysis spends its time")
    for column in ("stage", "seconds", "share", "x bare parse"):
        shares.add_column(column, justify="left" if column == "stage" else "right")
    over = single["extractor_over_parse"]
    for name, seconds in single["stage_seconds"].items():
        shares.add_row(
            "parse + overhead" if name == "parse" else name,
            f"{seconds:.2f}",
            f"{single['stage_shares'][name]:.1%}",
            f"{over[name]:.2f}" if name in over else "",
        )
    console.print(shares)

    scaling = result.get("scaling")
    if scaling:
        runner_name = scaling["runs"][0]["runner"] if scaling["runs"] else ""
        dask = any("rounds" in run for run in scaling["runs"])
        title = f"Workers: {runner_name}; model load excluded"
        if dask:
            title += "; median of alternating rounds"
        workers = Table(title=title)
        columns = ["workers", "docs/s", "chars/s", "speed-up", "utilisation", "peak RSS MB"]
        if dask:
            columns[3:3] = ["per worker docs/s", "docs/CPU-s", "CPU share", "other cores"]
            columns.insert(-2, "speed-up rounds")
            columns.insert(-2, "dedicated speed-up")
        for column in columns:
            workers.add_column(column, justify="right")
        for run in scaling["runs"]:
            row = [
                str(run["workers"]),
                f"{run['docs_per_s']:.2f}",
                f"{run['chars_per_s']:,.0f}",
                f"{run['speedup']:.2f}" if run.get("speedup") else "",
                f"{run['utilisation']:.0%}" if "utilisation" in run else "",
                f"{run['peak_rss_mb']:.0f}",
            ]
            if dask:
                row[3:3] = [
                    f"{run['docs_per_s_per_worker']:.2f}",
                    f"{run['docs_per_cpu_s']:.2f}",
                    f"{run['cpu_share']:.0%}",
                    f"{run['other_cores']:.2f}" if run.get("other_cores") is not None else "",
                ]
                row.insert(-2, " ".join(f"{r:.2f}" for r in run["speedup_rounds"]))
                row.insert(-2, f"{run['speedup_dedicated']:.2f}")
            workers.add_row(*row)
        console.print(workers)
        if dask:
            run = scaling["runs"][-1]
            console.print(
                f"partitions of {run['partition_size']} articles; pipeline loads per worker "
                f"{run['pipeline_loads']}; a CPU share below 100% means other processes took "
                "the rest of a core ('other cores': what they used); 'dedicated speed-up' is "
                "the speed-up with a core per worker"
            )

    memory = result["memory"]
    console.print(f"peak RSS of this process: {memory['peak_rss_mb']:.0f} MB")
    long = memory.get("long_article")
    if long is not None:
        if "error" in long:
            console.print(f"[red]1 MB article: {long['error']}[/red]")
        else:
            ok = "[green]under[/green]" if long["within_limit"] else "[red]over[/red]"
            console.print(
                f"1 MB article ({long['chars']:,} chars) in a fresh worker: peak RSS "
                f"{long['peak_rss_mb']:.0f} MB ({ok} {long['limit_mb']:.0f} MB), "
                f"RSS after {long['rss_after_mb']:.0f} MB, {long['seconds']:.1f} s"
            )


def _command_line(
    corpus: list[str] | None,
    limit: int | None,
    repeat: int,
    workers: str,
    runner: str,
    long_article: bool,
    kernel: bool,
    batch_size: int,
) -> str:
    """The command that reproduces a run, stored with its results."""
    parts = ["wirelens", "bench", *(corpus or [])]
    if limit is not None:
        parts.append(f"--limit {limit}")
    parts.append(f"--repeat {repeat}")
    parts.append(f"--workers '{workers}'")
    if runner != "auto":
        parts.append(f"--runner {runner}")
    if not long_article:
        parts.append("--no-long-article")
    if not kernel:
        parts.append("--no-kernel")
    if batch_size != 16:
        parts.append(f"--batch-size {batch_size}")
    return " ".join(parts)


def register(app: typer.Typer) -> None:
    """Add the top-level ``bench`` command."""

    @app.command()
    def bench(
        corpus: Annotated[
            list[str] | None,
            typer.Argument(
                help="Articles to measure: anything `analyze` reads "
                "(default: ../shared/data/polnear/data/train/text)."
            ),
        ] = None,
        limit: Annotated[int | None, typer.Option(help="Use the first N articles.", min=1)] = None,
        repeat: Annotated[
            int,
            typer.Option(
                help="Rounds of parse and analysis, in turns chunk by chunk (median reported).",
                min=1,
            ),
        ] = 3,
        workers: Annotated[
            str, typer.Option(help="Worker-process counts to measure, e.g. '1,2'; '' skips.")
        ] = "1,2",
        runner: Annotated[
            str,
            typer.Option(
                help="Worker runner: dask (wirelens.scale on a LocalCluster), processes "
                "(ProcessPoolExecutor) or auto (dask when installed)."
            ),
        ] = "auto",
        long_article: Annotated[
            bool, typer.Option(help="Measure a fresh worker's memory on a 1 MB article.")
        ] = True,
        kernel: Annotated[
            bool, typer.Option(help="Probe the blis kernel with BLIS_ARCH_DEBUG=1.")
        ] = True,
        batch_size: Annotated[int, typer.Option(help="Articles per spaCy batch.", min=1)] = 16,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the results as JSON instead of tables.")
        ] = False,
        output: Annotated[
            Path | None, typer.Option(help="Also write the JSON results to this file.")
        ] = None,
    ) -> None:
        """Measure bare parse vs full analysis throughput, extractor shares, workers and memory."""
        from ..bench import default_corpus, load_articles, run_bench, to_json

        paths = corpus or [str(default_corpus())]
        counts = _parse_workers(workers)
        if runner not in ("auto", "dask", "processes"):
            raise typer.BadParameter(
                "runner must be auto, dask or processes", param_hint="--runner"
            )
        stderr.print(f"reading {', '.join(paths)}")
        articles = load_articles(paths, limit=limit)
        if not articles:
            stderr.print("[red]error:[/red] no readable articles in the corpus")
            raise typer.Exit(2)
        result = run_bench(
            articles,
            repeat=repeat,
            batch_size=batch_size,
            workers=counts,
            runner=runner,
            long_article=long_article,
            kernel=kernel,
            progress=lambda message: stderr.print(f"[dim]{message}[/dim]"),
        )
        result["command"] = _command_line(
            corpus, limit, repeat, workers, runner, long_article, kernel, batch_size
        )
        result["corpus"] = paths
        text = to_json(result)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + "\n", encoding="utf-8")
            stderr.print(f"wrote {output}")
        if as_json:
            sys.stdout.write(text + "\n")
        else:
            render(result, report_console())
