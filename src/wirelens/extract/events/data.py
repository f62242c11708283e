"""Readers for the event-type training data in ../shared/data/events (read in place, never copied).

PLV_train.tsv marks the source and target in each sentence with ``<s>..</s>`` and ``<t>..</t>``;
the PLOVER gold-standard records name their actors by text. Both become :class:`PairExample`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ...model import Quad

PENTA_QUAD: dict[str, Quad] = {
    "1": "verbal_cooperation",
    "2": "material_cooperation",
    "3": "verbal_conflict",
    "4": "material_conflict",
}
# 2016 PLOVER names in the gold-standard records -> PLV's 15 root labels (RETREAT and CONCEDE are
# both YIELD in PLV, which follows CAMEO's root 08).
GSR_TO_PLV = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
    "CONCEDE": "YIELD",
    "RETREAT": "YIELD",
}
_MARK = re.compile(r"</?[st]>")


@dataclass(frozen=True)
class PairExample:
    """A sentence with a source span, an optional target span and a gold label."""

    text: str
    source: tuple[int, int]
    target: tuple[int, int] | None
    label: str
    quad: Quad | None = None


def unmark(marked: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """Strip ``<s>``/``<t>`` marks; return the text and the character span of each mark."""
    out: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    opened: dict[str, int] = {}
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        piece = marked[pos : m.start()]
        out.append(piece)
        length += len(piece)
        tag = m.group()
        name = tag.strip("</>")
        if tag.startswith("</"):
            if name in opened:
                spans[name] = (opened.pop(name), length)
        else:
            opened[name] = length
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_plv(path: Path) -> list[PairExample]:
    """PLV_train.tsv (or a file with the same columns) as examples; rows with no mark skipped."""
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            text, spans = unmark(row["marked_sentence"])
            source = _strip(text, spans["s"]) if "s" in spans else (0, 0)
            target = _strip(text, spans["t"]) if "t" in spans else None
            if target is not None and target[0] == target[1]:
                target = None
            if source[0] == source[1]:
                if target is None:
                    continue
                # an implicit source ("were ordered to suspend"): code the act around the target
                source, target = target, None
            examples.append(
                PairExample(
                    text=text,
                    source=source,
                    target=target,
                    label=row["gold_root"].strip(),
                    quad=PENTA_QUAD.get(row["gold_penta"].strip()),
                )
            )
    return examples


def _actor_texts(field: object) -> list[str]:
    if isinstance(field, list):
        return [a["actorText"] for a in field if isinstance(a, dict) and a.get("actorText")]
    return []


def read_gsr(path: Path) -> list[PairExample]:
    """PLOVER_GSR_CAMEO.json records whose source (and target, if any) occur in the text."""
    records = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for rec in records:
        event = rec.get("event", "DOCUMENT")
        if event == "DOCUMENT" or "text" not in rec:
            continue
        text = rec["text"]
        label = GSR_TO_PLV.get(event, event)
        sources = [t for t in _actor_texts(rec.get("source")) if t in text]
        targets = [t for t in _actor_texts(rec.get("target")) if t in text]
        if not sources:
            continue
        s = text.index(sources[0])
        source = (s, s + len(sources[0]))
        target = None
        if targets and targets[0] != sources[0]:
            t = text.index(targets[0])
            target = (t, t + len(targets[0]))
        examples.append(PairExample(text, source, target, label))
    return examples
