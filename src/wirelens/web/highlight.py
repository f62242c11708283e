"""Inline highlighting of one article: its text cut into segments, each with the records over it.

Records overlap (a claim holds a quote, a quote holds a place), so the text is cut at every span
boundary and each segment lists every record covering it. The template renders a segment as one
``<span>`` whose classes show the innermost claim status, quote, event, time and place, and whose
``data-ann`` names the records whose details the tooltip shows. Details are prepared here as
(label, value) pairs so the browser only ever inserts them with ``textContent``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..model import Analysis

__all__ = ["Annotation", "Segment", "annotate", "segments"]


@dataclass
class Annotation:
    """One highlighted record: its span, CSS classes and tooltip details."""

    id: str  # "claim:C1", "quote:Q2:0" (one per content span), "event:E1", "time:T1", "place:P1:0"
    layer: str  # claim | quote | speaker | cue | event | time | place
    start: int
    end: int
    css: str
    title: str
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Segment:
    """A run of text covered by the same records (``annotations`` empty for plain text)."""

    text: str
    start: int
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def css(self) -> str:
        """The innermost (shortest) record of each layer sets that layer's classes."""
        chosen: dict[str, Annotation] = {}
        for ann in self.annotations:
            best = chosen.get(ann.layer)
            if best is None or ann.end - ann.start < best.end - best.start:
                chosen[ann.layer] = ann
        return " ".join(["hl", *(a.css for a in chosen.values())])

    @property
    def ids(self) -> str:
        return " ".join(a.id for a in self.annotations)

    @property
    def opens(self) -> bool:
        """True when a record starts here: such segments take keyboard focus."""
        return any(a.start == self.start for a in self.annotations)


def _actor_name(analysis: Analysis, actor_id: str | None) -> str | None:
    actor = analysis.actor(actor_id)
    if actor is None:
        return None
    roles = ", ".join(actor.roles)
    return f"{actor.name} ({roles})" if roles else actor.name


def _add(details: list[tuple[str, str]], label: str, value: object) -> None:
    if value not in (None, "", []):
        details.append((label, str(value)))


def annotate(analysis: Analysis) -> list[Annotation]:
    """Every highlightable record of ``analysis`` with its tooltip details."""
    out: list[Annotation] = []
    quotes = {q.id: q for q in analysis.quotes}
    places = {p.id: p for p in analysis.places}
    for claim in analysis.claims:
        details: list[tuple[str, str]] = []
        _add(details, "status", claim.status)
        _add(details, "source", _actor_name(analysis, claim.source_actor_id))
        quote = quotes.get(claim.quote_id or "")
        if quote is not None:
            _add(details, "speaker", quote.source.text if quote.source else None)
            _add(details, "cue", quote.cue.text if quote.cue else None)
            _add(details, "channel", quote.channel)
        for ev in claim.evidence:
            by = _actor_name(analysis, ev.by_actor_id)
            _add(details, f"evidence ({ev.relation})", f"“{ev.text}”" + (f" — {by}" if by else ""))
        _add(details, "check-worthiness", f"{claim.checkworthiness:.2f}")
        _add(details, "date", claim.date)
        out.append(
            Annotation(
                f"claim:{claim.id}", "claim", claim.span[0], claim.span[1],
                f"claim status-{claim.status}", f"Claim {claim.id} — {claim.status}", details,
            )
        )  # fmt: skip
    for quote in analysis.quotes:
        details = []
        speaker = _actor_name(analysis, quote.source.actor_id) if quote.source else None
        _add(details, "speaker", speaker or (quote.source.text if quote.source else None))
        _add(details, "cue", quote.cue.text if quote.cue else None)
        _add(details, "channel", quote.channel)
        _add(details, "via", quote.via)
        _add(details, "negated", "yes" if quote.negated else None)
        _add(details, "date", quote.date)
        title = f"{quote.kind.capitalize()} quote {quote.id}"
        for i, (start, end) in enumerate(quote.content.spans):
            out.append(
                Annotation(f"quote:{quote.id}:{i}", "quote", start, end,
                           f"quote kind-{quote.kind}", title, details)
            )  # fmt: skip
        if quote.source is not None:
            out.append(
                Annotation(f"speaker:{quote.id}", "speaker", quote.source.start, quote.source.end,
                           "speaker", f"Speaker of {quote.id}", details)
            )  # fmt: skip
        if quote.cue is not None:
            out.append(
                Annotation(f"cue:{quote.id}", "cue", quote.cue.start, quote.cue.end, "cue",
                           f"Cue of {quote.id}", details)
            )  # fmt: skip
    for event in analysis.events:
        details = []
        _add(details, "actor", _actor_name(analysis, event.actor.actor_id) or event.actor.text)
        if event.target is not None:
            _add(
                details, "target",
                _actor_name(analysis, event.target.actor_id) or event.target.text,
            )  # fmt: skip
        _add(details, "CAMEO", event.cameo)
        _add(details, "Goldstein", f"{event.goldstein:+.1f}")
        _add(details, "quad", event.quad.replace("_", " "))
        _add(details, "modality", event.modality)
        _add(details, "date", event.date)
        place = places.get(event.place_id or "")
        _add(details, "place", place.name if place else None)
        if event.quantity is not None:
            _add(details, "quantity", f"{event.quantity.value:g} {event.quantity.unit}")
        out.append(
            Annotation(
                f"event:{event.id}", "event", event.trigger.start, event.trigger.end,
                f"event quad-{event.quad}", f"Event {event.id}: {event.type}", details,
            )
        )  # fmt: skip
    for i, time in enumerate(analysis.times, 1):
        out.append(
            Annotation(
                f"time:T{i}", "time", time.start, time.end, "time", f"Time ({time.type})",
                [("value", time.value or "unresolved")],
            )
        )  # fmt: skip
    for i, place in enumerate(analysis.places):
        details = []
        _add(details, "name", place.name)
        _add(details, "country", place.country)
        if place.lat is not None and place.lon is not None:
            _add(details, "coordinates", f"{place.lat:.3f}, {place.lon:.3f}")
        _add(details, "GeoNames", place.geonameid)
        out.append(
            Annotation(f"place:{place.id}:{i}", "place", place.start, place.end, "place",
                       f"Place {place.id}", details)
        )  # fmt: skip
    text_length = len(analysis.article.text)
    return [a for a in out if 0 <= a.start < a.end <= text_length]


def segments(analysis: Analysis, anns: list[Annotation] | None = None) -> list[Segment]:
    """The article text cut at every annotation boundary; concatenated, the texts give it back."""
    text = analysis.article.text
    anns = annotate(analysis) if anns is None else anns
    cuts = sorted({0, len(text), *(a.start for a in anns), *(a.end for a in anns)})
    # Sweep: annotations sorted by start enter the active set, leave it at their end.
    by_start = sorted(anns, key=lambda a: a.start)
    active: list[Annotation] = []
    nxt = 0
    out: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        while nxt < len(by_start) and by_start[nxt].start <= start:
            active.append(by_start[nxt])
            nxt += 1
        active = [a for a in active if a.end > start]
        out.append(Segment(text[start:end], start, list(active)))
    return out
