"""Property-based tests: any text gives a valid record whose spans point at what they claim."""

from __future__ import annotations

from fuzz.harnesses import check_analysis  # spans and the shipped JSON Schema, shared with fuzzing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirelens.ingest.article import make_article
from wirelens.pipeline import default_pipeline

# Fragments that exercise the extractors: names, cue verbs, quotes of every kind, dates, places.
FRAGMENTS = [
    "NATO Secretary-General Jens Stoltenberg",
    " said ",
    " told reporters ",
    "“",
    "”",
    '"',
    "'",
    "«",
    "»",
    "Russia",
    " announced on Tuesday that ",
    " the Kremlin ",
    " in Kyiv ",
    " Lviv",
    "Feb. 16",
    " last week ",
    ", according to Reuters.",
    " allegedly ",
    " no evidence was provided ",
    "\n\n",
    ". ",
    "he",
    " troops ",
    "130,000",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, published=st.sampled_from([None, "2022-02-15", "1899-12-31", "2099-01-01"]))
def test_any_text_gives_a_valid_record(text: str, published: str | None) -> None:
    article = make_article(text or " ", published=published)
    check_analysis(default_pipeline().analyze(article))
