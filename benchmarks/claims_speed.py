"""Time the claims extractor against the bare spaCy parse, in one process.

Usage::

    python benchmarks/claims_speed.py [--limit 40] [--rounds 3] [--reference] [--profile FILE]

The first ``--limit`` articles of ``../shared/data/crisis-2022/articles.jsonl`` (or, with
``--reference``, the reference article repeated ``--limit`` times) are parsed once with
``nlp.pipe`` (the Docs of the first pass are kept), then the extractors before claims (actors,
times, places, quotes, as in ``wirelens.pipeline.default_pipeline()``) run once over each Doc,
untimed. Each of ``--rounds`` rounds then times one bare parse of all texts and one
``extract_claims`` pass over all kept Docs, back to back, so that load from other work on the
shared machine hits both; the script prints the median of the per-round ratios claims/parse.
The claims model and lexicons are loaded before the first round (loading is not timed).
``--profile FILE`` also writes a cProfile of one more claims pass and prints its top entries.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import time
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from wirelens.extract.claims import extract_claims
from wirelens.model import Analysis, Article
from wirelens.pipeline import default_pipeline

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "data" / "crisis-2022" / "articles.jsonl"
REFERENCE = REPO / "examples" / "2022-02-15-nato-cautious-optimism.txt"


def load_articles(limit: int, reference: bool) -> list[Article]:
    """The articles to time (reference: the reference article ``limit`` times)."""
    if reference:
        text = REFERENCE.read_text(encoding="utf-8")
        return [Article(id=f"ref{i}", text=text, published="2022-02-15") for i in range(limit)]
    articles = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            articles.append(Article(id=row["id"], text=row["text"], published=row["published"]))
            if len(articles) == limit:
                break
    return articles


def claims_round(pairs: list[tuple[Doc, Analysis]]) -> float:
    """Seconds for one ``extract_claims`` pass over every (Doc, Analysis)."""
    started = time.perf_counter()
    for doc, analysis in pairs:
        analysis.claims.clear()
        extract_claims(doc, analysis)
    return time.perf_counter() - started


def parse_round(nlp: Language, texts: list[str]) -> float:
    """Seconds for one bare ``nlp.pipe`` pass over ``texts`` (the Docs are dropped)."""
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()

    pipeline = default_pipeline()
    before = [
        (n, f) for n, f in pipeline.extractors if n in ("actors", "times", "places", "quotes")
    ]
    articles = load_articles(args.limit, args.reference)
    texts = [a.text for a in articles]
    pipeline.nlp(texts[0][:2000])  # warm-up, not timed
    docs = list(pipeline.nlp.pipe(texts, batch_size=16))

    pairs = []
    for doc, article in zip(docs, articles, strict=True):
        analysis = Analysis(article=article)
        for _, extractor in before:
            extractor(doc, analysis)
        pairs.append((doc, analysis))

    load_started = time.perf_counter()
    claims_round(pairs[:1])  # loads the model and lexicons
    load = time.perf_counter() - load_started
    parses, claims = [], []
    for _ in range(args.rounds):
        parses.append(parse_round(pipeline.nlp, texts))
        claims.append(claims_round(pairs))
    ratios = [c / p for c, p in zip(claims, parses, strict=True)]
    count = sum(len(a.claims) for _, a in pairs)
    print(
        f"{len(articles)} docs, {sum(len(d) for d in docs)} tokens, {count} claims; "
        f"first claims call incl. load {load:.2f}s"
    )
    for number, (p, c, r) in enumerate(zip(parses, claims, ratios, strict=True), start=1):
        print(f"round {number}: parse {p:.2f}s  claims {c:.3f}s  ratio {r:.1%}")
    print(f"claims/parse = {statistics.median(ratios):.1%} (median of {args.rounds} rounds)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        claims_round(pairs)
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
