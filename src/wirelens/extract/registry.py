"""The extractors in pipeline order; imported lazily so ``import wirelens`` stays cheap."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from ..model import Analysis

Extractor = Callable[[Doc, Analysis], None]


def ordered() -> list[tuple[str, Extractor]]:
    from .actors import extract_actors

    return [("actors", extract_actors)]
