"""The ``wirelens`` command line (Typer + rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__
from .commands import register_all
from .console import progress_bar, report_console, stderr
from .model import Article, json_schema

if TYPE_CHECKING:
    from .ingest import Rejected

app = typer.Typer(
    help="wirelens: who said what, what was claimed and how well it stands, what happened, "
    "when and where — from news text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Score the extractors against the public corpora.", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")


@app.command()
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .jsonl, .json, .csv), directories of them, or - for stdin."
        ),
    ],
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD, when the input lacks one.")
    ] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Outlet name, when the input lacks one.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON document per article (JSON Lines for several).")
    ] = False,
    batch_size: Annotated[int, typer.Option(help="Articles per spaCy batch.", min=1)] = 16,
    follow_links: Annotated[
        bool, typer.Option(help="For feeds: fetch each item's page instead of its summary.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per URL fetch.", min=0.1)] = 10.0,
    allow_private: Annotated[
        bool,
        typer.Option(help="Allow URLs on private, loopback and link-local addresses (unsafe)."),
    ] = False,
) -> None:
    """Analyse articles and print a report (or the JSON record contract with --json).

    PATHS may also be http(s) URLs of pages or RSS/Atom feeds, fetched safely (public addresses
    only, size and time capped).
    """
    from .ingest import FetchOptions, Rejected, count_sources, read_sources
    from .ingest.article import InputError, make_article
    from .pipeline import default_pipeline
    from .report import print_report

    try:
        if published:
            make_article("x", published=published)  # validate the option before any work
    except InputError as error:
        stderr.print(f"[red]error:[/red] --published: {error}")
        raise typer.Exit(2) from error

    rejected: list[Rejected] = []
    total = count_sources(paths)

    def articles() -> Iterator[Article]:
        fetching = FetchOptions(
            timeout=timeout, allow_private=allow_private, follow_links=follow_links
        )
        for item in read_sources(paths, published=published, outlet=outlet, fetching=fetching):
            if isinstance(item, Rejected):
                rejected.append(item)
                progress.advance(task)
            else:
                yield item

    def failed(article: Article, error: Exception) -> None:
        source = article.path or article.url or article.id
        rejected.append(Rejected(source, f"analysis failed: {type(error).__name__}: {error}"))
        progress.advance(task)

    analysed = 0
    pretty = total == 1
    console = report_console()
    with progress_bar(disable=total is not None and total <= 1) as progress:
        task = progress.add_task("analysing", total=total)
        pipeline = default_pipeline()
        for analysis in pipeline.analyze_many(articles(), batch_size=batch_size, on_error=failed):
            analysed += 1
            progress.advance(task)
            if as_json:
                sys.stdout.write(analysis.to_json(indent=2 if pretty else None) + "\n")
                sys.stdout.flush()
            else:
                print_report(analysis, console)
    _report_rejections(rejected, analysed)
    if analysed == 0:
        raise typer.Exit(1)


def _report_rejections(rejected: list[Rejected], analysed: int) -> None:
    """Every input that was not analysed, with its reason (one line each), on stderr."""
    if not rejected:
        return
    if analysed == 0 and len(rejected) == 1:
        typer.echo(f"error: {rejected[0].source}: {rejected[0].reason}", err=True)
        return
    typer.echo(f"skipped {len(rejected)} input(s) (analysed {analysed}):", err=True)
    for item in rejected:
        typer.echo(f"  {item.source}: {item.reason}", err=True)


@contextmanager
def _scoring() -> Iterator[None]:
    """A corpus that is missing, empty or malformed: one clear line and exit code 2."""
    from .evaluate import CorpusError

    try:
        yield
    except CorpusError as error:
        stderr.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error


def _corpus_dir(path: Path | None, default: str, base: Path | None = None) -> Path:
    """The corpus to score: the given path, or ``default`` under ``base`` (../shared/data)."""
    import os

    base = base or Path(os.environ.get("WIRELENS_SHARED_DATA", Path.cwd().parent / "shared/data"))
    chosen = path or base / default
    if not chosen.is_dir():
        stderr.print(f"[red]error:[/red] corpus directory not found: {chosen}")
        raise typer.Exit(2)
    return chosen


@eval_app.command("times")
def eval_times(
    directory: Annotated[
        Path | None, typer.Argument(help="A directory of TimeML .tml files (TE3-Platinum).")
    ] = None,
) -> None:
    """Time expressions: span F1 (strict, relaxed), type accuracy and value F1, TempEval-3 style."""
    from .evaluate import timeml

    with _scoring():
        scores = timeml.score_directory(_corpus_dir(directory, "time-normalization/te3-platinum"))
    typer.echo(timeml.format_report(scores))


@eval_app.command("attribution")
def eval_attribution(
    directory: Annotated[
        Path | None,
        typer.Argument(help="A PolNeAR-format directory (text/*.txt, attributions/*.ann)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N documents.")] = None,
    agreement: Annotated[
        bool,
        typer.Option(
            "--agreement",
            help="Only the articles several annotators annotated: the annotators against each "
            "other (the human ceiling) beside wirelens against each of them.",
        ),
    ] = False,
) -> None:
    """Quotes: P/R/F1 of content, source and cue (overlap and exact), and all three together."""
    from .evaluate import polnear

    with _scoring():
        corpus = _corpus_dir(directory, "polnear/data/dev")
        if agreement:
            typer.echo(polnear.format_agreement_report(polnear.score_agreement(corpus, limit)))
            return
        scores = polnear.score_directory(corpus, limit=limit)
    typer.echo(polnear.format_report(scores))


@eval_app.command("events")
def eval_events(
    directory: Annotated[
        Path | None,
        typer.Argument(help="The events directory (PLV_train.tsv and the PLOVER gold records)."),
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.", min=2)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold split (0 is the reported one).")] = 0,
    encoder: Annotated[
        bool,
        typer.Option(help="Score the encoder fallback (--no-encoder: the classifier alone)."),
    ] = True,
) -> None:
    """Events: cross-validated PLOVER 15-class and quad accuracy on PLV train."""
    from .evaluate import events

    with _scoring():
        scores = events.score_plv(
            _corpus_dir(directory, "events"), folds=folds, seed=seed, encoder=encoder
        )
    typer.echo(events.format_report(scores))


@eval_app.command("article-events")
def eval_article_events(
    data: Annotated[
        Path | None, typer.Argument(help="The shared data directory (default ../shared/data).")
    ] = None,
    gold_set: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Gold set to score: crisis-2022, polnear-train (dev) or polnear-dev (held out); "
            "default all three.",
        ),
    ] = None,
) -> None:
    """Events in whole articles against hand-annotated events: type, quad, target, not-events."""
    from .evaluate import article_events

    with _scoring():
        results = article_events.score(
            _corpus_dir(data, ""), tuple(gold_set or article_events.SETS)
        )
    typer.echo(article_events.format_report(results))


@eval_app.command("actors")
def eval_actors(
    directory: Annotated[
        Path | None,
        typer.Argument(help="The events directory (plover_gsr_cameo/PLOVER_GSR_CAMEO.json)."),
    ] = None,
) -> None:
    """Actors and places: participants found, country and sector coding, event places found."""
    from .evaluate import actors

    with _scoring():
        scores = actors.score_gold(_corpus_dir(directory, "events"))
    typer.echo(actors.format_report(scores))


@eval_app.command("claims")
def eval_claims(
    data: Annotated[
        Path | None, typer.Argument(help="The shared data directory (default ../shared/data).")
    ] = None,
) -> None:
    """Claims: check-worthiness on a held-out ClaimBuster split; status accuracy on UDS-IH2 dev."""
    from .evaluate import claims

    root = _corpus_dir(data, "")
    scores = {
        "checkworthiness": claims.score_checkworthiness(
            _corpus_dir(None, "check-worthiness/claimbuster", root)
        ),
        "factuality": claims.score_factuality(_corpus_dir(None, "factuality/uds-ih2", root)),
    }
    typer.echo(claims.format_report(scores))


@app.command()
def schema() -> None:
    """Print the JSON Schema of `wirelens analyze --json` output."""
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


@app.command()
def version() -> None:
    """Print the wirelens version and the NLP stack it runs on."""
    import blis
    import spacy

    from .pipeline import MODEL_NAME

    typer.echo(
        f"wirelens {__version__} (spaCy {spacy.__version__}, blis {blis.__version__}, "
        f"model {MODEL_NAME})"
    )


register_all(app)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
