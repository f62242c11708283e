"""Turn user inputs into Articles, or recorded rejections, one per input (or per record).

>>> from wirelens.ingest import read_sources
>>> for item in read_sources(["examples/"], published="2022-02-15"):  # doctest: +SKIP
...     print(item)

Inputs: text files (``.txt`` and unknown extensions), HTML pages (``.html``/``.htm``), batch files
(``.jsonl``/``.ndjson``, ``.json``, ``.csv``/``.tsv``), RSS/Atom feeds (``.rss``, ``.atom``, and
``.xml`` with a feed root; one item per entry), ``http(s)://`` URLs (fetched safely, see
:mod:`wirelens.ingest.url`: a page is one article, a feed one per entry), directories (every file
inside, recursively, sorted, hidden files skipped) and ``-`` for stdin. :func:`read_sources`
never raises for a bad input: it yields a :class:`Rejected` with the reason and goes on with the
next one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ..model import Article
from .article import InputError, make_article
from .base import Defaults, Item, Rejected
from .feeds import count_feed_items, read_feed
from .html import MAX_HTML_BYTES, read_html
from .records import count_records, read_csv, read_json, read_jsonl
from .text import read_text
from .url import FetchError, FetchOptions, FetchResult, fetch, read_url
from .validate import MAX_BATCH_BYTES, MAX_TEXT_BYTES, check_bytes, check_size, check_text

__all__ = [
    "MAX_TEXT_BYTES",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "InputError",
    "Rejected",
    "check_bytes",
    "check_text",
    "count_sources",
    "fetch",
    "make_article",
    "read_sources",
]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
RECORD_SUFFIXES = JSONL_SUFFIXES | CSV_SUFFIXES | {".json"}
# .xml is read as a feed too: read_feed rejects other XML with its root element named.
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
URL_PREFIXES = ("http://", "https://")
# Formats people drop into a folder of articles that are not text: say so instead of "binary".
UNSUPPORTED = {
    ".pdf": "PDF is not supported; convert it to text or HTML first",
    ".doc": "Word documents are not supported; convert to text first",
    ".docx": "Word documents are not supported; convert to text first",
    ".odt": "OpenDocument files are not supported; convert to text first",
    ".rtf": "RTF is not supported; convert to text first",
}
_HTML_START = ("<!doctype html", "<html")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _directory_files(root: Path) -> list[Path]:
    """Every non-hidden file under ``root``, recursively, sorted (symlinked dirs not followed)."""
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _is_hidden(d))
        found.extend(Path(folder, f) for f in sorted(filenames) if not _is_hidden(f))
    return found


def _limit(suffix: str) -> int:
    """Largest file accepted for a format; batch files hold many articles, pages hold markup."""
    if suffix in RECORD_SUFFIXES:
        return MAX_BATCH_BYTES
    return MAX_HTML_BYTES if suffix in HTML_SUFFIXES | FEED_SUFFIXES else MAX_TEXT_BYTES


def _read_file(path: Path, source: str, defaults: Defaults) -> Iterator[Item]:
    """Items of one file; an unexpected failure rejects this file only, not its directory."""
    try:
        yield from _dispatch(path, source, defaults)
    except (OSError, ValueError, RecursionError, MemoryError) as error:
        yield Rejected(source, f"cannot read file ({type(error).__name__}: {error})")


def _dispatch(path: Path, source: str, defaults: Defaults) -> Iterator[Item]:
    """Read one file by its extension; expected problems become a Rejected with the reason."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        yield Rejected(source, UNSUPPORTED[suffix])
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(source, defaults)  # streamed line by line: no size limit
        return
    limit = _limit(suffix)
    try:
        check_size(path.stat().st_size, limit)  # before reading: never load a huge file
        data = path.read_bytes()
    except InputError as error:
        yield Rejected(source, str(error))
        return
    except OSError as error:
        yield Rejected(source, f"cannot read file ({error.strerror or error})")
        return
    if suffix in HTML_SUFFIXES:
        yield read_html(data, source, defaults)
    elif suffix in FEED_SUFFIXES:
        yield from read_feed(data, source, defaults)
    elif suffix == ".json":
        yield from read_json(data, source, defaults)
    elif suffix in CSV_SUFFIXES:
        yield from read_csv(data, source, defaults)
    else:
        yield read_text(data, source, defaults)


def _read_stdin(stdin: TextIO, defaults: Defaults) -> Item:
    """Stdin as one article (HTML when it looks like a page); bytes when the stream has them."""
    try:
        # Read one byte past the largest accepted input: enough to know it is too large.
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data = buffer.read(MAX_HTML_BYTES + 1)
        else:
            data = stdin.read(MAX_HTML_BYTES + 1).encode("utf-8")
    except (OSError, UnicodeError) as error:
        return Rejected("-", f"cannot read standard input ({error})")
    if len(data) > MAX_HTML_BYTES:
        return Rejected("-", f"too large: more than {MAX_HTML_BYTES:,} bytes")
    if data.lstrip()[:20].decode("ascii", "replace").lower().startswith(_HTML_START):
        return read_html(data, "-", defaults)
    return read_text(data, "-", defaults)


def _read_path(given: str, defaults: Defaults, fetching: FetchOptions) -> Iterator[Item]:
    if given.lower().startswith(URL_PREFIXES):
        yield from read_url(given, defaults, fetching)
        return
    path = Path(given)
    if path.is_dir():
        files = _directory_files(path)
        if not files:
            yield Rejected(given, "directory has no files to read")
        for file in files:
            yield from _read_file(file, str(file), defaults)
    elif path.is_file():
        yield from _read_file(path, given, defaults)
    elif path.exists():
        yield Rejected(given, "not a regular file")
    else:
        yield Rejected(given, "no such file")


def read_sources(
    paths: Sequence[str],
    *,
    published: str | None = None,
    outlet: str | None = None,
    stdin: TextIO | None = None,
    fetching: FetchOptions | None = None,
) -> Iterator[Article | Rejected]:
    """Yield one Article or Rejected per input (per record for JSONL/JSON/CSV, per item for feeds,
    per file for dirs).

    ``published`` and ``outlet`` fill in what an input does not state itself. A ``published`` that
    cannot be read rejects every input that would have used it, with the reason. ``fetching``
    sets how URLs are fetched (size and time limits, private addresses, following feed links).
    """
    defaults = Defaults(published=published, outlet=outlet)
    fetching = fetching or FetchOptions()
    for given in paths:
        try:
            if given == "-":
                yield _read_stdin(stdin if stdin is not None else sys.stdin, defaults)
            else:
                yield from _read_path(given, defaults, fetching)
        except (OSError, ValueError, RecursionError, MemoryError) as error:
            # A last guard: one unreadable input must not end a batch.
            yield Rejected(given, f"cannot read input ({type(error).__name__}: {error})")


def count_sources(paths: Sequence[str]) -> int | None:
    """Cheap estimate of how many items :func:`read_sources` will yield; None if unknown (stdin)."""
    total = 0
    for given in paths:
        if given == "-":
            return None
        if given.lower().startswith(URL_PREFIXES):
            total += 1  # a feed URL yields more, but counting would mean fetching it twice
            continue
        path = Path(given)
        files = _directory_files(path) if path.is_dir() else [path]
        if path.is_dir() and not files:
            total += 1
        for file in files:
            suffix = file.suffix.lower()
            if suffix in (RECORD_SUFFIXES | FEED_SUFFIXES) and file.is_file():
                try:
                    if suffix in FEED_SUFFIXES:
                        check_size(file.stat().st_size, MAX_HTML_BYTES)
                        total += count_feed_items(file.read_bytes())
                    else:
                        total += count_records(file)
                except (OSError, InputError):
                    total += 1
            else:
                total += 1
    return total
