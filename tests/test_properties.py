"""Property-based tests: any text gives a valid record whose spans point at what they claim."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirelens.ingest.article import make_article
from wirelens.model import Analysis, json_schema
from wirelens.pipeline import default_pipeline

VALIDATOR = jsonschema.Draft202012Validator(json_schema())

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


def check_spans(analysis: Analysis) -> None:
    text = analysis.article.text
    n = len(text)
    for actor in analysis.actors:
        for start, end in actor.mentions:
            assert 0 <= start < end <= n
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
        assert text[event.trigger.start : event.trigger.end] == event.trigger.text
    ids = {a.id for a in analysis.actors}
    for quote in analysis.quotes:
        if quote.source is not None and quote.source.actor_id is not None:
            assert quote.source.actor_id in ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, published=st.sampled_from([None, "2022-02-15", "1899-12-31", "2099-01-01"]))
def test_any_text_gives_a_valid_record(text: str, published: str | None) -> None:
    article = make_article(text or " ", published=published)
    analysis = default_pipeline().analyze(article)
    check_spans(analysis)
    VALIDATOR.validate(json.loads(analysis.to_json()))
