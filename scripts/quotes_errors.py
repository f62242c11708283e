"""Development loop for the quotes extractor: score a fixed slice of PolNeAR *train* and break
the errors down by category (missed/spurious cues by lemma and part of speech, missed sources,
content boundary errors).

The parse of the train directory is cached as a spaCy DocBin (outside the repository, default
``/tmp/wirelens-quotes/``) so each iteration only re-runs the extractor. Never point this at dev.

    python scripts/quotes_errors.py ../shared/data/polnear/data/train --start 672
    python scripts/quotes_errors.py ../shared/data/polnear/data/train --start 672 --show cue
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from spacy.tokens import Doc, DocBin

from wirelens.evaluate.polnear import (
    Attribution,
    Tally,
    match,
    predicted,
    read_directory,
    score_document,
)
from wirelens.extract.quotes import extract_quotes
from wirelens.model import Analysis, Article
from wirelens.pipeline import load_nlp

CACHE = Path("/tmp/wirelens-quotes")


def parsed_docs(path: Path) -> tuple[list[tuple[str, str, list[Attribution]]], list[Doc], float]:
    """Gold articles, their parses (cached) and the seconds the parse took when first made."""
    docs = read_directory(path)
    nlp = load_nlp()
    cache = CACHE / f"{path.resolve().name}.spacy"
    timing = cache.with_suffix(".seconds")
    if cache.exists():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        return docs, parsed, float(timing.read_text())
    started = time.perf_counter()
    parsed = list(nlp.pipe((t for _, t, _ in docs), batch_size=16))
    seconds = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=parsed).to_disk(cache)
    timing.write_text(f"{seconds}\n")
    return docs, parsed, seconds


def _spans_text(text: str, spans: tuple[tuple[int, int], ...] | None) -> str:
    return " | ".join(text[s:e] for s, e in spans or ())


def _cue_key(doc: Doc, spans: tuple[tuple[int, int], ...]) -> str:
    """lemma/POS of the main word of a cue span (last verb/noun, else last token)."""
    toks = [t for s, e in spans for t in doc.char_span(s, e, alignment_mode="expand") or ()]
    if not toks:
        return "?"
    main = [t for t in toks if t.pos_ in ("VERB", "NOUN", "ADJ")] or toks
    tok = main[-1] if main[-1].pos_ != "ADJ" else main[0]
    if len(toks) > 1 and toks[0].lower_ == "according":
        return "according to/ADP"
    return f"{tok.lemma_.lower()}/{tok.pos_}"


def analyse(
    docs: list[tuple[str, str, list[Attribution]]], parsed: list[Doc], show: str, top: int
) -> tuple[Tally, float]:
    total = Tally()
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    content_err: Counter[str] = Counter()
    source_err: Counter[str] = Counter()
    examples: list[str] = []
    seconds = 0.0
    for (name, text, gold), doc in zip(docs, parsed, strict=True):
        analysis = Analysis(article=Article(id=name, text=text))
        started = time.perf_counter()
        extract_quotes(doc, analysis)
        seconds += time.perf_counter() - started
        pred = predicted(analysis)
        total.add(score_document(text, pred, gold))
        g_cues = [a.cue for a in gold if a.cue]
        p_cues = [a.cue for a in pred if a.cue]
        pairs = match(p_cues, g_cues)
        hit_g = {j for _, j in pairs}
        hit_p = {i for i, _ in pairs}
        for j, cue in enumerate(g_cues):
            if j not in hit_g:
                key = _cue_key(doc, cue)
                missed[key] += 1
                if show == "cue":
                    sent = doc.char_span(cue[0][0], cue[0][1], alignment_mode="expand")
                    examples.append(f"MISS {key}: {sent.sent.text if sent else ''!r}"[:300])
        for i, cue in enumerate(p_cues):
            if i not in hit_p:
                key = _cue_key(doc, cue)
                spurious[key] += 1
                if show == "spurious":
                    sent = doc.char_span(cue[0][0], cue[0][1], alignment_mode="expand")
                    examples.append(f"SPUR {key}: {sent.sent.text if sent else ''!r}"[:300])
        # Per matched cue pair: how do content and source compare?
        g_with = [a for a in gold if a.cue]
        p_with = [a for a in pred if a.cue]
        for i, j in pairs:
            p, g = p_with[i], g_with[j]
            key = _cue_key(doc, g.cue or ())
            if (p.source is None) != (g.source is None):
                kind = "missing" if p.source is None else "extra"
                source_err[kind] += 1
                if show == "source" and kind == "missing":
                    examples.append(
                        f"SRC-MISS [{key}] gold={_spans_text(text, g.source)!r} :: "
                        f"{_spans_text(text, g.cue)} :: {_spans_text(text, g.content)[:120]!r}"
                    )
            elif p.source and g.source:
                ov = sum(
                    max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in p.source for s2, e2 in g.source
                )
                if ov == 0:
                    source_err["wrong"] += 1
                    if show == "source":
                        examples.append(
                            f"SRC-WRONG [{key}] pred={_spans_text(text, p.source)!r} "
                            f"gold={_spans_text(text, g.source)!r}"
                        )
                else:
                    source_err["ok"] += 1
            if p.content and g.content:
                pc = {k for s, e in p.content for k in range(s, e) if not text[k].isspace()}
                gc = {k for s, e in g.content for k in range(s, e) if not text[k].isspace()}
                if not pc & gc:
                    kind = "disjoint"
                elif pc == gc:
                    kind = "same"
                elif pc < gc:
                    kind = "too short"
                elif gc < pc:
                    kind = "too long"
                else:
                    kind = "shifted"
                content_err[kind] += 1
                if show == "content" and kind != "same":
                    examples.append(
                        f"CONTENT {kind} [{key}]\n  pred={_spans_text(text, p.content)!r}\n"
                        f"  gold={_spans_text(text, g.content)!r}"
                    )
            elif g.content:
                content_err["no pred content"] += 1
    print("missed cues:", ", ".join(f"{k} {n}" for k, n in missed.most_common(top)))
    print("missed by POS:", dict(Counter(k.split("/")[-1] for k in missed.elements())))
    print("spurious cues:", ", ".join(f"{k} {n}" for k, n in spurious.most_common(top)))
    print("source (on matched cues):", dict(source_err))
    print("content (on matched cues):", dict(content_err))
    for line in examples[: top * 3]:
        print(line)
    return total, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--start", type=int, default=672, help="first article of the slice")
    parser.add_argument("--end", type=int, default=None)
    parser.add_argument("--show", default="", help="cue | spurious | source | content")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if "dev" in args.train_dir.parts or "test" in args.train_dir.parts:
        raise SystemExit("the development loop runs on PolNeAR train only")
    docs, parsed, parse_seconds = parsed_docs(args.train_dir)
    slice_parse = parse_seconds * len(docs[args.start : args.end]) / max(len(docs), 1)
    docs, parsed = docs[args.start : args.end], parsed[args.start : args.end]
    total, seconds = analyse(docs, parsed, args.show, args.top)
    for mode in ("overlap", "exact"):
        row = []
        for name in ("content", "source", "cue", "all"):
            c = total.counts[mode][name].as_dict()
            row.append(f"{name} P{c['precision']:.3f} R{c['recall']:.3f} F{c['f1']:.3f}")
        print(f"{mode:8}", " | ".join(row))
    print(
        f"quotes: {seconds:.2f}s for {len(docs)} docs "
        f"({100 * seconds / slice_parse:.1f}% of their parse time, {slice_parse:.1f}s)"
    )


if __name__ == "__main__":
    main()
