"""The actor gazetteer: countries, organisations, persons and role words (``resources/actors``).

The tables are plain UTF-8 TSV files (see ``actors/SOURCE.md`` for their columns and sources). This
module reads and validates them once (``load_gazetteer()`` is cached) and answers the questions the
actors extractor asks per entity with dictionary lookups:

>>> gaz = load_gazetteer()
>>> gaz.country("Belarussian").iso3
'BLR'
>>> gaz.metonym("the Kremlin").iso3
'RUS'
>>> gaz.person("Stoltenberg", 2022).organization
'NATO'
>>> gaz.role("Foreign Ministry spokeswoman").role
'spokeswoman'

Matching is case-insensitive, accent-insensitive ("Elysee" = "Élysée"), treats hyphens as spaces
("Secretary General" = "Secretary-General") and ignores a leading "the ".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

# PLOVER sector codes and its non-state "country" codes (PLOVER manual, "Country Names and Sector
# Codes"); CAMEO uses the same three-letter vocabulary.
SECTORS = frozenset({
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC", "IGO",
    "UNO", "EUR", "NGO", "ISM", "IMG", "MNC",
})  # fmt: skip
ORG_KINDS = frozenset({"organization", "group"})
# person: a post one person holds; group: a plural or collective noun ("troops");
# org leader: a leader's title whose sector comes from the organisation led ("Secretary-General").
ROLE_KINDS = frozenset({"person", "group", "org leader"})

COUNTRY_COLUMNS = ("iso3", "name", "aliases", "demonyms", "capital", "metonyms")
ORG_COLUMNS = ("name", "aliases", "kind", "country", "sector", "parent")
PERSON_COLUMNS = ("name", "aliases", "country", "roles", "organization", "sector", "from", "to")
ROLE_COLUMNS = ("role", "sector", "kind")

# Lower-case name particles that belong to the surname ("von der Leyen", "da Silva").
_PARTICLES = frozenset({
    "von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
    "le", "bin", "ibn", "al", "el", "ter", "ten", "zu",
})  # fmt: skip
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr."})
# Honorifics dropped before the surname is taken ("Sir Keir Starmer" -> "Starmer").
_HONORIFICS = frozenset({"sir", "dame", "lord", "lady", "ayatollah", "dr", "dr."})
# Monarchs and religious heads have no surname of their own ("King Charles III", "Pope Francis").
_REGNAL_TITLES = frozenset({"king", "queen", "emperor", "pope", "patriarch", "prince", "princess"})
_ROMAN = re.compile(r"[IVXL]+")
# Acronyms that are also common English words when lower-cased ("US", "WHO", "IS"): matched only
# in the case the table writes them, so "told us" never becomes the United States.
_CASE_SENSITIVE = frozenset({
    "us", "who", "is", "it", "pa", "car", "mod", "sis", "cis", "am", "as", "an", "at", "be",
    "by", "do", "go", "he", "if", "in", "me", "my", "no", "of", "on", "or", "so", "to", "up",
    "we",
})  # fmt: skip
# Countries whose leaders' names are written family name first in English-language news.
_FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "KOR", "PRK"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ISO3 = re.compile(r"[A-Z]{3}")
_YEAR = re.compile(r"(19|20)\d\d")


class GazetteerError(ValueError):
    """A malformed gazetteer file; the message names the file and line."""


# Extractors look up the same few thousand words and names in every article: cache the keys.
@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The lookup key of a name: case- and accent-folded, hyphens as spaces, no leading "the "."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = folded.replace("’", "'").replace("‘", "'")
    folded = re.sub(r"[-‐‑‒–—]", " ", folded)
    folded = " ".join(folded.split())
    return folded[4:] if folded.startswith("the ") else folded


def _key(text: str) -> str:
    """The index key of a name: ``normalize(text)``, or the exact text for guarded acronyms."""
    key = normalize(text)
    if key not in _CASE_SENSITIVE:
        return key
    raw = " ".join(text.split())
    return "=" + (raw[4:] if raw[:4].casefold() == "the " else raw)


def _words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens of a phrase as (start, end, normalised word); hyphens and periods split words."""
    return [(m.start(), m.end(), normalize(m.group())) for m in _WORD.finditer(text)]


def _role_key(text: str) -> str:
    """The lookup key of a role phrase: its normalised words joined by single spaces."""
    return " ".join(w for _, _, w in _words(text))


@dataclass(frozen=True)
class CountryEntry:
    """A country (UN member or observer, plus Taiwan and Kosovo)."""

    iso3: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: tuple[str, ...]
    metonyms: tuple[str, ...]


@dataclass(frozen=True)
class OrgEntry:
    """An organisation (``kind`` "organization") or a loose group of actors ("group")."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    sector: str | None
    parent: str | None


@dataclass(frozen=True)
class PersonEntry:
    """One post held by one person; a person with several posts has several entries."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    roles: tuple[str, ...]
    organization: str | None
    sector: str | None
    start: int | None
    end: int | None

    @property
    def surname(self) -> str:
        """The family name news uses alone ("Stoltenberg", "von der Leyen", "Xi")."""
        return _surname(self.name, self.country)

    def active(self, year: int) -> bool:
        """Whether the post was held at some time in ``year``."""
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class RoleEntry:
    """A title or role word and the sector it implies (None: it depends on the organisation)."""

    role: str
    sector: str | None
    kind: str | None


def _surname(name: str, country: str | None) -> str:
    tokens = name.split()
    if tokens[0].casefold() in _REGNAL_TITLES or any(_ROMAN.fullmatch(t) for t in tokens[1:]):
        return name  # "King Charles III", "Pope Francis": no surname of their own
    while len(tokens) > 1 and tokens[0].casefold() in _HONORIFICS:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1].casefold().rstrip(",") in _SUFFIXES:
        tokens.pop()
    if len(tokens) == 1:
        return tokens[0]
    if country in _FAMILY_NAME_FIRST:
        return tokens[0]
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(tokens[start:]).rstrip(",")


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    file: str
    line: int
    cells: dict[str, str]

    def error(self, message: str) -> GazetteerError:
        return GazetteerError(f"{self.file}:{self.line}: {message}")

    def text(self, column: str) -> str:
        value = self.cells[column]
        if not value:
            raise self.error(f"column {column!r} must not be empty")
        return value

    def items(self, column: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in self.cells[column].split("|") if item.strip())

    def optional(self, column: str) -> str | None:
        return self.cells[column] or None

    def iso3(self, column: str, known: Iterable[str] | None = None) -> str | None:
        value = self.cells[column]
        if not value:
            return None
        if not _ISO3.fullmatch(value):
            raise self.error(f"{column} {value!r} is not an ISO 3166-1 alpha-3 code")
        if known is not None and value not in known:
            raise self.error(f"{column} {value!r} is not in countries.tsv")
        return value

    def sector(self) -> str | None:
        value = self.cells["sector"]
        if value and value not in SECTORS:
            raise self.error(f"unknown sector code {value!r} (expected one of {sorted(SECTORS)})")
        return value or None

    def year(self, column: str) -> int | None:
        value = self.cells[column]
        if not value:
            return None
        if not _YEAR.fullmatch(value):
            raise self.error(f"{column} {value!r} is not a year")
        return int(value)


def _rows(file: Traversable, columns: tuple[str, ...]) -> Iterator[_Row]:
    """The data rows of one TSV file, checked against its header and column count."""
    header_seen = False
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        if not header_seen:
            if tuple(cells) != columns:
                raise GazetteerError(
                    f"{file.name}:{number}: header {cells} != expected {list(columns)}"
                )
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise GazetteerError(
                f"{file.name}:{number}: expected {len(columns)} tab-separated columns, "
                f"got {len(cells)}"
            )
        yield _Row(file.name, number, dict(zip(columns, cells, strict=True)))
    if not header_seen:
        raise GazetteerError(f"{file.name}: no header row")


def _claim(index: dict[str, str], key: str, owner: str, row: _Row, what: str) -> None:
    """Index ``key`` -> ``owner``, refusing a key that already names something else."""
    previous = index.setdefault(key, owner)
    if previous != owner:
        raise row.error(f"{what} {key!r} names both {previous!r} and {owner!r}")


# -- the gazetteer -------------------------------------------------------------------------------


class Gazetteer:
    """Validated actor tables with O(1) lookups by any name, alias, demonym or seat."""

    def __init__(
        self,
        countries: Iterable[CountryEntry],
        organizations: Iterable[OrgEntry],
        persons: Iterable[PersonEntry],
        roles: Iterable[RoleEntry],
    ) -> None:
        self.countries: dict[str, CountryEntry] = {c.iso3: c for c in countries}
        self.organizations: dict[str, OrgEntry] = {o.name: o for o in organizations}
        self.persons: tuple[PersonEntry, ...] = tuple(persons)
        self.roles: dict[str, RoleEntry] = {_role_key(r.role): r for r in roles}
        self._country_names: dict[str, CountryEntry] = {}
        self._metonyms: dict[str, CountryEntry] = {}
        self._capitals: dict[str, CountryEntry] = {}
        for entry in self.countries.values():
            for name in (entry.name, *entry.aliases, *entry.demonyms):
                self._country_names.setdefault(_key(name), entry)
            for name in entry.metonyms:
                self._metonyms.setdefault(_key(name), entry)
            for name in entry.capital:
                self._capitals.setdefault(_key(name), entry)
        self._org_names: dict[str, OrgEntry] = {}
        for org in self.organizations.values():
            for name in (org.name, *org.aliases):
                self._org_names.setdefault(_key(name), org)
        self._person_names: dict[str, list[PersonEntry]] = {}
        self._surnames: dict[str, list[PersonEntry]] = {}
        for person in self.persons:
            for name in (person.name, *person.aliases):
                self._person_names.setdefault(_key(name), []).append(person)
                surname = _surname(name, person.country)
                # a surname that names a place ("Luís Montenegro") is read as the place alone
                if " " in name.strip() and surname != name and not self._place_name(surname):
                    entries = self._surnames.setdefault(_key(surname), [])
                    if person not in entries:
                        entries.append(person)
        self._role_words = max((len(key.split()) for key in self.roles), default=0)

    def _place_name(self, name: str) -> bool:
        key = _key(name)
        return key in self._country_names or key in self._capitals or key in self._metonyms

    @classmethod
    def from_dir(cls, directory: Traversable | Path) -> Gazetteer:
        """Read and validate the four tables (countries, organizations, persons, roles)."""
        countries = _read_countries(directory / "countries.tsv")
        organizations = _read_organizations(directory / "organizations.tsv", countries)
        persons = _read_persons(directory / "persons.tsv", countries, organizations)
        roles = _read_roles(directory / "roles.tsv")
        return cls(countries, organizations, persons, roles)

    # -- lookups ------------------------------------------------------------------------------
    def country(self, name: str) -> CountryEntry | None:
        """The country with this name, alias or demonym ("U.S.", "Belarussian", "the UK")."""
        return self._country_names.get(_key(name))

    def metonym(self, name: str) -> CountryEntry | None:
        """The country whose government a seat of government stands for ("the Kremlin", "Kiev")."""
        return self._metonyms.get(_key(name))

    def capital(self, name: str) -> CountryEntry | None:
        """The country whose capital this is ("Kiev" and "Kyiv" -> Ukraine)."""
        return self._capitals.get(_key(name))

    def organization(self, name: str) -> OrgEntry | None:
        """The organisation or group with this name or alias ("the Alliance" -> NATO)."""
        return self._org_names.get(_key(name))

    def person(self, name: str, year: int | None = None) -> PersonEntry | None:
        """The person with this full name or alias, or with this surname when that is unambiguous.

        A bare surname counts only when one person bearing it held a listed post in ``year``
        (or, if nobody did, when only one person in the gazetteer bears it). Of a person's
        posts the one held in ``year`` is returned, else the latest.
        """
        key = _key(name)
        if key in self._person_names:
            return _pick(self._person_names[key], year, strict=False)
        if key in self._surnames:
            return _pick(self._surnames[key], year, strict=True)
        return None

    def role(self, phrase: str) -> RoleEntry | None:
        """The longest known role at the end of ``phrase`` ("NATO Secretary-General").

        When the phrase does not end in a role ("Minister of Foreign Affairs of Ukraine"), the
        last role found inside it.
        """
        words = _words(phrase)
        for size in range(min(self._role_words, len(words)), 0, -1):
            entry = self.roles.get(" ".join(w for _, _, w in words[-size:]))
            if entry is not None:
                return entry
        found = self.roles_in(phrase)
        return found[-1][2] if found else None

    def roles_in(self, phrase: str) -> list[tuple[int, int, RoleEntry]]:
        """Character spans of the known roles in ``phrase``, longest match first, left to right."""
        words = _words(phrase)
        out: list[tuple[int, int, RoleEntry]] = []
        i = 0
        while i < len(words):
            for size in range(min(self._role_words, len(words) - i), 0, -1):
                entry = self.roles.get(" ".join(w for _, _, w in words[i : i + size]))
                if entry is not None:
                    out.append((words[i][0], words[i + size - 1][1], entry))
                    i += size
                    break
            else:
                i += 1
        return out

    def names(self) -> set[str]:
        """Every surface form as written in the tables (for a phrase matcher); no bare surnames."""
        out: set[str] = set()
        for c in self.countries.values():
            out.update((c.name, *c.aliases, *c.demonyms, *c.capital, *c.metonyms))
        for o in self.organizations.values():
            out.update((o.name, *o.aliases))
        for p in self.persons:
            out.update((p.name, *p.aliases))
        return out


def _pick(entries: list[PersonEntry], year: int | None, *, strict: bool) -> PersonEntry | None:
    """One entry among same-key candidates: None when they are different people (see ``person``)."""
    people = {e.name for e in entries}
    if year is not None and len(people) > 1:
        active = [e for e in entries if e.active(year)]
        if active or strict:
            entries = active
            people = {e.name for e in entries}
    if len(people) != 1:
        return None
    if year is not None:
        held = [e for e in entries if e.active(year)]
        if held:
            return max(held, key=lambda e: e.start or 0)
    return max(entries, key=lambda e: (e.end is None, e.end or 0, e.start or 0))


def _read_countries(file: Traversable | Path) -> list[CountryEntry]:
    out: list[CountryEntry] = []
    names: dict[str, str] = {}
    seats: dict[str, str] = {}
    for row in _rows(file, COUNTRY_COLUMNS):
        iso3 = row.iso3("iso3")
        if iso3 is None:
            raise row.error("column 'iso3' must not be empty")
        entry = CountryEntry(
            iso3=iso3,
            name=row.text("name"),
            aliases=row.items("aliases"),
            demonyms=row.items("demonyms"),
            capital=row.items("capital"),
            metonyms=row.items("metonyms"),
        )
        if any(c.iso3 == iso3 for c in out):
            raise row.error(f"duplicate iso3 {iso3!r}")
        for name in (entry.name, *entry.aliases, *entry.demonyms):
            _claim(names, normalize(name), iso3, row, "country name")
        for name in (*entry.capital, *entry.metonyms):
            _claim(seats, normalize(name), iso3, row, "capital or metonym")
        out.append(entry)
    return out


def _read_organizations(file: Traversable | Path, countries: list[CountryEntry]) -> list[OrgEntry]:
    known = {c.iso3 for c in countries}
    out: list[OrgEntry] = []
    names: dict[str, str] = {}
    parents: list[tuple[_Row, str]] = []
    for row in _rows(file, ORG_COLUMNS):
        kind = row.text("kind")
        if kind not in ORG_KINDS:
            raise row.error(f"kind {kind!r} is not one of {sorted(ORG_KINDS)}")
        entry = OrgEntry(
            name=row.text("name"),
            aliases=row.items("aliases"),
            kind=kind,
            country=row.iso3("country", known),
            sector=row.sector(),
            parent=row.optional("parent"),
        )
        for name in (entry.name, *entry.aliases):
            _claim(names, normalize(name), entry.name, row, "organization name")
        if entry.parent:
            parents.append((row, entry.parent))
        out.append(entry)
    canonical = {o.name for o in out}
    for row, parent in parents:  # parents may come later in the file
        if parent not in canonical:
            raise row.error(f"parent {parent!r} is not an organization name")
    return out


def _read_persons(
    file: Traversable | Path, countries: list[CountryEntry], organizations: list[OrgEntry]
) -> list[PersonEntry]:
    known = {c.iso3 for c in countries}
    orgs = {o.name for o in organizations}
    out: list[PersonEntry] = []
    for row in _rows(file, PERSON_COLUMNS):
        organization = row.optional("organization")
        if organization is not None and organization not in orgs:
            raise row.error(f"organization {organization!r} is not in organizations.tsv")
        entry = PersonEntry(
            name=row.text("name"),
            aliases=row.items("aliases"),
            country=row.iso3("country", known),
            roles=row.items("roles"),
            organization=organization,
            sector=row.sector(),
            start=row.year("from"),
            end=row.year("to"),
        )
        if entry.start is not None and entry.end is not None and entry.end < entry.start:
            raise row.error(f"'to' {entry.end} is before 'from' {entry.start}")
        if not entry.roles:
            raise row.error("column 'roles' must not be empty")
        out.append(entry)
    return out


def _read_roles(file: Traversable | Path) -> list[RoleEntry]:
    out: list[RoleEntry] = []
    seen: dict[str, str] = {}
    for row in _rows(file, ROLE_COLUMNS):
        kind = row.optional("kind")
        if kind is not None and kind not in ROLE_KINDS:
            raise row.error(f"kind {kind!r} is not one of {sorted(ROLE_KINDS)}")
        entry = RoleEntry(role=row.text("role"), sector=row.sector(), kind=kind)
        _claim(seen, _role_key(entry.role), entry.role, row, "role")
        out.append(entry)
    return out


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read from the package data once per process."""
    return Gazetteer.from_dir(resources.files("wirelens") / "resources" / "actors")


__all__ = [
    "CountryEntry",
    "Gazetteer",
    "GazetteerError",
    "OrgEntry",
    "PersonEntry",
    "RoleEntry",
    "load_gazetteer",
    "normalize",
]
