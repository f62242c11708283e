"""Character spans answered by bisection instead of a scan over all of them.

Extractors ask "which quote holds this word?", "which actor mention overlaps it?", "which dated
time lies in this clause?" once per candidate. A scan over all spans makes that quadratic in
the article's length (a 1 MB article has thousands of each); sorted starts plus the running
maximum of the ends answer it in logarithmic time for the usual, non-nested spans.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """``(start, end, value)`` triples; every query returns them in the order they were given
    (``rank``), whatever the order of their starts."""

    def __init__(self, spans: Iterable[tuple[int, int, T]]) -> None:
        ranked = [(start, end, rank, value) for rank, (start, end, value) in enumerate(spans)]
        ranked.sort(key=lambda item: (item[0], item[2]))
        self._spans = ranked
        self._starts = [start for start, _, _, _ in ranked]
        # reach[i]: the furthest end among the first i + 1 spans (non-decreasing).
        self._reach = list(accumulate((end for _, end, _, _ in ranked), max))

    def __len__(self) -> int:
        return len(self._spans)

    def containing(self, start: int, end: int) -> list[T]:
        """Values of the spans with ``s <= start`` and ``end <= e``, in rank order."""
        i = bisect_right(self._starts, start)  # the spans starting at or before ``start``
        found: list[tuple[int, T]] = []
        while i > 0 and self._reach[i - 1] >= end:
            i -= 1
            _, e, rank, value = self._spans[i]
            if end <= e:
                found.append((rank, value))
        return [value for _, value in sorted(found, key=lambda item: item[0])]

    def overlapping(self, start: int, end: int) -> list[T]:
        """Values of the spans with ``s < end`` and ``start < e``, in rank order."""
        first = bisect_right(self._reach, start)  # before it, every span ends by ``start``
        found = [
            (rank, value)
            for s, e, rank, value in self._spans[first : bisect_left(self._starts, end)]
            if start < e and s < end
        ]
        return [value for _, value in sorted(found, key=lambda item: item[0])]

    def inside(self, lo: int, hi: int) -> Iterator[T]:
        """Values of the spans with ``lo <= s`` and ``e <= hi``, in rank order."""
        found = [
            (rank, value)
            for _, e, rank, value in self._spans[
                bisect_left(self._starts, lo) : bisect_right(self._starts, hi)
            ]
            if e <= hi
        ]
        return (value for _, value in sorted(found, key=lambda item: item[0]))


class GrowingSpans:
    """``(start, end)`` spans added one at a time, asked by bisection over their starts.

    A span that starts more than the longest span's length before a position ends before it,
    so every question looks only at the spans starting in that window.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._longest = 0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        self._longest = max(self._longest, end - start)

    def _near(self, lo: int, hi: int) -> Iterator[tuple[int, int]]:
        """The spans with ``lo - longest <= s < hi``."""
        first = bisect_left(self._starts, lo - self._longest)
        for at in range(first, bisect_left(self._starts, hi)):
            yield self._starts[at], self._ends[at]

    def hold(self, offset: int) -> bool:
        """Some span has ``s <= offset < e``."""
        return any(offset < e for _, e in self._near(offset, offset + 1))

    def contain(self, start: int, end: int) -> bool:
        """Some span has ``s <= start`` and ``end <= e``."""
        return any(s <= start and end <= e for s, e in self._near(start, start + 1))

    def overlap(self, start: int, end: int) -> int:
        """Characters of ``[start, end)`` inside the spans, counted once per span."""
        return sum(max(0, min(e, end) - max(s, start)) for s, e in self._near(start, end))
