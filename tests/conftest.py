"""Shared fixtures: the spaCy pipeline (loaded once) and the read-only corpora in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
REFERENCE_ARTICLE = EXAMPLES / "2022-02-15-nato-cautious-optimism.txt"
REFERENCE_PUBLISHED = "2022-02-15"


def shared_data_dir() -> Path:
    """../shared/data beside the checkout, or $WIRELENS_SHARED_DATA."""
    return Path(os.environ.get("WIRELENS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public corpora; tests that need them skip with a clear message when absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared corpora not found at {path} (set WIRELENS_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from wirelens.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def reference_text() -> str:
    return REFERENCE_ARTICLE.read_text(encoding="utf-8")
