"""Score the time extractor on TimeML documents the way TempEval-3 Task A does.

A directory of ``.tml`` files (e.g. ``../shared/data/time-normalization/te3-platinum``) is read
into raw text plus gold TIMEX3 offsets, each text is parsed once with the wirelens spaCy pipeline,
``extract_times`` runs with ``published`` set to the document creation time (DCT), and predicted
spans are compared with gold ones:

- span P/R/F1 *strict* (exact offsets) and *relaxed* (any overlap, one-to-one);
- type accuracy over relaxed-matched pairs;
- value F1 as in TempEval-3: value P = correct values / predicted timexes,
  value R = correct values / gold timexes, counted over relaxed-matched pairs.

The DCT TIMEX3 (``functionInDocument="CREATION_TIME"``) is not part of the gold set.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..model import Analysis, Article, Time
from . import CorpusError


@dataclass
class GoldTimex:
    """One gold TIMEX3 with its offsets in the raw document text."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class TimeMLDocument:
    """The raw text of a TimeML ``<TEXT>`` element, its DCT and its gold TIMEX3."""

    name: str
    text: str
    dct: str | None
    timexes: list[GoldTimex] = field(default_factory=list)


def read_timeml(path: Path) -> TimeMLDocument:
    """Read one ``.tml`` file: strip the tags of ``<TEXT>``, keeping gold TIMEX3 offsets."""
    root = ET.parse(path).getroot()
    dct: str | None = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = (timex.get("value") or "")[:10] or None
            break
    text_el = root.find("TEXT")
    doc = TimeMLDocument(name=path.stem, text="", dct=dct)
    if text_el is None:
        return doc
    parts: list[str] = []
    offset = 0

    def walk(el: ET.Element) -> None:
        # Depth-first over the mixed content: element text, children, then each child's tail.
        nonlocal offset
        start = offset
        if el.text:
            parts.append(el.text)
            offset += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                offset += len(child.tail)
        if el.tag == "TIMEX3" and el.get("functionInDocument") != "CREATION_TIME":
            covered = "".join(parts)[start:offset]
            doc.timexes.append(
                GoldTimex(start, offset, covered, el.get("type", ""), el.get("value", ""))
            )

    walk(text_el)
    doc.text = "".join(parts)
    return doc


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"p": p, "r": r, "f1": _f1(p, r)}


def match_counts(gold: list[GoldTimex], predicted: list[Time]) -> dict[str, int]:
    """Raw counts for one document (the numbers every score below is computed from).

    Relaxed matching is one-to-one: each gold timex pairs with the first unused prediction that
    overlaps it, preferring an exact-span prediction when there is one.
    """
    strict = sum(1 for g in gold if any(p.start == g.start and p.end == g.end for p in predicted))
    used: set[int] = set()
    relaxed = type_ok = value_ok = 0
    for g in gold:
        candidates = [
            i
            for i, p in enumerate(predicted)
            if i not in used and _overlap((p.start, p.end), (g.start, g.end))
        ]
        if not candidates:
            continue
        exact = [
            i for i in candidates if (predicted[i].start, predicted[i].end) == (g.start, g.end)
        ]
        i = (exact or candidates)[0]
        used.add(i)
        relaxed += 1
        type_ok += predicted[i].type == g.type
        value_ok += (predicted[i].value or "") == g.value
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "strict": strict,
        "relaxed": relaxed,
        "type": type_ok,
        "value": value_ok,
    }


def scores_from_counts(c: dict[str, int]) -> dict[str, Any]:
    """P/R/F1 for strict and relaxed spans, value F1 and type accuracy from raw counts."""
    return {
        "counts": dict(c),
        "strict": _prf(c["strict"], c["predicted"], c["gold"]),
        "relaxed": _prf(c["relaxed"], c["predicted"], c["gold"]),
        "value": _prf(c["value"], c["predicted"], c["gold"]),
        "type_accuracy": c["type"] / c["relaxed"] if c["relaxed"] else 0.0,
    }


def predict(doc: TimeMLDocument, nlp: Language | None = None) -> list[Time]:
    """Run the wirelens parse and ``extract_times`` with ``published`` = the DCT."""
    from ..extract.times import extract_times

    if nlp is None:
        from ..pipeline import load_nlp

        nlp = load_nlp()
    article = Article(
        id=doc.name,
        text=doc.text,
        published=doc.dct,
        published_source="given" if doc.dct else "unknown",
    )
    analysis = Analysis(article=article)
    extract_times(nlp(doc.text), analysis)
    return analysis.times


def score_documents(docs: list[TimeMLDocument], nlp: Language | None = None) -> dict[str, Any]:
    """Per-document and micro-averaged scores (plus the predictions, for error analysis)."""
    per_doc: dict[str, Any] = {}
    total = dict.fromkeys(("gold", "predicted", "strict", "relaxed", "type", "value"), 0)
    errors: list[dict[str, Any]] = []
    for doc in docs:
        predicted = predict(doc, nlp)
        counts = match_counts(doc.timexes, predicted)
        per_doc[doc.name] = scores_from_counts(counts)
        for key, n in counts.items():
            total[key] += n
        errors.extend(_errors(doc, predicted))
    return {"documents": per_doc, "micro": scores_from_counts(total), "errors": errors}


def _errors(doc: TimeMLDocument, predicted: list[Time]) -> list[dict[str, Any]]:
    """Gold/predicted pairs that disagree (missed, spurious or wrong value), for tuning."""
    out: list[dict[str, Any]] = []
    matched: set[int] = set()
    for g in doc.timexes:
        hit = next(
            (
                i
                for i, p in enumerate(predicted)
                if i not in matched and _overlap((p.start, p.end), (g.start, g.end))
            ),
            None,
        )
        if hit is None:
            out.append({"doc": doc.name, "kind": "missed", "gold": g.text, "value": g.value})
            continue
        matched.add(hit)
        p = predicted[hit]
        if p.value != g.value or p.type != g.type:
            out.append(
                {
                    "doc": doc.name,
                    "kind": "wrong",
                    "gold": f"{g.text} {g.type} {g.value}",
                    "predicted": f"{p.text} {p.type} {p.value}",
                }
            )
    for i, p in enumerate(predicted):
        if i not in matched:
            out.append({"doc": doc.name, "kind": "spurious", "predicted": f"{p.text} {p.value}"})
    return out


def score_directory(path: Path, nlp: Language | None = None) -> dict[str, Any]:
    """Score every ``*.tml`` file under ``path`` (TempEval-3 Task A measures)."""
    docs = [read_timeml(p) for p in sorted(Path(path).glob("*.tml"))]
    if not docs:
        raise CorpusError(f"no TimeML .tml files in {path}")
    return score_documents(docs, nlp)


def format_report(scores: dict[str, Any]) -> str:
    """A plain-text table: one row per document and a micro-average row."""
    header = (
        f"{'document':<34} {'gold':>4} {'pred':>4}  {'strict P/R/F1':>17}  "
        f"{'relaxed P/R/F1':>17}  {'type':>5}  {'value P/R/F1':>17}"
    )
    lines = [header, "-" * len(header)]

    def row(name: str, s: dict[str, Any]) -> str:
        def trio(d: dict[str, float]) -> str:
            return f"{d['p']:.3f}/{d['r']:.3f}/{d['f1']:.3f}"

        c = s["counts"]
        return (
            f"{name:<34} {c['gold']:>4} {c['predicted']:>4}  {trio(s['strict']):>17}  "
            f"{trio(s['relaxed']):>17}  {s['type_accuracy']:>5.3f}  {trio(s['value']):>17}"
        )

    for name, s in scores["documents"].items():
        lines.append(row(name, s))
    lines.append("-" * len(header))
    lines.append(row("micro-average", scores["micro"]))
    return "\n".join(lines)
