"""Batch files with one article per record: JSON Lines, JSON and CSV/TSV.

A record has ``text`` and optional ``title``, ``url``, ``outlet`` and ``published`` (also accepted
as ``published_at`` or ``date``). Each record yields one Article or one Rejected whose source names
the record: ``path:line N`` (JSONL, physical line), ``path:item N`` (JSON list, from 1) or
``path:row N`` (CSV, the N-th data row after the header, so embedded newlines do not shift it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .article import InputError
from .base import Defaults, Item, Rejected, build_article
from .validate import MAX_BATCH_BYTES, MAX_TEXT_BYTES, check_bytes

__all__ = ["count_records", "read_csv", "read_json", "read_jsonl", "record_to_item"]

_DATE_KEYS = ("published", "published_at", "date")
_META_KEYS = ("title", "url", "outlet")
# JSON escapes (\n, \") make a record line longer than its text; the text limit applies later.
_MAX_LINE_BYTES = 2 * MAX_TEXT_BYTES
_SNIFF_BYTES = 8192


def _field(record: Mapping[str, object], key: str) -> str | None:
    """A metadata value as a stripped string; blank means absent (so CLI defaults apply)."""
    value = record.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"field '{key}' must be a string, not {type(value).__name__}")
    return value.strip() or None


def record_to_item(record: object, source: str, defaults: Defaults, path: str) -> Item:
    """One record (a parsed JSON object or CSV row) -> Article or Rejected; never raises."""
    if not isinstance(record, Mapping):
        return Rejected(source, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        keys = ", ".join(sorted(str(k) for k in record)) or "none"
        return Rejected(source, f"missing 'text' field (fields: {keys})")
    if not isinstance(text, str):
        return Rejected(source, f"field 'text' must be a string, not {type(text).__name__}")
    try:
        language = _field(record, "language")
        if language and not language.lower().startswith("en"):
            return Rejected(source, f"not English (record says language '{language}')")
        published = next(
            (value for key in _DATE_KEYS if (value := _field(record, key)) is not None), None
        )
        title, url, outlet = (_field(record, key) for key in _META_KEYS)
    except InputError as error:
        return Rejected(source, str(error))
    return build_article(
        text, source, defaults, path=path, title=title, url=url, outlet=outlet, published=published
    )


def _sniff_binary(head: bytes, path: str) -> Rejected | None:
    """Reject a binary or UTF-16 file once instead of once per "line" of garbage."""
    try:
        check_bytes(head, path)
    except InputError as error:
        reason = str(error)
        if reason.startswith(("binary", "UTF-16", "empty")):
            return Rejected(path, reason)
    return None


def _lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """(line number, line) pairs; a line longer than ``limit`` gives its size instead.

    Over-long lines are skipped in chunks, never held in memory whole.
    """
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line
            continue
        size = len(line)
        while chunk := handle.readline(1 << 20):
            size += len(chunk)
            if chunk.endswith(b"\n"):
                break
        yield number, size


def read_jsonl(path: str, defaults: Defaults) -> Iterator[Item]:
    """One item per non-blank line of a JSON Lines file (streamed: the file can be large)."""
    with open(path, "rb") as handle:
        rejected = _sniff_binary(handle.read(_SNIFF_BYTES), path)
        if rejected is not None:
            yield rejected
            return
        handle.seek(0)
        seen = False
        for number, raw in _lines(handle, _MAX_LINE_BYTES):
            if isinstance(raw, bytes) and not raw.strip():
                continue  # blank lines separate nothing in JSONL; skip them silently
            seen = True
            source = f"{path}:line {number}"
            if isinstance(raw, int):
                limit = f"{_MAX_LINE_BYTES:,} bytes"
                yield Rejected(source, f"too large: {raw:,} bytes (limit {limit})")
                continue
            try:
                line = check_bytes(raw.rstrip(b"\r\n"), source, limit=_MAX_LINE_BYTES)
                record = json.loads(line)
            except InputError as error:
                yield Rejected(source, str(error))
                continue
            except json.JSONDecodeError as error:
                yield Rejected(source, f"invalid JSON ({error.msg} at column {error.colno})")
                continue
            except RecursionError:
                yield Rejected(source, "invalid JSON (nested too deeply)")
                continue
            yield record_to_item(record, source, defaults, path)
        if not seen:
            yield Rejected(path, "no records (only blank lines)")


def read_json(data: bytes, path: str, defaults: Defaults) -> Iterator[Item]:
    """A JSON file holding one record object or a list of them."""
    try:
        document = json.loads(check_bytes(data, path, limit=MAX_BATCH_BYTES))
    except InputError as error:
        yield Rejected(path, str(error))
        return
    except json.JSONDecodeError as error:
        yield Rejected(path, f"invalid JSON ({error.msg} at line {error.lineno})")
        return
    except RecursionError:
        yield Rejected(path, "invalid JSON (nested too deeply)")
        return
    if isinstance(document, list):
        if not document:
            yield Rejected(path, "no records (empty JSON list)")
        for number, record in enumerate(document, start=1):
            yield record_to_item(record, f"{path}:item {number}", defaults, path)
    else:
        yield record_to_item(document, path, defaults, path)


def read_csv(data: bytes, path: str, defaults: Defaults) -> Iterator[Item]:
    """A CSV (or, for ``.tsv``, tab-separated) file with a header row naming the fields."""
    try:
        text = check_bytes(data, path, limit=MAX_BATCH_BYTES)
    except InputError as error:
        yield Rejected(path, str(error))
        return
    # The default limit (128 KiB) is below one long article; let check_text judge the size.
    if csv.field_size_limit() < MAX_BATCH_BYTES:
        csv.field_size_limit(MAX_BATCH_BYTES)
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        yield Rejected(path, f"malformed CSV header ({error})")
        return
    if "text" not in header:
        yield Rejected(path, f"no 'text' column (columns: {', '.join(header) or 'none'})")
        return
    reader.fieldnames = header
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # number is reported after the loop
            yield record_to_item(row, f"{path}:row {number}", defaults, path)
    except csv.Error as error:
        # The reader cannot resynchronise after a broken quote: report it and stop this file.
        yield Rejected(f"{path}:row {number + 1}", f"malformed CSV ({error})")
        return
    if number == 0:
        yield Rejected(path, "no records (header only)")


def count_records(path: Path) -> int:
    """Cheap count of the items a batch file will yield (for progress bars)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with open(path, "rb") as handle:
            return max(1, sum(1 for line in handle if line.strip()))
    data = path.read_bytes()
    if suffix == ".json":
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            return 1
        return max(1, len(document)) if isinstance(document, list) else 1
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 1
    if csv.field_size_limit() < MAX_BATCH_BYTES:
        csv.field_size_limit(MAX_BATCH_BYTES)
    delimiter = "\t" if suffix == ".tsv" else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, [])
        if "text" not in (name.strip().lower() for name in header):
            return 1  # read_csv rejects the whole file once
        rows = sum(1 for row in reader if row)
    except csv.Error:
        return 1
    return max(1, rows)
