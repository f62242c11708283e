"""Stage 0: find quoted regions in raw text.

Quotation marks in news are often unbalanced (a quote left open at a paragraph end because it
continues in the next paragraph, stray straight quotes, apostrophes that look like closing single
quotes). This stage never fails: it scans each paragraph once, left to right (linear time), and
returns the regions it can pair plus regions left open at the paragraph end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

OPENERS = {"“": "”", "«": "»", "„": "“", "‹": "›", "‘": "’"}
CLOSERS = {"”", "»", "›", "’"}
STRAIGHT = {'"'}
# Two apostrophes are a double quote in some wire styles (the New York Times: ''Yes,'' he said).
DOUBLE_APOSTROPHE = "''"
MARK_RE = re.compile(
    DOUBLE_APOSTROPHE + "|[" + re.escape("".join(sorted({*OPENERS, *CLOSERS, *STRAIGHT}))) + "]"
)
# A region longer than this is almost certainly a pairing error (one stray mark swallowing pages).
MAX_REGION_CHARS = 3000


@dataclass(frozen=True)
class Region:
    """A quoted region: ``start``/``end`` include the marks; ``inner_*`` exclude them."""

    start: int
    end: int
    closed: bool
    width: int = 1  # characters per mark (2 for '')

    @property
    def inner_start(self) -> int:
        return self.start + self.width

    @property
    def inner_end(self) -> int:
        return self.end - self.width if self.closed else self.end


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _closes(prev: str, nxt: str) -> bool:
    """A mark right after a word or sentence end and before a space or punctuation closes."""
    return not prev.isspace() and (nxt.isspace() or nxt in ",.;:!?")


def _opens(prev: str, nxt: str) -> bool:
    """A mark after a space (or the paragraph start) and right before a word opens."""
    return (prev.isspace() or prev in "(\u202a") and _is_word(nxt)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        if end > start:
            bounds.append((start, end))
        start = end + 1
    return bounds


def _scan(text: str, lo: int, hi: int) -> list[Region]:
    """Pair marks inside one paragraph ``text[lo:hi]``; only double-level quotes make regions."""
    regions: list[Region] = []
    open_at = -1
    open_char = ""
    open_width = 1
    for found in MARK_RE.finditer(text, lo, hi):
        i = found.start()
        ch = found.group()
        width = found.end() - i
        if ch == DOUBLE_APOSTROPHE:
            ch = '"'
        prev = text[i - 1] if i > lo else " "
        nxt = text[found.end()] if found.end() < hi else " "
        if ch in ("‘", "’"):
            # Single curly quotes double as apostrophes ("Russia’s"); only a ‘ after a space opens
            # a region, and only when no double-quote region is open (nested quotes stay inside).
            if ch == "‘" and open_at < 0 and not _is_word(prev) and not nxt.isspace():
                open_at, open_char = i, ch
            elif ch == "’" and open_char == "‘" and not _is_word(nxt):
                regions.append(Region(open_at, i + 1, True))
                open_at, open_char = -1, ""
            continue
        if ch in STRAIGHT:
            opening = open_at < 0 or open_char == "‘"
            if opening and (nxt.isspace() and not prev.isspace()):
                continue  # a lone closing-looking mark with nothing open: ignore
            if opening:
                open_at, open_char, open_width = i, ch, width
            elif width == open_width:
                regions.append(Region(open_at, found.end(), True, width))
                open_at, open_char = -1, ""
            continue
        if ch == "“" and open_char == "„":
            regions.append(Region(open_at, i + 1, True))  # German-style „…“
            open_at, open_char = -1, ""
        elif ch == "“" and open_char == "“" and _closes(prev, nxt):
            # An opening mark typed for the closing one ("… a fascist?“ he asked").
            regions.append(Region(open_at, i + 1, True))
            open_at, open_char = -1, ""
        elif ch == "”" and open_at < 0 and _opens(prev, nxt):
            open_at, open_char = i, "“"  # a closing mark typed for the opening one ("”Isis …")
        elif ch in OPENERS and open_char not in ("“", "«", "„", '"'):
            open_at, open_char = i, ch
        elif ch in CLOSERS and open_at >= 0 and open_char != "‘":
            regions.append(Region(open_at, i + 1, True))
            open_at, open_char = -1, ""
        elif ch in OPENERS:
            # A second opener while one is open: the first was never closed; restart here.
            open_at, open_char = i, ch
    if open_at >= 0 and hi - open_at > 1:
        regions.append(Region(open_at, hi, False, open_width if open_char == '"' else 1))
    return [r for r in regions if 1 < r.end - r.start <= MAX_REGION_CHARS]


def find_regions(text: str) -> list[Region]:
    """All quoted regions of ``text`` in order; never raises, linear in ``len(text)``."""
    regions: list[Region] = []
    for lo, hi in _paragraphs(text):
        regions.extend(_scan(text, lo, hi))
    return regions


class RegionIndex:
    """Sorted regions with O(log n) lookup of the region containing a character offset."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions
        self._starts = [r.start for r in regions]

    def containing(self, offset: int) -> Region | None:
        """The region whose marks enclose ``offset`` (start <= offset < end), if any."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.regions[i].start <= offset < self.regions[i].end:
            return self.regions[i]
        return None

    def first_after(self, offset: int) -> Region | None:
        """The first region starting at or after ``offset``."""
        i = bisect_right(self._starts, offset - 1)
        return self.regions[i] if i < len(self.regions) else None

    def overlapping(self, start: int, end: int) -> list[Region]:
        """Regions that overlap ``[start, end)``."""
        i = max(bisect_right(self._starts, start) - 1, 0)
        out: list[Region] = []
        while i < len(self.regions) and self.regions[i].start < end:
            r = self.regions[i]
            if r.end > start:
                out.append(r)
            i += 1
        return out
