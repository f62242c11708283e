"""The Python API: ``wirelens.analyze`` and the typed records it returns."""

from __future__ import annotations

import json

import pytest

import wirelens
from wirelens.ingest.article import InputError
from wirelens.model import Analysis


def test_analyze_returns_typed_records_that_round_trip() -> None:
    text = "NATO said on Tuesday that Russia had moved troops."
    analysis = wirelens.analyze(text, published="2022-02-15", outlet="Example Wire")
    assert isinstance(analysis, Analysis)
    assert analysis.article.outlet == "Example Wire"
    assert analysis.article.published == "2022-02-15"
    assert [a.name for a in analysis.actors] == ["NATO", "Russia"]
    again = Analysis.model_validate_json(analysis.to_json())
    assert again == analysis
    assert set(json.loads(analysis.to_json())) == {
        "article", "actors", "quotes", "claims", "events", "times", "places",
    }  # fmt: skip


def test_same_text_same_id_whatever_the_whitespace() -> None:
    a = wirelens.analyze("Russia  announced a pullback.\n")
    b = wirelens.analyze("Russia announced a pullback.")
    assert a.article.id == b.article.id


def test_bad_publication_date_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="publication date"):
        wirelens.analyze("Russia announced a pullback.", published="next Tuesday")
