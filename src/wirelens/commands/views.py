"""Cross-article views of the store: ``claims``, ``timeline``, ``escalation``, ``words-deeds``.

Each prints a rich table, or JSON with ``--json``, and writes a chart with ``--plot FILE``
(``.png`` via matplotlib; ``.html``/``.svg`` as a self-contained inline SVG). See docs/CORPUS.md.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..console import report_console, stderr

if TYPE_CHECKING:
    import duckdb

    from ..store import Store


DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Also write a chart: FILE.png, FILE.html or .svg.")
]
SinceOption = Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option(help="Up to this day (YYYY-MM-DD).")]


def register(app: typer.Typer) -> None:
    """Add ``claims``, ``timeline``, ``escalation`` and ``words-deeds`` to the app."""
    app.command()(claims)
    app.command()(timeline)
    app.command()(escalation)
    app.command("words-deeds")(words_deeds)


# --- helpers ------------------------------------------------------------------------------------


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        stderr.print(f"[red]error:[/red] {option}: not a date YYYY-MM-DD: {escape(value)}")
        raise typer.Exit(2) from error


def _open(db: Path, write: bool = False) -> Store:
    from ..store import Store, StoreError

    if not db.exists():
        stderr.print(f"[red]error:[/red] no store at {db} (create one with `wirelens ingest`)")
        raise typer.Exit(2)
    try:
        return Store(db, read_only=not write)
    except StoreError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(2) from error


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str, ensure_ascii=False, indent=1) + "\n")


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.table import Table

    table = Table(*columns, title=title, show_lines=False)
    for row in rows:
        table.add_row(*(escape("" if v is None else str(v)) for v in row))
    console = report_console()
    console.print(table)
    console.print(f"{len(rows)} row(s)", style="dim")


def _plotted(path: Path) -> None:
    stderr.print(f"chart written to {path}", highlight=False)


def _check_plot(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".html", ".htm", ".svg"):
        stderr.print(f"[red]error:[/red] --plot: use a .png, .html or .svg file, not {path}")
        raise typer.Exit(2)


# --- claims -------------------------------------------------------------------------------------


def claims(
    db: DbOption = Path("wirelens.duckdb"),
    status: Annotated[
        str | None, typer.Option(help="Only groups with this standing (e.g. disputed).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only groups with a member from this source (name or ISO3).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="At most N groups (0: all).", min=0)] = 20,
    group: Annotated[str | None, typer.Option("--group", help="Show one group's timeline.")] = None,
    regroup: Annotated[bool, typer.Option(help="Recompute the groups even if up to date.")] = False,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Claims made or reported across articles: groups with standing, first seen, outlets.

    Groups are computed on first use and again whenever the store changed (in claim_groups).
    """
    from ..corpus.claim_tracking import ensure_groups, list_groups

    _check_plot(plot)
    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    with _open_for_groups(db, regroup) as store:
        if not store.con.execute(
            "SELECT 1 FROM duckdb_settings() WHERE name = 'access_mode' AND value = 'read_only'"
        ).fetchone():
            ensure_groups(store.con, force=regroup)
        if group:
            _show_group(store.con, group, as_json, plot)
            return
        groups = list_groups(store.con, status, actor, since_day, until_day, limit=limit or None)
        if plot is not None:
            _claims_plot(store.con, groups, plot)
    if as_json:
        _print_json(groups)
        return
    rows = [
        [
            g["group_id"],
            g["standing"],
            g["first_seen"],
            g["n_stories"],
            g["n_claims"],
            ", ".join(o[:28] for o in g["outlets"]),
            g["label"][:90],
        ]
        for g in groups
    ]
    _table(
        "claim groups (most independent sources first)",
        ["group", "standing", "first seen", "sources", "claims", "outlets", "claim"],
        rows,
    )
    if groups:
        report_console().print(
            f"details: wirelens claims --group {groups[0]['group_id']} --db {db}", style="dim"
        )


def _open_for_groups(db: Path, regroup: bool) -> Store:
    """The store for writing groups; read-only when another process holds it and the stored
    groups are up to date (e.g. while `wirelens serve` has it open)."""
    from ..corpus.claim_tracking import is_stale
    from ..store import Store, StoreError

    if not db.exists():
        return _open(db)  # exits with the usual message
    try:
        return Store(db)
    except StoreError as error:
        try:
            store = Store(db, read_only=True)
        except StoreError:
            stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
            raise typer.Exit(2) from error
        if regroup or is_stale(store.con):
            store.close()
            stderr.print(
                f"[red]error:[/red] {db} is in use by another process and its claim groups are "
                "out of date; run `wirelens claims` again when it is free",
                highlight=False,
            )
            raise typer.Exit(2) from error
        return store


def _show_group(
    con: duckdb.DuckDBPyConnection, group_id: str, as_json: bool, plot: Path | None
) -> None:
    from ..corpus.claim_tracking import get_group
    from ..corpus.plots import dot_chart

    found = get_group(con, group_id)
    if found is None:
        stderr.print(f"[red]error:[/red] no claim group {escape(group_id)}")
        raise typer.Exit(1)
    if plot is not None:
        dots = [
            (m.outlet, m.date, m.status, f"{m.source or '?'}: {m.text[:120]}")
            for m in found.members
            if m.date
        ] + [
            (m.outlet, m.date, "mention", f"{m.speaker or '?'}: {m.text[:120]}")
            for m in found.mentions
            if m.date
        ]
        _plotted(dot_chart(plot, found.label[:80], dots))
    if as_json:
        _print_json(found.to_json())
        return
    console = report_console()
    console.print(f"[bold]{escape(found.label)}[/bold]")
    when = found.standing_date.isoformat() if found.standing_date else "-"
    console.print(f"standing: [bold]{found.standing}[/bold] (set {when})")
    for e in found.standing_evidence:
        console.print(
            f"  evidence ({e.get('relation')}, {escape(str(e.get('outlet')))}): "
            f"{escape(e.get('text', ''))}"
        )
    rows = [
        [m.date, m.outlet[:30], m.source, m.role, m.status, m.text[:100]] for m in found.members
    ] + [[m.date, m.outlet[:30], m.speaker, "mention", "", m.text[:100]] for m in found.mentions]
    rows.sort(key=lambda r: r[0] or date.max)
    _table(
        f"timeline of {group_id} (mention: a sentence saying it, with no claim record)",
        ["date", "outlet", "source", "role", "status", "claim"],
        rows,
    )


def _claims_plot(con: duckdb.DuckDBPyConnection, groups: list[dict[str, Any]], plot: Path) -> None:
    from ..corpus.claim_tracking import get_group
    from ..corpus.plots import dot_chart

    dots = []
    for g in groups:
        found = get_group(con, g["group_id"])
        if found is None:
            continue
        label = f"{g['group_id']} {g['label'][:34]}"
        dots += [
            (label, m.date, m.status, f"{m.outlet}: {m.text[:100]}")
            for m in found.members
            if m.date
        ]
    _plotted(dot_chart(plot, "claim groups: members by day and status", dots))


# --- timeline -----------------------------------------------------------------------------------


def timeline(
    actor: Annotated[str, typer.Argument(help="Actor name or country (e.g. Russia, RUS, Putin).")],
    actor2: Annotated[str | None, typer.Argument(help="Second actor: the pair's timeline.")] = None,
    db: DbOption = Path("wirelens.duckdb"),
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option(help="At most N rows in the table (0: all).", min=0)] = 200,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Events and statements of an actor (or between two) by day, with Goldstein intensity."""
    from ..corpus.plots import line_chart
    from ..corpus.timelines import actor_timeline, daily_summary

    _check_plot(plot)
    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    with _open(db) as store:
        items = actor_timeline(store.con, actor, actor2, since_day, until_day)
    days = daily_summary(items)
    name = f"{actor} – {actor2}" if actor2 else actor
    if plot is not None:
        series = {
            "mean Goldstein": [
                (date.fromisoformat(d["day"]), d["goldstein_mean"])
                for d in days
                if d["day"] and d["goldstein_mean"] is not None
            ],
            "events": [(date.fromisoformat(d["day"]), d["events"]) for d in days if d["day"]],
            "statements": [
                (date.fromisoformat(d["day"]), d["statements"]) for d in days if d["day"]
            ],
        }
        _plotted(line_chart(plot, f"timeline: {name}", series, "Goldstein / count"))
    if as_json:
        _print_json({"actor": actor, "actor2": actor2, "days": days,
                     "items": [i.to_json() for i in items]})  # fmt: skip
        return
    shown = items[:limit] if limit else items
    rows = [
        [i.day, i.kind, i.actor, i.target, i.what, i.goldstein, i.modality, i.text[:80]]
        for i in shown
    ]
    _table(
        f"timeline: {name}",
        ["day", "kind", "actor", "target", "type/cue", "goldstein", "modality", "text"],
        rows,
    )


# --- escalation ---------------------------------------------------------------------------------


def escalation(
    db: DbOption = Path("wirelens.duckdb"),
    pair: Annotated[
        tuple[str, str] | None, typer.Option(help="Two actors: A B (either direction).")
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """Daily escalation index from event Goldstein scores (claimed events weigh less)."""
    from ..corpus.escalation import escalation_series, top_pairs
    from ..corpus.plots import line_chart

    _check_plot(plot)
    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    with _open(db) as store:
        series = escalation_series(store.con, pair, since_day, until_day)
        overall = escalation_series(store.con, None, since_day, until_day) if pair else series
        pairs = top_pairs(store.con) if not pair else []
    name = f"{pair[0]} – {pair[1]}" if pair else "overall"
    if plot is not None:
        lines = {name: [(date.fromisoformat(r["day"]), r["index"]) for r in series]}
        if pair:
            lines["overall"] = [(date.fromisoformat(r["day"]), r["index"]) for r in overall]
        _plotted(line_chart(plot, f"escalation index: {name}", lines, "index (+ = escalation)"))
    if as_json:
        _print_json({"pair": list(pair) if pair else None, "series": series, "top_pairs": pairs})
        return
    rows = [
        [r["day"], r["events"], r["index"], r["mean"], r["verbal_cooperation"],
         r["material_cooperation"], r["verbal_conflict"], r["material_conflict"]]
        for r in series
    ]  # fmt: skip
    _table(
        f"escalation index: {name}",
        ["day", "events", "index", "mean", "verb.coop", "mat.coop", "verb.confl", "mat.confl"],
        rows,
    )
    if pairs:
        _table(
            "pairs with the most escalation",
            ["actor", "target", "events", "index"],
            [[p["actor"], p["target"], p["events"], p["index"]] for p in pairs],
        )


# --- words vs deeds -----------------------------------------------------------------------------


def words_deeds(
    actor: Annotated[str, typer.Argument(help="Actor name or country (e.g. Russia, RUS).")],
    db: DbOption = Path("wirelens.duckdb"),
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
    plot: PlotOption = None,
) -> None:
    """What an actor said (verbal, claimed) against what it was reported to do, by day."""
    from ..corpus.plots import line_chart
    from ..corpus.words_deeds import words_vs_deeds

    _check_plot(plot)
    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    with _open(db) as store:
        rows = words_vs_deeds(store.con, actor, since_day, until_day)
    if plot is not None:
        lines = {
            "words": [(date.fromisoformat(r["day"]), r["words"]) for r in rows],
            "deeds": [(date.fromisoformat(r["day"]), r["deeds"]) for r in rows],
        }
        _plotted(line_chart(plot, f"words vs deeds: {actor}", lines, "Goldstein sum"))
    if as_json:
        _print_json({"actor": actor, "days": rows})
        return
    _table(
        f"words vs deeds: {actor}",
        ["day", "words", "n", "deeds", "n", "gap", "said", "did"],
        [
            [
                r["day"],
                r["words"],
                r["n_words"],
                r["deeds"],
                r["n_deeds"],
                r["gap"],
                "; ".join(r["said"])[:70],
                "; ".join(r["did"])[:70],
            ]
            for r in rows
        ],
    )
