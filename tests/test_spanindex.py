"""SpanIndex answers exactly what a scan over all spans answers, in the order given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wirelens.extract.spanindex import SpanIndex

spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=25,
)
queries = st.tuples(st.integers(0, 80), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1]))


@given(spans, queries)
def test_queries_equal_a_scan_in_the_given_order(given_spans, query) -> None:  # type: ignore[no-untyped-def]
    index = SpanIndex((s, e, n) for n, (s, e) in enumerate(given_spans))
    start, end = query
    numbered = list(enumerate(given_spans))
    assert index.containing(start, end) == [n for n, (s, e) in numbered if s <= start and end <= e]
    assert index.overlapping(start, end) == [n for n, (s, e) in numbered if s < end and start < e]
    assert list(index.inside(start, end)) == [
        n for n, (s, e) in numbered if start <= s and e <= end
    ]
    assert len(index) == len(given_spans)


def test_nested_and_unsorted_spans() -> None:
    index = SpanIndex([(10, 20, "b"), (0, 100, "a"), (12, 14, "c")])
    assert index.containing(12, 13) == ["b", "a", "c"]
    assert index.overlapping(95, 99) == ["a"]
    assert list(index.inside(0, 20)) == ["b", "c"]
    assert SpanIndex([]).containing(1, 2) == []


@given(spans, queries, st.integers(0, 90))
def test_growing_spans_equal_a_scan(given_spans, query, offset) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.spanindex import GrowingSpans

    grown = GrowingSpans()
    for number, (s, e) in enumerate(given_spans):
        grown.add(s, e)
        so_far = given_spans[: number + 1]
        start, end = query
        assert grown.hold(offset) == any(s <= offset < e for s, e in so_far)
        assert grown.contain(start, end) == any(s <= start and end <= e for s, e in so_far)
        assert grown.overlap(start, end) == sum(
            max(0, min(e, end) - max(s, start)) for s, e in so_far
        )
