"""Score the claims stage: check-worthiness (ClaimBuster) and the status decision (UDS-IH2).

- ``score_checkworthiness(dir)``: precision, recall and F1 of the check-worthy class of the shipped
  model on the held-out part of ClaimBuster 3xNCS (``dir`` holds ``3xNCS.json``). Held out:
  ``sha1(str(sentence_id)) mod 5 == 0`` — the model never saw those sentences.
- ``score_factuality(dir)``: accuracy of the status decision on the event predicates of UDS "It
  Happened" v2 dev (``dir`` holds ``it-happened_eng_ud1.2_07092017.tsv`` and
  ``en_ewt-ud-dev.conllu``). Gold per predicate: the mean over annotations of
  ``(+1 if happened else -1) * confidence`` (Rudinger et al. 2018), true when > 0 (ties dropped).
  Prediction: ``wirelens.extract.claims.factuality.happened`` on the gold tokenisation, parsed
  by the same spaCy pipeline. The majority-class baseline is reported beside it.

Usage::

    from wirelens.evaluate.claims import score_checkworthiness, score_factuality, format_report
    print(format_report({"checkworthiness": score_checkworthiness(cb), "factuality": ...}))
"""

from __future__ import annotations

import csv
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..extract.claims.checkworthiness import MODEL_VERSION, is_held_out, load_model
from ..extract.claims.factuality import happened

SPLIT = "ClaimBuster 3xNCS, held out: sha1(str(sentence_id)) % 5 == 0 (about 20 %)"
ANNOTATIONS = "it-happened_eng_ud1.2_07092017.tsv"
DEV_TEXT = "en_ewt-ud-dev.conllu"


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score_checkworthiness(directory: Path, threshold: float = 0.5) -> dict[str, Any]:
    """P/R/F1 of the check-worthy class on the held-out split (see module docstring)."""
    rows = json.loads((Path(directory) / "3xNCS.json").read_text(encoding="utf-8"))
    held = [r for r in rows if is_held_out(int(r["sentence_id"]))]
    started = time.perf_counter()
    scores = load_model().score([r["text"] for r in held])
    gold = [int(r["label"]) == 1 for r in held]
    predicted = [s >= threshold for s in scores]
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    result: dict[str, Any] = {
        "model": MODEL_VERSION,
        "split": SPLIT,
        "sentences": len(held),
        "positives": sum(gold),
        "threshold": threshold,
        **_prf(tp, sum(predicted), sum(gold)),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return result


def read_conllu(path: Path) -> list[tuple[list[str], list[bool]]]:
    """Sentences of a CoNLL-U file as (words, space-after flags), without multiword/empty nodes."""
    sentences: list[tuple[list[str], list[bool]]] = []
    words: list[str] = []
    spaces: list[bool] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append((words, spaces))
            words, spaces = [], []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        words.append(cols[1])
        spaces.append("SpaceAfter=No" not in cols[9])
    if words:
        sentences.append((words, spaces))
    return sentences


def read_it_happened(path: Path, split: str = "dev") -> dict[tuple[int, int], bool]:
    """Gold ``{(sentence number, token number): happened}`` (both 1-based) for ``split``."""
    totals: dict[tuple[int, int], float] = defaultdict(float)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Split"] != split or row["Keep"] != "True":
                continue
            if row["Happened"] not in ("true", "false") or row["Confidence"] in ("", "nan", "na"):
                continue
            sign = 1.0 if row["Happened"] == "true" else -1.0
            key = (int(row["Sentence.ID"].split()[-1]), int(row["Pred.Token"]))
            totals[key] += sign * float(row["Confidence"])
    return {key: total > 0 for key, total in totals.items() if total != 0}


def score_factuality(
    directory: Path, nlp: Language | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Accuracy of ``happened`` on UDS-IH2 dev predicates, with the majority baseline."""
    directory = Path(directory)
    gold = read_it_happened(directory / ANNOTATIONS)
    sentences = read_conllu(directory / DEV_TEXT)
    if nlp is None:
        from ..pipeline import load_nlp

        nlp = load_nlp()
    wanted = sorted({s for s, _ in gold if s <= len(sentences)})
    if limit is not None:
        wanted = wanted[:limit]
    started = time.perf_counter()
    docs = (Doc(nlp.vocab, words=sentences[n - 1][0], spaces=sentences[n - 1][1]) for n in wanted)
    by_sentence: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for (sentence, token), label in gold.items():
        by_sentence[sentence].append((token, label))
    correct = total = positives = 0
    for number, doc in zip(wanted, nlp.pipe(docs, batch_size=64), strict=True):
        for token, label in by_sentence[number]:
            if token > len(doc):
                continue
            total += 1
            positives += label
            correct += happened(doc[token - 1]) == label
    majority = max(positives, total - positives)
    return {
        "split": "UDS-IH2 dev (English Web Treebank)",
        "predicates": total,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "majority_baseline": round(majority / total, 4) if total else 0.0,
        "majority_class": "happened" if positives >= total - positives else "not happened",
        "seconds": round(time.perf_counter() - started, 1),
    }


def format_report(scores: dict[str, Any]) -> str:
    """Plain-text report of ``{"checkworthiness": ..., "factuality": ...}`` (either optional)."""
    lines: list[str] = []
    cw = scores.get("checkworthiness")
    if cw:
        lines += [
            f"check-worthiness ({cw['model']}) — {cw['split']}",
            f"  {cw['sentences']} sentences, {cw['positives']} check-worthy, threshold "
            f"{cw['threshold']}: P {cw['precision']:.3f}  R {cw['recall']:.3f}  F1 {cw['f1']:.3f}",
        ]
    fa = scores.get("factuality")
    if fa:
        lines += [
            f"status decision (did it happen?) — {fa['split']}",
            f"  {fa['predicates']} predicates: accuracy {fa['accuracy']:.3f}  "
            f"(majority baseline {fa['majority_baseline']:.3f}, always '{fa['majority_class']}')",
        ]
    return "\n".join(lines)
