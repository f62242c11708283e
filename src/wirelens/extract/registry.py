"""The extractors in pipeline order; imported lazily so ``import wirelens`` stays cheap."""

from __future__ import annotations

from ..pipeline import Extractor


def ordered() -> list[tuple[str, Extractor]]:
    """(name, extractor) pairs: each reads the records of the ones before it."""
    from .actors import extract_actors
    from .anchoring import anchor_quotes
    from .claims import extract_claims
    from .events import extract_events
    from .places import extract_places
    from .quotes import extract_quotes
    from .times import extract_times

    return [
        ("actors", extract_actors),
        ("times", extract_times),
        ("places", extract_places),
        ("quotes", extract_quotes),
        ("anchoring", anchor_quotes),
        ("claims", extract_claims),
        ("events", extract_events),
    ]
