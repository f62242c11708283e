"""Fuzz harnesses for wirelens' text entry points (atheris, with a hypothesis fallback).

Each harness takes raw bytes and raises AssertionError (or lets any other exception escape) when
the entry point misbehaves:

- ``check_bytes``: ``wirelens.ingest.validate.check_bytes`` returns text or raises InputError;
- ``html``: ``read_html`` and ``read_text`` return an Article or a Rejected, never raise;
- ``feed``: ``read_feed`` yields Articles or Rejected, never raises;
- ``analyze``: ``wirelens.analyze`` on any text gives an Analysis whose spans lie within the
  text and point at what they claim, and whose JSON is valid against the shipped schema.

Run one for longer (libFuzzer flags after the target name)::

    python tests/fuzz/harnesses.py analyze -runs=20000
    python tests/fuzz/harnesses.py html -max_total_time=600
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "src/wirelens/schema/wirelens.schema.json"
MAX_TEXT_CHARS = 2000  # keeps one analyze run in the milliseconds


def fuzz_check_bytes(data: bytes) -> None:
    from wirelens.ingest.article import InputError
    from wirelens.ingest.validate import check_bytes, check_text

    try:
        text = check_bytes(data, "fuzz")
    except InputError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert isinstance(text, str)
    try:
        check_text(text)
    except InputError as error:
        assert str(error)


def _item_ok(item: object) -> None:
    from wirelens.ingest import Rejected
    from wirelens.model import Article

    assert isinstance(item, Article | Rejected), type(item)
    if isinstance(item, Rejected):
        assert item.reason and "\n" not in item.reason
    else:
        assert item.text.strip()


def fuzz_html(data: bytes) -> None:
    from wirelens.ingest.base import Defaults
    from wirelens.ingest.html import read_html
    from wirelens.ingest.text import read_text

    _item_ok(read_html(data, "fuzz.html", Defaults()))
    _item_ok(read_text(data, "fuzz.txt", Defaults()))


def fuzz_feed(data: bytes) -> None:
    from wirelens.ingest.base import Defaults
    from wirelens.ingest.feeds import read_feed

    for item in read_feed(data, "fuzz.xml", Defaults()):
        _item_ok(item)


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def check_analysis(analysis: Any) -> None:
    """Every span within the text and pointing at what it claims; JSON valid against the schema."""
    text = analysis.article.text
    n = len(text)
    for actor in analysis.actors:
        for start, end in actor.mentions:
            assert 0 <= start < end <= n, (start, end)
    for quote in analysis.quotes:
        for start, end in quote.content.spans:
            assert 0 <= start <= end <= n
        for part in (quote.source, quote.cue):
            if part is not None:
                assert text[part.start : part.end] == part.text
    for item in [*analysis.times, *analysis.places]:
        assert text[item.start : item.end] == item.text
    for claim in analysis.claims:
        assert 0 <= claim.span[0] <= claim.span[1] <= n
        for evidence in claim.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
    for event in analysis.events:
        for part in (event.actor, event.target, event.trigger):
            if part is not None:
                assert text[part.start : part.end] == part.text
    ids = {actor.id for actor in analysis.actors}
    for quote in analysis.quotes:
        if quote.source is not None and quote.source.actor_id is not None:
            assert quote.source.actor_id in ids
    _validator().validate(json.loads(analysis.to_json()))


def fuzz_analyze(data: bytes) -> None:
    import wirelens
    from wirelens.ingest.article import InputError

    text = data.decode("utf-8", errors="replace")[:MAX_TEXT_CHARS]
    try:
        analysis = wirelens.analyze(text, published="2022-02-15")
    except InputError:
        return
    check_analysis(analysis)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "check_bytes": fuzz_check_bytes,
    "html": fuzz_html,
    "feed": fuzz_feed,
    "analyze": fuzz_analyze,
}

# Seeds: small valid inputs of each kind, so the fuzzer starts from real structure.
SEEDS: dict[str, list[bytes]] = {
    "check_bytes": [b"NATO said on Tuesday that Russia had moved troops.", b"\xef\xbb\xbfText"],
    "html": [
        b"<!DOCTYPE html><html><head><title>T</title><script>x()</script></head><body><article>"
        b"<p>NATO Secretary-General Jens Stoltenberg told reporters in Brussels on Tuesday that "
        b"the alliance had seen no sign of a pullback.</p></article></body></html>"
    ],
    "feed": [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>A'
        b"</title><link>https://example.org/a</link><pubDate>Tue, 15 Feb 2022 10:00:00 +0000"
        b"</pubDate><description>Russia said on Tuesday that some troops were returning to "
        b"their bases after drills near the border with Ukraine.</description></item></channel>"
        b"</rss>"
    ],
    "analyze": [
        "NATO Secretary-General Jens Stoltenberg said on Tuesday: \u201cWe have not seen any "
        "de-escalation.\u201d Russia claimed, without evidence, that 130,000 troops were leaving "
        "Kyiv, according to Reuters.".encode()
    ],
}


def main(argv: list[str]) -> None:
    """``harnesses.py TARGET [libFuzzer flags]``: fuzz one target with atheris."""
    import tempfile

    import atheris

    target = TARGETS[argv[1]]
    # Coverage feedback from wirelens' own code only (not spaCy, lxml or the stdlib).
    with atheris.instrument_imports(include=["wirelens"]):
        import wirelens.ingest
        import wirelens.pipeline

        if argv[1] == "analyze":
            wirelens.pipeline.default_pipeline()  # loads spaCy and every extractor module
    seeds = Path(tempfile.mkdtemp(prefix=f"wirelens-fuzz-{argv[1]}-"))
    for i, seed in enumerate(SEEDS[argv[1]]):
        (seeds / f"seed{i}").write_bytes(seed)
    atheris.Setup([argv[0], *argv[2:], str(seeds)], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
