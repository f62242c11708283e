"""Probe: the event encoder with the trigger marked too, on PLV and in articles.

Not part of the shipped pipeline. The shipped encoder (``scripts/train_events_encoder.py``)
reads a sentence with the source and target marked and codes the pair from the whole sentence, so
in articles it recodes trigger-anchored events by the main clause ("leaders met ... on the
anniversary of Russia's invasion of Ukraine": CONSULT instead of ASSAULT). This probe also marks
the trigger ("^ invasion ^"): on PLV the trigger is :func:`find_trigger`'s (as
``wirelens.events.classify`` finds it), in articles the extractor's. The classifier reads the
encoder's states at [CLS] and at the three opening marks.

It prints the cross-validated PLV accuracy (same stratified split as ``wirelens eval events``),
then fine-tunes on all of PLV and recodes the article extractor's events that have a target in
``--articles`` (JSON Lines with a "text" field), printing how many types it would change and
which. Needs torch; see ``scripts/events_finetune_probe.py`` for the environment.

    /tmp/ftv/bin/python scripts/events_trigger_probe.py ../shared/data/events \\
        --articles examples/crisis-2022/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import events_finetune_probe as probe
import numpy as np
import torch
from events_finetune_probe import (
    PairClassifier,
    cross_validate,
    fit,
    load_weights,
    training_data,
)
from tokenizers import Tokenizer
from torch import nn

from wirelens import analyze
from wirelens.extract.events.features import find_trigger, token_span
from wirelens.extract.events.lexicon import type_info
from wirelens.pipeline import load_nlp

MARKS = ("@", "#", "^")  # source, target, trigger
Span = tuple[int, int] | None
Item = tuple[list[int], int, int, int]


def encode(tokenizer: Tokenizer, text: str, spans: tuple[Span, Span, Span]) -> Item:
    """Word pieces of ``text`` with each span marked, and where each opening mark is (0: none)."""
    marked = sorted((s[0], s[1], m) for s, m in zip(spans, MARKS, strict=True) if s is not None)
    pieces: list[str] = []
    where: dict[str, int] = {}
    pos = 0
    for start, end, mark in marked:
        if start < pos:
            continue  # overlapping spans: the first only
        pieces.append(text[pos:start])
        where[mark] = sum(map(len, pieces))
        pieces.append(f"{mark} {text[start:end]} {mark}")
        pos = end
    pieces.append(text[pos:])
    enc = tokenizer.encode("".join(pieces))
    offsets = enc.offsets[: probe.MAX_PIECES]

    def at(mark: str) -> int:
        char = where.get(mark)
        if char is None:
            return 0
        return next((i for i, (s, e) in enumerate(offsets) if e > s and s >= char), 0)

    ids = enc.ids[: probe.MAX_PIECES]
    return ids, at(MARKS[0]), at(MARKS[1]), at(MARKS[2])


class TriggerClassifier(PairClassifier):
    """The probe's pair classifier with a fourth state, at the trigger's mark."""

    def __init__(self, w: dict[str, torch.Tensor], classes: int, layers: int) -> None:
        super().__init__(w, classes, layers, marks=3)


def batch(items: list[Item]) -> tuple[torch.Tensor, ...]:
    width = max(len(i[0]) for i in items)
    ids = torch.zeros(len(items), width, dtype=torch.long)
    mask = torch.zeros(len(items), width)
    for row, (piece_ids, *_) in enumerate(items):
        ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
        mask[row, : len(piece_ids)] = 1.0
    return (ids, mask, *(torch.tensor([i[k] for i in items]) for k in (1, 2, 3)))


def predict(model: nn.Module, items: list[Item]) -> np.ndarray:
    with torch.no_grad():
        return np.concatenate(
            [model(*batch(items[k : k + 64])).softmax(-1).numpy() for k in range(0, len(items), 64)]
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="../shared/data/events")
    ap.add_argument("--articles", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    args = ap.parse_args()
    args.layers = 6
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    # the probe's fit() builds PairClassifier and batches 4-tuples: point it at this variant
    probe.PairClassifier = TriggerClassifier  # type: ignore[misc]
    probe.batch = batch  # type: ignore[assignment]
    w, tokenizer = load_weights()
    nlp = load_nlp()
    plv, gsr, classes = training_data(args.data)
    index = {c: i for i, c in enumerate(classes)}

    def items_of(examples: list[Any]) -> list[Item]:
        out = []
        for ex, doc in zip(examples, nlp.pipe(e.text for e in examples), strict=True):
            src = token_span(doc, *ex.source)
            tgt = token_span(doc, *ex.target) if ex.target else None
            trig = find_trigger(src, tgt)
            out.append(
                encode(tokenizer, ex.text, (ex.source, ex.target, (trig.idx, trig.idx + len(trig))))
            )
        return out

    items, extra = items_of(plv), items_of(gsr)
    labels = [e.label for e in plv]
    args.folds = 5
    probs, _ = cross_validate(
        w, items, extra, labels, [e.label for e in gsr], classes, args, predict_fn=predict
    )
    info = type_info()
    predicted = [classes[p.argmax()] for p in probs]
    accuracy = np.mean([p == g for p, g in zip(predicted, labels, strict=True)])
    gold_quads = [e.quad or info[e.label].quad for e in plv]
    quad = np.mean([info[p].quad == q for p, q in zip(predicted, gold_quads, strict=True)])
    print(f"trigger marked, seed {args.seed}: accuracy {accuracy:.3f}, quad accuracy {quad:.3f}")
    np.save(f"/tmp/trigger_probe_oof_seed{args.seed}.npy", probs)

    model = fit(
        w,
        items + extra,
        [index[x] for x in labels] + [index[e.label] for e in gsr],
        len(classes),
        args,
    )
    rows = [json.loads(line) for line in args.articles.read_text(encoding="utf-8").splitlines()]
    pairs: list[Item] = []
    shipped: list[tuple[str, str]] = []
    for row in rows:
        text = row["text"]
        doc = nlp(text)  # a second parse, to find each trigger's sentence (a probe: no hurry)
        for ev in analyze(text).events:
            trig = doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
            if ev.target is None or trig is None:
                continue
            sent_start, sent_end = trig[0].sent.start_char, trig[0].sent.end_char
            spans = [(ev.actor.start, ev.actor.end), (ev.target.start, ev.target.end)]
            spans.append((ev.trigger.start, ev.trigger.end))
            if any(s < sent_start or e > sent_end for s, e in spans):
                continue
            rel = tuple((s - sent_start, e - sent_start) for s, e in spans)
            pairs.append(encode(tokenizer, text[sent_start:sent_end], rel))  # type: ignore[arg-type]
            shipped.append((ev.type, text[max(0, ev.trigger.start - 90) : ev.trigger.end + 50]))
    recoded = predict(model, pairs)
    changed = [
        (s, classes[p.argmax()], float(p.max()), ctx)
        for (s, ctx), p in zip(shipped, recoded, strict=True)
        if classes[p.argmax()] != s and s in classes
    ]
    print(
        f"{len(pairs)} article events with a target; the trigger-marked encoder differs on "
        f"{len(changed)}:"
    )
    for was, now, p, ctx in changed:
        print(f"  {was} -> {now} ({p:.2f}): ...{ctx!r}")


if __name__ == "__main__":
    main()
