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
