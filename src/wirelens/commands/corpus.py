"""Corpus commands: ``ingest`` articles into the store, ``query`` it with SQL, ``export`` it.

DuckDB, pyarrow and Dask are imported inside the commands so ``wirelens --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..console import progress_bar, report_console, stderr

if TYPE_CHECKING:
    from ..model import Article
    from ..store import Rows, Store


DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
EXPORT_TABLES = (
    "articles",
    "actors",
    "quotes",
    "claims",
    "claim_groups",
    "events",
    "times",
    "places",
    "ingest_errors",
    "events_gdelt",
)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


@dataclass
class Tally:
    """What an ingest run did, for the summary and ``ingest_runs``."""

    stored: int = 0
    present: int = 0
    replaced: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    unstored: list[str] = field(default_factory=list)  # inputs of a batch the store refused


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``query`` and ``export`` to the ``wirelens`` app."""
    app.command()(ingest)
    app.command()(query)
    app.command()(export)


# --- ingest -------------------------------------------------------------------------------------


def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files (.txt, .html, .jsonl, .json, .csv), directories, or - (stdin)."),
    ],
    db: DbOption = Path("wirelens.duckdb"),
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD, when the input lacks one.")
    ] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Outlet name, when the input lacks one.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(help="Articles per transaction (and per Dask partition).", min=1)
    ] = 64,
    workers: Annotated[
        int | None, typer.Option(help="Analyse on N local processes (Dask LocalCluster).", min=1)
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on an existing Dask cluster: tcp://HOST:PORT.")
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option(help="Parquet dataset directory for --workers/--scheduler [<db>.parquet]."),
    ] = None,
) -> None:
    """Analyse articles and store them (idempotent; rerun the same command to resume)."""
    from ..ingest import Rejected, count_sources, read_sources
    from ..ingest.article import InputError, make_article
    from ..store import Store, StoreError

    try:
        if published:
            make_article("x", published=published)  # validate the option before any work
    except InputError as error:
        stderr.print(f"[red]error:[/red] --published: {error}")
        raise typer.Exit(2) from error
    try:
        store = Store(db)
    except StoreError as error:
        stderr.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error

    tally = Tally()
    failure: StoreError | None = None
    try:
        run_id = store.start_run(paths)
    except StoreError as error:
        store.close()
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from error
    status = "interrupted"
    plain = not stderr.is_terminal  # logs and pipes get one line per committed batch
    try:
        stored_ids = store.stored_ids()
        seen: set[str] = set()
        total = count_sources(paths)
        with progress_bar(disable=plain) as progress:
            task = progress.add_task("ingesting", total=total)

            def articles() -> Iterator[Article]:
                """New articles only: stored or repeated ids are skipped before parsing."""
                for item in read_sources(paths, published=published, outlet=outlet):
                    if isinstance(item, Rejected):
                        tally.rejected.append((item.source, item.reason))
                        progress.advance(task)
                    elif item.id in stored_ids or item.id in seen:
                        tally.present += 1
                        progress.advance(task)
                    else:
                        seen.add(item.id)
                        yield item

            def commit(batch: list[Rows], errors: list[tuple[str, str]]) -> None:
                try:
                    result = store.write_batch(batch, run_id)
                    store.record_errors(errors, run_id)
                except StoreError:
                    tally.unstored.extend(_source(rows) for rows in batch)
                    raise
                tally.stored += len(result.stored)
                tally.present += len(result.present)
                tally.replaced += len(result.replaced)
                progress.advance(task, len(batch))
                if plain:
                    print(
                        f"committed {len(result.stored)} article(s), {tally.stored} so far",
                        file=sys.stderr,
                        flush=True,
                    )

            if workers or scheduler:
                _ingest_dask(
                    articles(),
                    db,
                    parquet,
                    workers,
                    scheduler,
                    batch_size,
                    commit,
                    tally,
                    task,
                    progress,
                )
            else:
                _ingest_local(articles(), batch_size, commit, tally, progress, task)
            store.record_errors(tally.rejected, run_id)
        status = "done"
    except KeyboardInterrupt:
        stderr.print("[yellow]interrupted[/yellow]: run the same `wirelens ingest` to resume")
        raise typer.Exit(130) from None
    except StoreError as error:
        failure = error
        status = "failed"
    finally:
        # After a store failure this may fail too; the failure's own reason is reported below.
        with contextlib.suppress(Exception):
            store.finish_run(
                run_id, status, tally.stored, tally.present, tally.replaced, len(tally.rejected)
            )
        with contextlib.suppress(Exception):
            store.close()
    _summary(tally, db)
    if failure is not None:
        _store_failure(failure, tally)
        raise typer.Exit(1)
    # Failure only when no input is in the store at all (already present ones are fine).
    if tally.stored == 0 and tally.present == 0 and tally.rejected:
        raise typer.Exit(1)


def _ingest_local(
    articles: Iterator[Article],
    batch_size: int,
    commit: Any,
    tally: Tally,
    progress: Any,
    task: Any,
) -> None:
    """One process: stream through nlp.pipe, commit every ``batch_size`` analyses."""
    from ..pipeline import default_pipeline
    from ..store import flatten

    batch: list[Rows] = []
    errors: list[tuple[str, str]] = []

    def failed(article: Article, error: Exception) -> None:
        source = article.path or article.url or article.id
        errors.append((source, f"analysis failed: {type(error).__name__}: {error}"))
        tally.rejected.append(errors[-1])
        progress.advance(task)

    first = next(articles, None)
    if first is None:  # nothing new (e.g. a finished run repeated): do not load spaCy at all
        return
    stream = itertools.chain([first], articles)
    for analysis in default_pipeline().analyze_many(stream, on_error=failed):
        batch.append(flatten(analysis))
        if len(batch) >= batch_size:
            commit(batch, errors)
            batch, errors = [], []
    if batch or errors:
        commit(batch, errors)


def _ingest_dask(
    articles: Iterator[Article],
    db: Path,
    parquet: Path | None,
    workers: int | None,
    scheduler: str | None,
    batch_size: int,
    commit: Any,
    tally: Tally,
    task: Any,
    progress: Any,
) -> None:
    """Partitions analysed on Dask into Parquet; each finished one is committed to the store."""
    from ..scale import read_partition, run_partitions

    out = parquet or db.with_name(db.name + ".parquet")

    def done(manifest: dict[str, Any]) -> None:
        errors = [(s, r) for s, r in manifest["errors"]]
        tally.rejected.extend(errors)
        progress.advance(task, len(errors))
        commit(read_partition(out, manifest), errors)

    report = run_partitions(
        articles,
        out,
        workers=workers,
        scheduler=scheduler,
        partition_size=batch_size,
        on_done=done,
    )
    for failed in report.failed:
        tally.rejected.extend((source, failed["reason"]) for source in failed["inputs"])
        progress.advance(task, len(failed["inputs"]))


def _source(rows: Rows) -> str:
    """The input an analysed article came from (its path, URL or id)."""
    article = rows["articles"][0]
    return str(article["path"] or article["url"] or article["article_id"])


def _store_failure(error: Exception, tally: Tally) -> None:
    """Say what could not be stored and how to resume (stdout stays clean for data)."""
    stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
    stderr.print(
        f"not stored: {len(tally.unstored)} article(s) of the failed batch, and every input "
        "after them; nothing of the failed batch was written. Free space (or fix the store) "
        "and run the same `wirelens ingest` again: stored articles are skipped, the rest "
        "are added.",
        soft_wrap=True,
    )
    for source in tally.unstored:
        stderr.print(f"  not stored {source}", markup=False, highlight=False, soft_wrap=True)


def _summary(tally: Tally, db: Path) -> None:
    stderr.print(
        f"{db}: stored {tally.stored}, already present {tally.present}, "
        f"replaced {tally.replaced}, rejected {len(tally.rejected)}",
        soft_wrap=True,  # one line per fact, whatever the terminal width: logs stay greppable
    )
    for source, reason in tally.rejected[:50]:
        stderr.print(
            f"  rejected {source}: {reason}", markup=False, highlight=False, soft_wrap=True
        )
    if len(tally.rejected) > 50:
        stderr.print(f"  ... {len(tally.rejected) - 50} more in the ingest_errors table")


# --- query --------------------------------------------------------------------------------------


def _open_read_only(db: Path) -> Store:
    from ..store import Store, StoreError

    try:
        return Store(db, read_only=True)
    except StoreError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from error


def query(
    sql: Annotated[
        str, typer.Argument(help='SQL, e.g. "SELECT outlet, count(*) FROM articles GROUP BY 1".')
    ],
    db: DbOption = Path("wirelens.duckdb"),
    fmt: Annotated[
        QueryFormat, typer.Option("--format", help="Output format.")
    ] = QueryFormat.table,
) -> None:
    """Run SQL on the store (read-only) and print the result."""
    from ..store import StoreError

    store = _open_read_only(db)
    try:
        columns, rows = store.query(sql)
    except StoreError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(1) from error
    finally:
        store.close()
    if fmt is QueryFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt is QueryFormat.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, default=str, ensure_ascii=False, indent=1) + "\n")
    else:
        _print_table(columns, rows)


def _print_table(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from rich.table import Table

    console = report_console()
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    console.print(f"{len(rows)} row(s)", style="dim")


# --- export -------------------------------------------------------------------------------------


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format.")],
    db: DbOption = Path("wirelens.duckdb"),
    out: Annotated[Path, typer.Option(help="Directory for the files.")] = Path("export"),
    tables: Annotated[
        list[str] | None,
        typer.Option("--table", help=f"Table(s) to export [all: {', '.join(EXPORT_TABLES)}]."),
    ] = None,
) -> None:
    """Write one file per record type (and events_gdelt, GDELT/POLECAT columns) to --out."""
    from ..store import GDELT_QUERY

    chosen = tables or list(EXPORT_TABLES)
    unknown = [t for t in chosen if t not in EXPORT_TABLES]
    if unknown:
        stderr.print(
            f"[red]error:[/red] unknown table(s) {', '.join(unknown)}; "
            f"choose from {', '.join(EXPORT_TABLES)}"
        )
        raise typer.Exit(2)
    store = _open_read_only(db)
    out.mkdir(parents=True, exist_ok=True)
    options = {
        ExportFormat.parquet: "FORMAT PARQUET",
        ExportFormat.csv: "FORMAT CSV, HEADER",
        ExportFormat.jsonl: "FORMAT JSON",
    }[fmt]
    try:
        for table in chosen:
            select = GDELT_QUERY if table == "events_gdelt" else f"SELECT * FROM {table}"
            target = out / f"{table}.{fmt.value}"
            escaped = str(target).replace("'", "''")
            store.con.execute(f"COPY ({select}) TO '{escaped}' ({options})")
            count = store.con.execute(f"SELECT count(*) FROM ({select})").fetchone()
            stderr.print(f"{target}: {count[0] if count else 0} row(s)", highlight=False)
    finally:
        store.close()
