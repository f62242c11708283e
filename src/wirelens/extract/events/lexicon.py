"""Event vocabulary tables: PLOVER types, CAMEO codes with Goldstein scores, trigger words.

The tables live in ``resources/events`` (see SOURCE.md there); this module only reads them, once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ...model import Quad

# The 16 event types wirelens emits: PLV's 15 root labels plus RETREAT (material withdrawals,
# releases, ceasefires), which PLV folds into YIELD and which the extractor assigns by rule.
PLV_TYPES = (
    "ACCUSE",
    "AGREE",
    "AID",
    "ASSAULT",
    "COERCE",
    "CONSULT",
    "COOPERATE",
    "MOBILIZE",
    "PROTEST",
    "REJECT",
    "REQUEST",
    "SANCTION",
    "SUPPORT",
    "THREATEN",
    "YIELD",
)
EVENT_TYPES = (*PLV_TYPES, "RETREAT")


@dataclass(frozen=True)
class CameoCode:
    """One row of ``cameo.tsv``."""

    code: str
    name: str
    goldstein: float
    quad: Quad
    plover: str | None


@dataclass(frozen=True)
class TypeInfo:
    """One row of ``types.tsv``: the quad class and default CAMEO code of a PLOVER type."""

    type: str
    quad: Quad
    cameo: str


@dataclass(frozen=True)
class Trigger:
    """One row of ``triggers.tsv``: a word or phrase that names an event of a type."""

    key: str
    type: str
    mode: str | None
    cameo: str


def _rows(name: str) -> list[list[str]]:
    text = resources.files("wirelens.resources.events").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.reader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, CameoCode]:
    """CAMEO code -> entry, for every code wirelens emits."""
    rows = _rows("cameo.tsv")[1:]  # first row is the header
    return {
        r[0]: CameoCode(r[0], r[1], float(r[2]), r[3], None if r[4] == "-" else r[4])  # type: ignore[arg-type]
        for r in rows
    }


@lru_cache(maxsize=1)
def type_info() -> dict[str, TypeInfo]:
    """PLOVER type -> quad class and default CAMEO code."""
    return {r[0]: TypeInfo(r[0], r[1], r[2]) for r in _rows("types.tsv")}  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def triggers() -> dict[str, Trigger]:
    """Trigger key (lemma, 'verb particle' or 'verb object') -> entry."""
    out: dict[str, Trigger] = {}
    for r in _rows("triggers.tsv"):
        r = r + [""] * (4 - len(r))
        out[r[0]] = Trigger(r[0], r[1], r[2] or None, r[3])
    return out


def code_for(event_type: str, trigger: Trigger | None = None) -> CameoCode:
    """An event's CAMEO code: the trigger's own if it names this type, else the default."""
    codes = cameo_codes()
    if trigger is not None and trigger.type == event_type and trigger.cameo in codes:
        return codes[trigger.cameo]
    return codes[type_info()[event_type].cameo]


@lru_cache(maxsize=1)
def codebook_lexicon() -> dict[str, dict[str, dict[str, float]]]:
    """``{"head"|"word": {lemma: {type: share}}}`` (codebook_lexicon.tsv; empty when absent).

    Vote shares of each lemma over the PLV types in the CAMEO/PLOVER codebook definitions, built by
    :mod:`.codebook` at training time.
    """
    out: dict[str, dict[str, dict[str, float]]] = {"head": {}, "word": {}}
    try:
        rows = _rows("codebook_lexicon.tsv")
    except FileNotFoundError:
        return out
    for role, lemma, event_type, share in rows:
        out.setdefault(role, {}).setdefault(lemma, {})[event_type] = float(share)
    return out
