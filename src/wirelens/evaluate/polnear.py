"""Score quote attribution against a PolNeAR-format directory (BRAT standoff).

A PolNeAR directory holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``. In the
``.ann`` files, ``T`` lines are spans (``T3<TAB>Content 0 5;10 20<TAB>text`` — discontinuous spans
are ``;``-separated) and ``E`` lines link them into one attribution
(``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1 Content2:T13``). When several annotators
annotated the same article, the first annotation file (sorted by name) is used.

Scores (precision, recall, F1) for content, source and cue:

- overlap: a predicted span set matches a gold span set it overlaps, one-to-one, largest overlap
  first;
- exact: same characters after ignoring quotation marks, spaces and punctuation;
- all: one predicted attribution whose content, source and cue all match the same gold
  attribution (gold without a source needs a prediction without one).

:func:`score_agreement` puts those figures in proportion: on the articles that several annotators
annotated, it scores every annotator against every other one with the same matching (how far two
trained humans agree) and wirelens against each of them.

Usage::

    from wirelens.evaluate.polnear import score_directory, format_report
    print(format_report(score_directory(Path("../shared/data/polnear/data/dev"))))
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any

from ..model import Analysis, Article
from ..pipeline import Extractor, Pipeline, load_nlp
from . import CorpusError

Span = tuple[int, int]
Spans = tuple[Span, ...]
FIELDS = ("content", "source", "cue")


@dataclass
class Attribution:
    """One attribution as span sets (``None`` when the role is absent)."""

    content: Spans | None = None
    source: Spans | None = None
    cue: Spans | None = None

    def get(self, name: str) -> Spans | None:
        value: Spans | None = getattr(self, name)
        return value


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    def as_dict(self) -> dict[str, float]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "pred": self.pred,
                "gold": self.gold}  # fmt: skip


@dataclass
class Tally:
    """Counts per matching mode and field."""

    counts: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {
            mode: {f: Counts() for f in (*FIELDS, "all")} for mode in ("overlap", "exact")
        }
    )

    def add(self, other: Tally) -> None:
        for mode, fields in other.counts.items():
            for name, c in fields.items():
                self.counts[mode][name].add(c)


# ---------------------------------------------------------------------------------------- reading

_SPAN_RE = re.compile(r"(\d+) (\d+)")


def parse_ann(text: str) -> list[Attribution]:
    """Attributions of one BRAT ``.ann`` file (content/source/cue span sets)."""
    spans: dict[str, Spans] = {}
    out: list[Attribution] = []
    events: list[str] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            _label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = tuple(
                (int(s), int(e)) for s, e in _SPAN_RE.findall(offsets) if int(e) > int(s)
            )
        elif parts[0].startswith("E"):
            events.append(parts[1])
    for event in events:
        att = Attribution()
        for arg in event.split():
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789").lower()
            if role not in FIELDS or tid not in spans or not spans[tid]:
                continue
            merged = tuple(sorted((att.get(role) or ()) + spans[tid]))
            setattr(att, role, merged)
        if att.content is not None or att.cue is not None:
            out.append(att)
    return out


def _annotation_files(path: Path) -> dict[str, list[Path]]:
    """Article name -> its annotation files (``NAME_ANNOTATOR.ann``), sorted by name."""
    anns: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted((path / "attributions").glob("*.ann")):
        anns[ann.stem.rsplit("_", 1)[0]].append(ann)
    return anns


def read_directory(
    path: Path, limit: int | None = None
) -> list[tuple[str, str, list[Attribution]]]:
    """(name, text, gold attributions of the first annotator) per article, sorted by name."""
    return [
        (name, text, per_annotator[0])
        for name, text, per_annotator in read_annotations(path, limit=limit)
    ]


def read_annotations(
    path: Path, limit: int | None = None, min_annotators: int = 1
) -> list[tuple[str, str, list[list[Attribution]]]]:
    """(name, text, one attribution list per annotation file) per article with at least
    ``min_annotators`` annotation files, sorted by name."""
    anns = _annotation_files(path)
    docs = []
    for txt in sorted((path / "text").glob("*.txt")):
        files = anns.get(txt.stem, [])
        if len(files) < max(min_annotators, 1):
            continue
        per_annotator = [parse_ann(f.read_text(encoding="utf-8")) for f in files]
        docs.append((txt.stem, txt.read_text(encoding="utf-8"), per_annotator))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def predicted(analysis: Analysis) -> list[Attribution]:
    """The pipeline's quotes as span sets."""
    out = []
    for q in analysis.quotes:
        out.append(
            Attribution(
                content=tuple(sorted(q.content.spans)) or None,
                source=((q.source.start, q.source.end),) if q.source else None,
                cue=((q.cue.start, q.cue.end),) if q.cue else None,
            )
        )
    return out


# --------------------------------------------------------------------------------------- matching

_IGNORED = re.compile(r"[\W_]", re.UNICODE)


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _signature(text: str, spans: Spans) -> frozenset[int]:
    """Offsets of the word characters in ``spans`` (quotes, spaces, punctuation ignored)."""
    return frozenset(i for s, e in spans for i in range(s, e) if not _IGNORED.match(text[i]))


def match(pred: Sequence[Spans], gold: Sequence[Spans]) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs by overlap, largest overlap first."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            ov = _overlap(p, g)
            if ov > 0:
                pairs.append((ov, i, j))
    return _one_to_one(pairs)


def _one_to_one(pairs: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """From (overlap, pred index, gold index) candidates: each index used once, largest overlap
    first, ties by index."""
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def _exact_match(text: str, pred: list[Spans], gold: list[Spans]) -> int:
    gold_sigs: dict[frozenset[int], int] = {}
    for g in gold:
        sig = _signature(text, g)
        gold_sigs[sig] = gold_sigs.get(sig, 0) + 1
    tp = 0
    for p in pred:
        sig = _signature(text, p)
        if gold_sigs.get(sig, 0) > 0:
            gold_sigs[sig] -= 1
            tp += 1
    return tp


def _role_ok(text: str, p: Spans | None, g: Spans | None, exact: bool) -> bool:
    if p is None or g is None:
        return p is None and g is None
    if exact:
        return _signature(text, p) == _signature(text, g)
    return _overlap(p, g) > 0


def score_document(text: str, pred: list[Attribution], gold: list[Attribution]) -> Tally:
    """Counts for one article."""
    tally = Tally()
    for name in FIELDS:
        p_spans = [s for s in (a.get(name) for a in pred) if s]
        g_spans = [s for s in (a.get(name) for a in gold) if s]
        for mode in ("overlap", "exact"):
            c = tally.counts[mode][name]
            c.pred += len(p_spans)
            c.gold += len(g_spans)
        tally.counts["overlap"][name].tp += len(match(p_spans, g_spans))
        tally.counts["exact"][name].tp += _exact_match(text, p_spans, g_spans)
    for mode in ("overlap", "exact"):
        c = tally.counts[mode]["all"]
        c.tp += len(all_three_matches(text, pred, gold, exact=mode == "exact"))
        c.pred += len(pred)
        c.gold += len(gold)
    return tally


def all_three_matches(
    text: str, pred: list[Attribution], gold: list[Attribution], exact: bool
) -> list[tuple[int, int]]:
    """(prediction, gold) index pairs matched on content, source and cue at once: one-to-one,
    largest content overlap first."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if all(_role_ok(text, p.get(f), g.get(f), exact) for f in FIELDS):
                pairs.append((_overlap(p.content or (), g.content or ()), i, j))
    return _one_to_one(pairs)


# ---------------------------------------------------------------------------------------- running


def default_extractors() -> list[tuple[str, Extractor]]:
    """Actors then quotes: what the quotes stage reads in the real pipeline."""
    from ..extract.actors import extract_actors
    from ..extract.quotes import extract_quotes

    return [("actors", extract_actors), ("quotes", extract_quotes)]


def score_directory(
    path: Path,
    limit: int | None = None,
    extractors: list[tuple[str, Extractor]] | None = None,
    batch_size: int = 16,
) -> dict[str, Any]:
    """Run the pipeline over a PolNeAR directory and score its quotes against the gold."""
    docs = read_directory(Path(path), limit)
    if not docs:
        raise CorpusError(f"no PolNeAR documents (text/*.txt with attributions/*.ann) in {path}")
    pipeline = _pipeline(extractors)
    total = Tally()
    started = time.perf_counter()
    n = 0
    for (_, text, gold), pred in zip(docs, _predictions(pipeline, docs, batch_size), strict=True):
        total.add(score_document(text, pred, gold))
        n += 1
    elapsed = time.perf_counter() - started
    extract_time = sum(pipeline.timings.values())
    result: dict[str, Any] = {
        mode: {name: c.as_dict() for name, c in fields.items()}
        for mode, fields in total.counts.items()
    }
    result.update(
        docs=n,
        seconds=elapsed,
        docs_per_s=n / elapsed if elapsed else 0.0,
        timings={**pipeline.timings, "parse": max(elapsed - extract_time, 0.0)},
    )
    return result


def score_agreement(
    path: Path,
    limit: int | None = None,
    extractors: list[tuple[str, Extractor]] | None = None,
    batch_size: int = 16,
) -> dict[str, Any]:
    """On the articles of a PolNeAR directory that several annotators annotated: every annotator
    scored against every other (``human``, all ordered pairs, so precision equals recall) and
    wirelens scored against each annotator (``system``), with :func:`score_document`."""
    docs = read_annotations(Path(path), limit, min_annotators=2)
    if not docs:
        raise CorpusError(f"no article in {path} has more than one annotation file")
    human, system = Tally(), Tally()
    pairs = 0
    for _, text, per_annotator in docs:
        for gold, other in permutations(per_annotator, 2):
            human.add(score_document(text, other, gold))
            pairs += 1
    predictions = _predictions(_pipeline(extractors), docs, batch_size)
    for (_, text, per_annotator), pred in zip(docs, predictions, strict=True):
        for gold in per_annotator:
            system.add(score_document(text, pred, gold))
    return {
        "docs": len(docs),
        "annotations": sum(len(a) for _, _, a in docs),
        "pairs": pairs,
        **{
            who: {
                mode: {name: c.as_dict() for name, c in fields.items()}
                for mode, fields in tally.counts.items()
            }
            for who, tally in (("human", human), ("system", system))
        },
    }


def format_agreement_report(scores: dict[str, Any]) -> str:
    """Annotators against each other beside wirelens against the annotators (F1)."""
    lines = [
        f"{scores['docs']} articles with several annotators, {scores['annotations']} annotations, "
        f"{scores['pairs']} ordered annotator pairs",
        f"{'field':<8} {'annotators (overlap/exact F1)':>30} {'wirelens (overlap/exact F1)':>30}",
    ]
    for name in (*FIELDS, "all"):
        cells = [
            f"{scores[who]['overlap'][name]['f1']:.3f} / {scores[who]['exact'][name]['f1']:.3f}"
            for who in ("human", "system")
        ]
        lines.append(f"{name:<8} {cells[0]:>30} {cells[1]:>30}")
    return "\n".join(lines)


def _pipeline(extractors: list[tuple[str, Extractor]] | None) -> Pipeline:
    return Pipeline(nlp=load_nlp(), extractors=extractors or default_extractors())


def _predictions(
    pipeline: Pipeline, docs: Sequence[tuple[str, str, object]], batch_size: int
) -> Iterator[list[Attribution]]:
    """The pipeline's attributions for each (name, text, gold) article, in order."""
    articles = (Article(id=name, text=text) for name, text, _ in docs)
    for analysis in pipeline.analyze_many(articles, batch_size=batch_size):
        yield predicted(analysis)


def format_report(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores."""
    lines = [
        f"{'mode':<8} {'field':<8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}"
    ]
    for mode in ("overlap", "exact"):
        for name in (*FIELDS, "all"):
            c = scores[mode][name]
            lines.append(
                f"{mode:<8} {name:<8} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} "
                f"{c['tp']:6d} {c['pred']:6d} {c['gold']:6d}"
            )
    timings = scores.get("timings", {})
    parse = timings.get("parse", 0.0)
    quotes = timings.get("quotes", 0.0)
    share = f" (quotes = {100 * quotes / parse:.1f}% of parse time)" if parse else ""
    lines.append(f"{scores['docs']} docs in {scores['seconds']:.1f}s: "
                 f"{scores['docs_per_s']:.2f} docs/s{share}")  # fmt: skip
    return "\n".join(lines)
