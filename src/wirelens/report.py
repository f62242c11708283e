"""The terminal report of one Analysis (``wirelens analyze`` without ``--json``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import Analysis

STATUS_STYLES = {
    "asserted": "white",
    "hedged": "yellow",
    "alleged": "yellow",
    "unconfirmed": "dark_orange",
    "disputed": "red",
    "denied": "red",
    "unsupported": "magenta",
    "retracted": "bold red",
}


def _clip(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _header(analysis: Analysis) -> Panel:
    article = analysis.article
    lines = Text()
    lines.append(article.title or "(untitled)", style="bold")
    published = article.published or "unknown"
    if article.published and article.published_source != "given":
        published += f" ({article.published_source})"
    for label, value in (
        ("id", article.id),
        ("published", published),
        ("outlet", article.outlet),
        ("url", article.url),
        ("path", article.path),
        ("length", f"{len(article.text):,} characters"),
    ):
        if value:
            lines.append(f"\n{label:>10}  ", style="dim")
            lines.append(str(value))
    return Panel(lines, title="article", title_align="left")


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _actors(analysis: Analysis) -> Table:
    table = _table("actors", ["id", "name", "kind", "country", "sector", "roles", "mentions"])
    for actor in analysis.actors:
        roles = ", ".join(actor.roles)
        if actor.organization:
            roles = f"{roles} ({actor.organization})" if roles else actor.organization
        table.add_row(
            actor.id,
            actor.name,
            actor.kind,
            actor.country or "",
            actor.sector or "",
            roles,
            str(len(actor.mentions)),
        )
    return table


def _actor_name(analysis: Analysis, actor_id: str | None) -> str:
    actor = analysis.actor(actor_id)
    return actor.name if actor else ""


_NEGATOR = re.compile(r"\b(?:not|never|no)\b|n't", re.IGNORECASE)


def _quotes(analysis: Analysis) -> Table:
    table = _table("quotes", ["id", "kind", "source", "cue", "content", "channel / via"])
    for quote in analysis.quotes:
        source = ""
        if quote.source:
            resolved = _actor_name(analysis, quote.source.actor_id)
            source = quote.source.text + (f" → {resolved}" if resolved else "")
        cue = quote.cue.text if quote.cue else ""
        if quote.negated and not _NEGATOR.search(cue):
            cue = f"not {cue}"  # "did not say" already says so
        channel = " / ".join(x for x in (quote.channel, quote.via and f"via {quote.via}") if x)
        table.add_row(quote.id, quote.kind, source, cue, _clip(quote.content.text), channel)
    return table


def _claims(analysis: Analysis) -> Table:
    table = _table("claims", ["id", "who", "what", "status", "why", "check"])
    for claim in sorted(analysis.claims, key=lambda c: c.span):
        why = "; ".join(f"{e.relation}: “{_clip(e.text, 50)}”" for e in claim.evidence)
        style = STATUS_STYLES.get(claim.status, "white")
        table.add_row(
            claim.id,
            _actor_name(analysis, claim.source_actor_id) or "(article)",
            _clip(claim.text, 70),
            Text(claim.status, style=style),
            why,
            f"{claim.checkworthiness:.2f}",
        )
    return table


def _events(analysis: Analysis) -> Table:
    columns = ["id", "actor", "type", "target", "modality", "cameo", "goldstein", "date", "trigger"]
    table = _table("events", columns)
    for event in analysis.events:
        table.add_row(
            event.id,
            event.actor.text,
            event.type + (f" ({event.mode})" if event.mode else ""),
            event.target.text if event.target else "",
            event.modality,
            event.cameo,
            f"{event.goldstein:+.1f}",
            event.date or "",
            event.trigger.text,
        )
    return table


def _times(analysis: Analysis) -> Table:
    table = _table("times", ["text", "type", "value"])
    for time in analysis.times:
        table.add_row(time.text, time.type, time.value or "(unresolved)")
    return table


def _places(analysis: Analysis) -> Table:
    table = _table("places", ["id", "text", "name", "country", "lat, lon"])
    for place in analysis.places:
        located = place.lat is not None and place.lon is not None
        coords = f"{place.lat:.2f}, {place.lon:.2f}" if located else ""
        table.add_row(place.id, place.text, place.name, place.country or "", coords)
    return table


SECTIONS: list[tuple[str, Callable[[Analysis], Table]]] = [
    ("actors", _actors),
    ("quotes", _quotes),
    ("claims", _claims),
    ("events", _events),
    ("times", _times),
    ("places", _places),
]


def render(analysis: Analysis) -> RenderableType:
    """The whole report: header, then one section per record type (empty ones say so)."""
    parts: list[RenderableType] = [_header(analysis)]
    for name, section in SECTIONS:
        if getattr(analysis, name):
            parts.append(section(analysis))
        else:
            parts.append(Text(f"{name}: none found", style="dim"))
    return Group(*parts)


def print_report(analysis: Analysis, console: Console) -> None:
    console.print(render(analysis))
    console.print()
