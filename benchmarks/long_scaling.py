"""Do the extractors stay linear in the article's length? Time each one on long articles.

Usage::

    python benchmarks/long_scaling.py [--sizes 250000,1000000] [--corpus DIR]

Builds articles of the given sizes from PolNeAR train texts (``wirelens.bench.long_text``: the
texts joined with paragraph breaks, read from ../shared/data, never copied), analyses each once
with the default pipeline in this process and prints, per size, the parse time and each
extractor's time, then each one's growth between the smallest and the largest size next to the
growth of the text. Linear work grows like the text (4x for 250,000 -> 1,000,000 characters); a
lookup that scans all earlier mentions or quotes per candidate grows like its square (16x).
Timings are wall-clock seconds of one run: read the growth factors, not the absolute times.
"""

from __future__ import annotations

import argparse
import time

from wirelens.bench import default_corpus, load_articles, long_text
from wirelens.ingest.article import make_article
from wirelens.pipeline import Pipeline


def measure(text: str) -> dict[str, float]:
    """Seconds of the parse and of each extractor on one article of ``text``."""
    pipeline = Pipeline()
    started = time.perf_counter()
    pipeline.analyze(make_article(text))
    timings = dict(pipeline.timings)
    timings["total"] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250000,1000000", help="article sizes in characters")
    parser.add_argument("--corpus", default=str(default_corpus()), help="texts to build them from")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    articles = load_articles([args.corpus], limit=400)
    measure(long_text(articles, chars=20_000))  # warm up: model, gazetteers, compiled patterns
    runs = {size: measure(long_text(articles, chars=size)) for size in sizes}
    stages = list(runs[sizes[0]])
    print(f"{'stage':<10}" + "".join(f"{size:>12,}" for size in sizes) + f"{'growth':>10}")
    for stage in stages:
        row = "".join(f"{runs[size][stage]:12.2f}" for size in sizes)
        growth = runs[sizes[-1]][stage] / max(runs[sizes[0]][stage], 1e-9)
        print(f"{stage:<10}{row}{growth:10.1f}x")
    print(f"{'text':<10}" + " " * 12 * len(sizes) + f"{sizes[-1] / sizes[0]:10.1f}x")


if __name__ == "__main__":
    main()
