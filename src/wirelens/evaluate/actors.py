"""Score actor and place records against the PLOVER gold-standard records (events/plover_gsr_cameo).

Each gold record is one news sentence whose event participants are coded by hand: the actor's
text, its country (ISO 3166-1 alpha-3, or ``IGO`` for an international organisation) and often
its PLOVER sector ("GOV", "MIL", "REB"; an ethnic or religious suffix such as ``CVLalb`` is cut
to its three-letter sector). A few records also name the event's location. The sentence goes
through the full pipeline once, and for every gold participant:

- **found**: some actor record has a mention overlapping the participant's text;
- **country**: that actor's ``country`` equals the gold code (three codes in the records that are
  not ISO 3166 alpha-3 are mapped: ITL, JAP, VTN); gold ``IGO`` counts as right when the actor's
  sector is one of PLOVER's international codes (IGO, UNO for UN bodies, EUR for EU bodies);
- **sector**: its ``sector`` equals the gold sector, over participants that have one.

Gold lists only the event's participants, so actors wirelens finds beyond them are not errors
and no precision is reported. Places: a gold location counts as found when a place record's text
or name contains it (or the reverse), case-insensitively.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Actor, Analysis, Article
from . import CorpusError

GSR_FILE = Path("plover_gsr_cameo") / "PLOVER_GSR_CAMEO.json"
IGO = "IGO"
# PLOVER's international non-state codes that wirelens keeps in ``sector``
INTERNATIONAL = frozenset({"IGO", "UNO", "EUR"})
# Country codes of the gold records that are not ISO 3166-1 alpha-3 (older CAMEO spellings).
LEGACY_CODES = {"ITL": "ITA", "JAP": "JPN", "VTN": "VNM"}


@dataclass(frozen=True)
class GoldActor:
    """A coded event participant located in its sentence."""

    text: str
    start: int
    end: int
    code: str
    sector: str | None


@dataclass
class GoldSentence:
    """One gold record: its sentence, participants and (if coded) event location."""

    id: str
    text: str
    actors: list[GoldActor] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)


def _locate(text: str, needle: str, taken: set[int]) -> int:
    """Start of the first occurrence of ``needle`` (case-insensitive) not already taken."""
    lower, target = text.lower(), needle.lower()
    start = lower.find(target)
    while start >= 0 and start in taken:
        start = lower.find(target, start + 1)
    return start


def read_gold(path: Path) -> list[GoldSentence]:
    """The gold records with text, from the JSON file or the events/ directory holding it."""
    if path.is_dir():
        path = path / GSR_FILE if (path / GSR_FILE).is_file() else path / GSR_FILE.name
    if not path.is_file():
        raise CorpusError(f"no PLOVER gold records at {path}")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise CorpusError(f"{path} is not JSON: {error}") from error
    if not isinstance(records, list):
        raise CorpusError(f"{path}: expected a JSON list of PLOVER records")
    out: list[GoldSentence] = []
    for n, rec in enumerate(records):
        text = rec.get("text") if isinstance(rec, dict) else None
        if not text:
            continue  # documentation records
        sent = GoldSentence(id=str(rec.get("id", n)), text=text)
        taken: set[int] = set()
        for side in ("source", "target"):
            participants = rec.get(side)
            if not isinstance(participants, list):
                continue  # "diplomatic", "": no actor coded
            for p in participants:
                name, code = p.get("actorText", "").strip(), p.get("code", "").strip()
                if not name or not code:
                    continue
                start = _locate(text, name, taken)
                if start < 0:
                    sent.unlocated.append(name)
                    continue
                taken.add(start)
                sector = (p.get("sector") or "")[:3].upper() or None
                code = LEGACY_CODES.get(code.upper(), code.upper())
                sent.actors.append(GoldActor(name, start, start + len(name), code, sector))
        loc = rec.get("eventLoc")
        if isinstance(loc, dict) and loc.get("name"):
            sent.places.append(loc["name"])
        out.append(sent)
    return out


def _covering_actor(analysis: Analysis, gold: GoldActor) -> Actor | None:
    """The actor with the largest mention overlap with ``gold``'s span, or None."""
    best: Actor | None = None
    best_overlap = 0
    for actor in analysis.actors:
        for start, end in actor.mentions:
            overlap = min(end, gold.end) - max(start, gold.start)
            if overlap > best_overlap:
                best, best_overlap = actor, overlap
    return best


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 0.0


def score_gold(path: Path) -> dict[str, Any]:
    """Found rate, country and sector accuracy of the actor records; place recall."""
    from ..pipeline import default_pipeline

    gold = read_gold(path)
    pipeline = default_pipeline()
    counts = {
        "sentences": len(gold),
        "actors": 0,
        "unlocated": 0,
        "found": 0,
        "country_gold": 0,
        "country_right": 0,
        "igo_gold": 0,
        "igo_right": 0,
        "sector_gold": 0,
        "sector_right": 0,
        "places": 0,
        "places_found": 0,
    }
    errors: list[dict[str, Any]] = []
    for sent in gold:
        analysis = pipeline.analyze(Article(id=sent.id, text=sent.text))
        counts["unlocated"] += len(sent.unlocated)
        for g in sent.actors:
            counts["actors"] += 1
            actor = _covering_actor(analysis, g)
            counts["found"] += actor is not None
            country = actor.country if actor is not None else None
            sector = actor.sector if actor is not None else None
            if g.code == IGO:
                counts["igo_gold"] += 1
                counts["igo_right"] += sector in INTERNATIONAL
            else:
                counts["country_gold"] += 1
                counts["country_right"] += country == g.code
            if g.sector:
                counts["sector_gold"] += 1
                counts["sector_right"] += sector == g.sector
            if actor is None or (
                country != g.code and not (g.code == IGO and sector in INTERNATIONAL)
            ):
                errors.append({"id": sent.id, "text": g.text, "gold": g.code, "predicted": country})
        for name in sent.places:
            counts["places"] += 1
            lowered = name.lower()
            counts["places_found"] += any(
                lowered in p.text.lower() or p.text.lower() in lowered or lowered in p.name.lower()
                for p in analysis.places
            )
    return {
        "counts": counts,
        "found": _ratio(counts["found"], counts["actors"]),
        "country_accuracy": _ratio(counts["country_right"], counts["country_gold"]),
        "igo_accuracy": _ratio(counts["igo_right"], counts["igo_gold"]),
        "sector_accuracy": _ratio(counts["sector_right"], counts["sector_gold"]),
        "place_recall": _ratio(counts["places_found"], counts["places"]),
        "country_errors": errors,
    }


def format_report(scores: dict[str, Any], errors_shown: int = 10) -> str:
    """Plain-text summary: one line per measure with its counts, then the first country errors."""
    c = scores["counts"]
    lines = [
        f"PLOVER gold records: {c['sentences']} sentences, {c['actors']} coded participants "
        f"located in their sentence ({c['unlocated']} not found in the text, not scored)",
        f"actor found        {scores['found']:.3f}  ({c['found']}/{c['actors']})",
        f"country (ISO3)     {scores['country_accuracy']:.3f}  "
        f"({c['country_right']}/{c['country_gold']}; a participant not found counts wrong)",
        f"international org  {scores['igo_accuracy']:.3f}  ({c['igo_right']}/{c['igo_gold']})",
        f"sector             {scores['sector_accuracy']:.3f}  "
        f"({c['sector_right']}/{c['sector_gold']} participants with a gold sector)",
        f"event place found  {scores['place_recall']:.3f}  ({c['places_found']}/{c['places']})",
    ]
    shown = scores["country_errors"][:errors_shown]
    if shown:
        lines.append("country errors (gold -> predicted):")
        lines.extend(f"  {e['text']!r}: {e['gold']} -> {e['predicted']}" for e in shown)
    return "\n".join(lines)
