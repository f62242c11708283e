"""Bounded fuzz runs of the text entry points, and the shipped JSON Schema.

Each harness in harnesses.py runs under atheris (coverage-guided, in a subprocess, a fixed number
of iterations) when atheris is installed, and always under hypothesis in this process. The long
runs and their counts are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirelens.model import json_schema

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harnesses  # noqa: E402 - the harnesses live beside this test

# Iterations per bounded atheris run: a few seconds each on a loaded 2-core machine.
ATHERIS_RUNS = {"check_bytes": 3000, "html": 400, "feed": 2000, "analyze": 60}
HAS_ATHERIS = importlib.util.find_spec("atheris") is not None


def test_shipped_schema_is_the_generated_one() -> None:
    """src/wirelens/schema/wirelens.schema.json == `wirelens schema` (regenerate it if not)."""
    shipped = json.loads(harnesses.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert shipped == json_schema(), (
        "the shipped schema is stale: run `wirelens schema > "
        "src/wirelens/schema/wirelens.schema.json`"
    )


def test_schema_rejects_a_record_that_breaks_the_contract() -> None:
    """The shipped schema has teeth: a bad status or a missing key is invalid."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        json.loads(harnesses.SCHEMA_FILE.read_text(encoding="utf-8"))
    )
    good = {"article": {"id": "x", "text": "t"}}
    assert validator.is_valid(good)
    assert not validator.is_valid({"article": {"id": "x"}})
    assert not validator.is_valid({**good, "claims": [{"id": "c", "status": "probably"}]})
    assert not validator.is_valid({**good, "surprise": 1})


@pytest.mark.skipif(not HAS_ATHERIS, reason="atheris not installed (pip install atheris==3.0.0)")
@pytest.mark.parametrize("target", list(ATHERIS_RUNS))
def test_atheris_bounded_run(target: str) -> None:
    if target == "analyze":
        pytest.importorskip("spacy")
    limits = [f"-runs={ATHERIS_RUNS[target]}", "-max_total_time=60", "-rss_limit_mb=4096"]
    done = subprocess.run(
        [sys.executable, str(HERE / "harnesses.py"), target, *limits],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs = re.search(r"Done (\d+) runs", done.stderr)
    assert runs is not None, done.stderr[-3000:]
    assert int(runs.group(1)) >= min(ATHERIS_RUNS[target], 50)


_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_HTML_PIECES = st.sampled_from(
    ["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "<html>",
     "<body>", "<article>", "&amp;", "&#0;", "<![CDATA[", "]]>", "<meta charset='latin-1'>",
     "NATO said on Tuesday that Russia had moved more troops to the border with Ukraine. "]
)  # fmt: skip
_FEED_PIECES = st.sampled_from(
    ['<?xml version="1.0"?>', "<rss>", "</rss>", "<channel>", "</channel>", "<item>",
     "</item>", "<title>T</title>", "<description>", "</description>",
     "<pubDate>Tue, 15 Feb 2022 10:00:00 +0000</pubDate>", "<feed>", "<entry>", "</entry>",
     '<!DOCTYPE x [<!ENTITY e "boom">]>', "&e;", "<link>https://example.org/a</link>",
     "Russia said on Tuesday that some troops were returning to their bases after drills. "]
)  # fmt: skip


@_settings
@given(st.binary(max_size=2000))
def test_check_bytes_hypothesis(data: bytes) -> None:
    harnesses.fuzz_check_bytes(data)


@_settings
@given(st.one_of(st.binary(max_size=2000), st.lists(_HTML_PIECES, max_size=40).map(
    lambda parts: "".join(parts).encode())))  # fmt: skip
def test_html_hypothesis(data: bytes) -> None:
    harnesses.fuzz_html(data)


@_settings
@given(st.one_of(st.binary(max_size=2000), st.lists(_FEED_PIECES, max_size=40).map(
    lambda parts: "".join(parts).encode())))  # fmt: skip
def test_feed_hypothesis(data: bytes) -> None:
    harnesses.fuzz_feed(data)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=600), st.text(max_size=600).map(str.encode)))
def test_analyze_hypothesis(data: bytes) -> None:
    harnesses.fuzz_analyze(data)
