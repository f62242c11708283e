"""Political events (actor - action - target) coded in PLOVER and CAMEO; see :mod:`.extractor`."""

from __future__ import annotations

from .extractor import extract_events

__all__ = ["extract_events"]
