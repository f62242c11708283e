"""Development loop for the quotes extractor: score a fixed slice of PolNeAR *train* and break
the errors down by category (missed/spurious cues by lemma and part of speech, missed sources,
content boundary errors).

The parse of the train directory is cached as a spaCy DocBin (outside the repository, default
``/tmp/wirelens-quotes/``) so each iteration only re-runs the extractor. Never point this at dev.

    python scripts/quotes_errors.py ../shared/data/polnear/data/train --start 672
    python scripts/quotes_errors.py ../shared/data/polnear/data/train --start 672 --show cue
    python scripts/quotes_errors.py ../shared/data/polnear/data/train --start 672 --buckets

``--buckets`` sorts every gold attribution that no prediction matches on all three roles into one
bucket (why it was missed) and prints counts and examples; ``--models DIR`` reads a split model
(``train_quotes.py --first 672 --out DIR/cue_lemmas.json``) so the shipped files stay untouched.
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
    all_three_matches,
    match,
    predicted,
    read_directory,
    score_document,
)
from wirelens.extract.quotes import cues, extract_quotes, find_attributions
from wirelens.extract.quotes.cues import cue_features, find_cues, quoted_sentences
from wirelens.extract.quotes.marks import RegionIndex, find_regions
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


def use_models(directory: Path) -> None:
    """Point the cue stage at another model directory (the split model of the dev loop, so the
    shipped files in the repository are never overwritten by a partial fit)."""
    cues.MODELS = directory
    for cached in (
        cues.cue_lexicon,
        cues.learned_lemmas,
        cues.learned_nouns,
        cues.learned_adjectives,
        cues.cue_model,
    ):
        cached.cache_clear()


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


# ------------------------------------------------------------------------------ miss buckets

Spans = tuple[tuple[int, int], ...]


def _overlaps(a: Spans | None, b: Spans | None) -> bool:
    return bool(a and b) and any(s1 < e2 and s2 < e1 for s1, e1 in a or () for s2, e2 in b or ())


def _is_headline_or_caption(text: str, offset: int) -> bool:
    """The offset's line is the first line (headline), or a short line with no final stop
    (a caption, byline or subhead)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : len(text) if end < 0 else end].strip()
    if not text[:start].strip():
        return True
    return len(line.split()) < 20 and not line.endswith((".", "?", "!", '"', "”", "’", "'", ":"))


def _source_kind(doc: Doc, text: str, gold: Attribution) -> str:
    """Shape of a gold source: pronoun, possessive, "according to", passive agent, …"""
    if gold.source is None:
        return "none"
    s, e = gold.source[0]
    span = doc.char_span(s, e, alignment_mode="expand")
    cue = gold.cue[0] if gold.cue else (0, 0)
    before = text[max(0, s - 14) : s].lower()
    if "according to" in before:
        return "according to"
    if before.rstrip().endswith(" by"):
        return "passive agent (by)"
    if span is None or not len(span):
        return "?"
    root = span.root
    if len(span) == 1 and root.pos_ == "PRON" and root.dep_ != "poss":
        return "pronoun"
    if root.dep_ == "poss" or root.tag_ == "PRP$" or text[e - 2 : e] in ("'s", "’s"):
        return "possessive"
    if s > cue[1]:
        return "after the cue"
    return f"{root.pos_} ({root.dep_})"


def buckets(
    docs: list[tuple[str, str, list[Attribution]]], parsed: list[Doc], top: int
) -> list[tuple[str, str, str, str]]:
    """Count every gold attribution missed on all three roles by bucket; print examples.

    Returns (bucket, sub-bucket, cue lemma/POS, context) per missed attribution."""
    model = cues.cue_model()
    counts: Counter[str] = Counter()
    detail: dict[str, Counter[str]] = {}
    examples: dict[str, list[str]] = {}
    probs: list[float] = []
    n_gold = 0
    records: list[tuple[str, str, str, str]] = []
    key = ""

    def add(bucket: str, sub: str, example: str) -> None:
        records.append((bucket, sub, key, example))
        counts[bucket] += 1
        detail.setdefault(bucket, Counter())[sub] += 1
        if len(examples.setdefault(bucket, [])) < 5 or (
            len(examples[bucket]) < 12 and sub not in " ".join(examples[bucket])
        ):
            examples[bucket].append(f"[{sub}] {example}"[:400])

    for (name, text, gold), doc in zip(docs, parsed, strict=True):
        analysis = Analysis(article=Article(id=name, text=text))
        extract_quotes(doc, analysis)
        pred = predicted(analysis)
        n_gold += len(gold)
        ok = {j for _, j in all_three_matches(text, pred, gold, exact=False)}
        g_cues = [a.cue for a in gold if a.cue]
        g_index = [j for j, a in enumerate(gold) if a.cue]
        p_index = [i for i, a in enumerate(pred) if a.cue]
        cue_pairs = {
            g_index[j]: p_index[i] for i, j in match([a.cue for a in pred if a.cue], g_cues)
        }
        regions = RegionIndex(find_regions(text))
        quoted = quoted_sentences(doc, regions)
        candidates = find_cues(doc, regions, text)
        rejected: list[tuple[cues.Attribution, str]] = []
        find_attributions(doc, text, rejected)
        for j, g in enumerate(gold):
            if j in ok:
                continue
            cue = g.cue or ()
            ctx = _context(doc, text, g)
            key = _cue_key(doc, cue) if cue else "?"
            if j in cue_pairs:
                p = pred[cue_pairs[j]]
                if not _overlaps(p.content, g.content):
                    sub = "no predicted content" if not p.content else "disjoint content"
                    pred_content = _spans_text(text, p.content)
                    add("c content not matched", sub, ctx + f" PRED={pred_content!r}")
                elif g.source is None:
                    add("d source", "extra source (gold none)", ctx)
                elif p.source is None:
                    add("d source", "missing: " + _source_kind(doc, text, g), ctx)
                elif not _overlaps(p.source, g.source):
                    add(
                        "d source",
                        "wrong: " + _source_kind(doc, text, g),
                        ctx + f" PRED={_spans_text(text, p.source)!r}",
                    )
                else:
                    add("g matched roles, lost in one-to-one pairing", "-", ctx)
                continue
            if _is_headline_or_caption(text, cue[0][0]):
                add("f headline/caption/byline", _cue_key(doc, cue), ctx)
                continue
            if any(_overlaps(p.cue, cue) for p in pred) or any(
                h is not g and h.cue and _overlaps(h.cue, cue) for h in gold
            ):
                add("e second attribution on a matched cue", _cue_key(doc, cue), ctx)
                continue
            hit = [a for a in candidates if _overlaps((a.cue_span,), cue)]
            if hit:
                reasons = [r for a, r in rejected if a.cue in {h.cue for h in hit}]
                add(
                    "b2 candidate, dropped by a rule",
                    reasons[0] if reasons else "accepted but cue unmatched",
                    ctx,
                )
                continue
            toks = [t for s, e in cue for t in doc.char_span(s, e, alignment_mode="expand") or ()]
            scoreable = [
                t
                for t in toks
                if t.pos_ == "VERB"
                or (t.pos_ == "NOUN" and t.lemma_.lower() in cues.learned_nouns())
                or (t.pos_ == "ADJ" and t.lemma_.lower() in cues.learned_adjectives())
            ]
            if scoreable and model is not None:
                best = max(model.prob(cue_features(t, regions, quoted)) for t in scoreable)
                probs.append(best)
                add("b candidate, classifier said no", f"p={best:.1f}", ctx)
                continue
            main = [t for t in toks if t.pos_ in ("VERB", "NOUN", "ADJ")] or toks
            tok = main[-1] if main else None
            sub = f"{tok.pos_}/{tok.dep_}" if tok is not None else "?"
            add("a never a candidate", sub, ctx + (f" lemma={tok.lemma_}" if tok else ""))
    missed = sum(counts.values())
    print(f"gold attributions {n_gold}, missed on all three (overlap) {missed}")
    for bucket, n in sorted(counts.items(), key=lambda x: -x[1]):
        subs = ", ".join(f"{k} {v}" for k, v in detail[bucket].most_common(top))
        print(f"\n## {bucket}: {n} ({100 * n / n_gold:.1f}% of gold)\n   {subs}")
        for line in examples[bucket]:
            print("   -", line)
    if probs:
        hist = Counter(min(int(p * 20), 19) / 20 for p in probs)
        print("\nclassifier scores of missed scoreable cues (bin start: count):")
        print("  ", ", ".join(f"{k:.2f}: {hist[k]}" for k in sorted(hist)))
        if model is not None:
            print(f"   threshold {model.threshold}")
    return records


def _context(doc: Doc, text: str, g: Attribution) -> str:
    cue = g.cue[0] if g.cue else (g.content or ((0, 0),))[0]
    span = doc.char_span(cue[0], cue[1], alignment_mode="expand")
    sent = span.sent.text if span is not None else ""
    return (
        f"cue={_spans_text(text, g.cue)!r} src={_spans_text(text, g.source)!r} "
        f"content={_spans_text(text, g.content)[:100]!r} :: {sent[:160]!r}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train_dir", type=Path)
    parser.add_argument("--start", type=int, default=672, help="first article of the slice")
    parser.add_argument("--end", type=int, default=None)
    parser.add_argument("--show", default="", help="cue | spurious | source | content")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--buckets", action="store_true", help="why each gold attribution is missed"
    )
    parser.add_argument(
        "--models",
        type=Path,
        default=None,
        help="read the quotes models from this directory (a split model written by "
        "train_quotes.py --out DIR/cue_lemmas.json) instead of the shipped ones",
    )
    args = parser.parse_args()
    if args.models is not None:
        use_models(args.models)
    if "dev" in args.train_dir.parts or "test" in args.train_dir.parts:
        raise SystemExit("the development loop runs on PolNeAR train only")
    docs, parsed, parse_seconds = parsed_docs(args.train_dir)
    slice_parse = parse_seconds * len(docs[args.start : args.end]) / max(len(docs), 1)
    docs, parsed = docs[args.start : args.end], parsed[args.start : args.end]
    if args.buckets:
        buckets(docs, parsed, args.top)
        return
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
