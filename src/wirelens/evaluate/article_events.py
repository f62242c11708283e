"""Score the events ``wirelens analyze`` records in whole articles against hand-annotated events.

``wirelens eval events`` scores the type decision on PLV's pairs, where the source and target are
given. Articles are harder: the extractor finds its own pairs and triggers, and speech acts come
from quotes. There is no public gold for that, so the events the extractor made were annotated
by hand, blind to the type it gave them, in three sets (``resources/events/``):

- ``article_gold_crisis2022.jsonl`` (dev): crisis-2022's 157 official texts; every event with a
  target (245) and a random 110 of those without (seed 7). The extractor's rules were reviewed
  against this set.
- ``article_gold_polnear_train.jsonl`` (dev): PolNeAR train articles (2016 US political news):
  from the first 150, a random 60 events with a target and 90 without (seed 11); from the next
  150, 40 and 100 (seed 13); each batch annotated after the rule changes before it, and reviewed
  like crisis-2022.
- ``article_gold_polnear_dev.jsonl`` (held out): PolNeAR's 84 dev articles; every event with a
  target (73) and a random 110 without (seed 7), annotated before any rule change; and a random
  100 more without a target (seed 17, ``"batch": 2``) from the events the final session-7
  extractor made that were not yet annotated, annotated after the last rule change. Not
  reviewed for rules.

The PolNeAR files hold offsets and labels only (no text: PolNeAR may not be redistributed); their
texts are read from ../shared/data.

Each annotated event is keyed by its document and the start of its source, target and trigger,
and carries:

- ``event``: false when it is no political act of the source (the source does not do it, "we're
  talking about a Senate...", "contributed reporting"): scored as not an event;
- ``types``: the PLOVER types the act can take (one, or several where PLOVER allows more than one
  reading, e.g. a pledge of aid is AGREE or AID);
- ``target_ok``: whether the target is the one the act is aimed at ("Biden reiterated the US would
  respond to Russian aggression against Ukraine": ``Ukraine`` is not).

The type is the act the trigger names, done by the source, whatever the target: a wrong target
is counted on its own line. Scores are over the annotated events the extractor still makes (a
changed extractor may drop some or make new ones; both are counted).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Analysis, Article, Event
from . import CorpusError

CRISIS_GOLD = "article_gold_crisis2022.jsonl"
POLNEAR_TRAIN_GOLD = "article_gold_polnear_train.jsonl"
POLNEAR_GOLD = "article_gold_polnear_dev.jsonl"
CRISIS_ARTICLES = Path("crisis-2022") / "articles.jsonl"
POLNEAR_TEXT = Path("polnear") / "data"
# gold set -> (gold file, its role)
SETS = {
    "crisis-2022": (CRISIS_GOLD, "dev"),
    "polnear-train": (POLNEAR_TRAIN_GOLD, "dev"),
    "polnear-dev": (POLNEAR_GOLD, "held out"),
}

Key = tuple[str, int, int | None, int]


@dataclass(frozen=True)
class GoldEvent:
    """One annotated event of the extractor: where it is, and what it should have been."""

    doc: str
    actor: tuple[int, int]
    target: tuple[int, int] | None
    trigger: tuple[int, int]
    event: bool
    types: frozenset[str]
    target_ok: bool | None

    @property
    def key(self) -> Key:
        return (self.doc, self.actor[0], self.target[0] if self.target else None, self.trigger[0])


def event_key(doc: str, ev: Event) -> Key:
    return (doc, ev.actor.start, ev.target.start if ev.target else None, ev.trigger.start)


def read_gold(lines: Iterable[str]) -> list[GoldEvent]:
    """The annotated events of a gold file's JSON lines."""
    out: list[GoldEvent] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            target = row["target"]
            out.append(
                GoldEvent(
                    doc=row["doc"],
                    actor=(row["actor"][0], row["actor"][1]),
                    target=(target[0], target[1]) if target else None,
                    trigger=(row["trigger"][0], row["trigger"][1]),
                    event=bool(row["event"]),
                    types=frozenset(row.get("types", ())),
                    target_ok=row.get("target_ok"),
                )
            )
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise CorpusError(f"gold line {n} is malformed: {error}") from error
    return out


def shipped_gold(name: str) -> list[GoldEvent]:
    text = resources.files("wirelens.resources.events").joinpath(name).read_text("utf-8")
    return read_gold(text.splitlines())


def crisis_articles(data: Path) -> list[Article]:
    """crisis-2022's texts (``data``/crisis-2022/articles.jsonl), with their ids."""
    path = data / CRISIS_ARTICLES
    if not path.is_file():
        raise CorpusError(f"crisis-2022 articles not found at {path}")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Article(id=row["id"], text=row["text"], published=row.get("published")))
    return out


def polnear_articles(data: Path, split: str, docs: set[str]) -> list[Article]:
    """The PolNeAR texts of ``split`` the gold names (``data``/polnear/data/``split``/text)."""
    directory = data / POLNEAR_TEXT / split / "text"
    if not directory.is_dir():
        raise CorpusError(f"PolNeAR {split} texts not found at {directory}")
    missing = sorted(d for d in docs if not (directory / d).is_file())
    if missing:
        raise CorpusError(f"{len(missing)} PolNeAR {split} texts missing, e.g. {missing[0]}")
    return [Article(id=d, text=(directory / d).read_text(encoding="utf-8")) for d in sorted(docs)]


def _ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


def _stratum(gold: list[GoldEvent], made: dict[Key, Event]) -> dict[str, Any]:
    from ..extract.events.lexicon import type_info

    quads = {name: t.quad for name, t in type_info().items()}
    c = dict.fromkeys(
        ("annotated", "not_events", "not_events_made", "typed", "found", "right", "quad_right"), 0
    )
    c.update(target_judged=0, target_right=0)
    mistakes: list[dict[str, Any]] = []
    for g in gold:
        c["annotated"] += 1
        ev = made.get(g.key)
        if not g.event:
            c["not_events"] += 1
            c["not_events_made"] += ev is not None
            continue
        c["typed"] += 1
        if ev is None:
            continue
        c["found"] += 1
        c["right"] += ev.type in g.types
        c["quad_right"] += ev.quad in {quads[t] for t in g.types}
        if g.target_ok is not None:
            c["target_judged"] += 1
            c["target_right"] += g.target_ok
        if ev.type not in g.types:
            mistakes.append(
                {"doc": g.doc, "trigger": ev.trigger.text, "actor": ev.actor.text,
                 "target": ev.target.text if ev.target else None, "type": ev.type,
                 "gold": sorted(g.types)}
            )  # fmt: skip
    return {
        "counts": c,
        "accuracy": _ratio(c["right"], c["found"]),
        "quad_accuracy": _ratio(c["quad_right"], c["found"]),
        "target_right": _ratio(c["target_right"], c["target_judged"]),
        "not_event_share": _ratio(c["not_events_made"], c["not_events_made"] + c["found"]),
        "mistakes": mistakes,
    }


def score_set(
    name: str, gold: list[GoldEvent], articles: list[Article], analyses: Iterator[Analysis]
) -> dict[str, Any]:
    """Scores of one gold set, overall and split by whether the event has a target."""
    made: dict[Key, Event] = {}
    for article, analysis in zip(articles, analyses, strict=True):
        for ev in analysis.events:
            made[event_key(article.id, ev)] = ev
    annotated = {g.key for g in gold}
    docs = {g.doc for g in gold}
    unannotated = sum(
        1 for key in made if key[2] is not None and key[0] in docs and key not in annotated
    )
    return {
        "set": name,
        "documents": len(articles),
        "with_target": _stratum([g for g in gold if g.target], made),
        "without_target": _stratum([g for g in gold if not g.target], made),
        "all": _stratum(gold, made),
        "unannotated_with_target": unannotated,
    }


def score(data: Path, sets: tuple[str, ...] = tuple(SETS)) -> list[dict]:
    """Score each gold set (names of :data:`SETS`) with its texts from ``data`` (../shared/data)."""
    from ..pipeline import default_pipeline

    unknown = [name for name in sets if name not in SETS]
    if unknown:
        raise CorpusError(f"unknown gold set {unknown[0]!r} (one of {', '.join(SETS)})")
    pipeline = default_pipeline()
    out = []
    for name in sets:
        gold = shipped_gold(SETS[name][0])
        docs = {g.doc for g in gold}
        if name == "crisis-2022":
            articles = [a for a in crisis_articles(data) if a.id in docs]
        else:
            articles = polnear_articles(data, name.removeprefix("polnear-"), docs)
        out.append(score_set(name, gold, articles, pipeline.analyze_many(articles)))
    return out


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def format_report(results: list[dict[str, Any]], mistakes_shown: int = 8) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(
            f"article events, {r['set']} ({SETS[r['set']][1] if r['set'] in SETS else 'test'}; "
            f"{r['documents']} documents)"
        )
        lines.append(
            "                  annotated  not events  typed  found  type acc  quad acc  "
            "target right  not-event share"
        )
        for label, key in (
            ("with a target", "with_target"),
            ("without (sample)", "without_target"),
            ("all", "all"),
        ):
            s = r[key]
            c = s["counts"]
            lines.append(
                f"{label:18s}{c['annotated']:9d}{c['not_events']:12d}{c['typed']:7d}"
                f"{c['found']:7d}{_fmt(s['accuracy']):>10s}{_fmt(s['quad_accuracy']):>10s}"
                f"{_fmt(s['target_right']):>14s}{_fmt(s['not_event_share']):>17s}"
            )
        lines.append(
            f"events with a target made now but not annotated: {r['unannotated_with_target']}"
        )
        for m in r["all"]["mistakes"][:mistakes_shown]:
            lines.append(
                f"  {m['type']:9s} gold {'|'.join(m['gold']):20s} {m['actor']} -> "
                f"{m['target']} ({m['trigger']})"
            )
        lines.append("")
    lines.append(
        "type and quad accuracy are over the annotated events still made; 'not-event share' is "
        "the share of those that are no political act of their source"
    )
    return "\n".join(lines)
