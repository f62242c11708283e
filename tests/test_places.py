"""Geoparsing: gazetteer resolution, metonymy, ids and place_at (issue 5, place part)."""

from __future__ import annotations

import pytest

from wirelens.extract.places import extract_places, normalize, place_at, resolve
from wirelens.model import Analysis, Article, Place


def analyze(nlp, text: str) -> Analysis:  # type: ignore[no-untyped-def]
    analysis = Analysis(article=Article(id="t", text=text, published="2022-02-15"))
    extract_places(nlp(text), analysis)
    return analysis


def found(analysis: Analysis) -> list[tuple[str, str | None]]:
    """(surface text, gazetteer name) per place mention."""
    return [(p.text, p.name) for p in analysis.places]


def mention_at(analysis: Analysis, text: str, occurrence: int = 0) -> Place | None:
    """The place record starting at the ``occurrence``-th occurrence of ``text``, if any."""
    start = -1
    for _ in range(occurrence + 1):
        start = analysis.article.text.index(text, start + 1)
    return next((p for p in analysis.places if p.start == start), None)


# --- resolve(): spelling variants and ambiguity ------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "name", "country"),
    [
        (["Kyiv", "Kiev", "KIEV", "Kyïv"], "Kyiv", "UKR"),
        (["Lviv", "Lvov", "Lwow", "Lwów", "L'viv"], "Lviv", "UKR"),
        (["Kharkiv", "Kharkov"], "Kharkiv", "UKR"),
        (["Odesa", "Odessa"], "Odesa", "UKR"),
        (["Luhansk", "Lugansk"], "Luhansk", "UKR"),
        (["Donetsk"], "Donetsk", "UKR"),
        (["Mariupol"], "Mariupol", "UKR"),
        (["Minsk"], "Minsk", "BLR"),
        (["Moscow", "Moskva"], "Moscow", "RUS"),
        (["Brussels"], "Brussels", "BEL"),
        (["Beijing"], "Beijing", "CHN"),
        (["Munich", "München"], "Munich", "DEU"),
        (["Geneva"], "Geneva", "CHE"),
        (["Paris"], "Paris", "FRA"),
    ],
)
def test_resolve_spelling_variants(variants: list[str], name: str, country: str) -> None:
    for variant in variants:
        entry = resolve(variant)
        assert entry is not None, variant
        assert (entry["name"], entry["country"]) == (name, country), variant


def test_resolve_kyiv_and_lviv_coordinates() -> None:
    kyiv, lviv = resolve("Kiev"), resolve("Lvov")
    assert kyiv is not None and lviv is not None
    assert (round(kyiv["lat"], 2), round(kyiv["lon"], 2)) == (50.45, 30.52)
    assert (round(lviv["lat"], 2), round(lviv["lon"], 2)) == (49.84, 24.02)
    assert kyiv["feature"] == "PPLC" and lviv["feature"] == "PPL"


def test_resolve_washington_is_the_capital_not_the_state() -> None:
    for spelling in ["Washington", "Washington, D.C.", "Washington DC"]:
        entry = resolve(spelling)
        assert entry is not None
        assert (entry["name"], entry["feature"]) == ("Washington", "PPLC"), spelling
        assert round(entry["lat"]) == 39 and round(entry["lon"]) == -77
    state = resolve("Washington State")
    assert state is not None and state["feature"] == "ADM1"


def test_resolve_country_hint_picks_the_namesake() -> None:
    assert resolve("Paris", "USA") == resolve("Paris", "US")
    paris_tx = resolve("Paris", "USA")
    assert paris_tx is not None and paris_tx["country"] == "USA"
    assert paris_tx["geonameid"] != resolve("Paris")["geonameid"]  # type: ignore[index]
    # A hint for a country without a namesake falls back to the most populous entry.
    assert resolve("Kyiv", "FRA") == resolve("Kyiv")


def test_resolve_countries_regions_continents() -> None:
    cases = {
        "Ukraine": ("UKR", "PCLI"),
        "the United States": ("USA", "PCLI"),
        "U.S.": ("USA", "PCLI"),
        "Britain": ("GBR", "PCLI"),
        "Bosnia": ("BIH", "PCLI"),  # the short name news uses
        "Burma": ("MMR", "PCLI"),
        "Georgia": ("GEO", "PCLI"),
        "Crimea": ("UKR", "ADM1"),
        "Donbas": ("UKR", "RGN"),
        "Donbass": ("UKR", "RGN"),
        "the Black Sea": (None, "SEA"),
        "Europe": (None, "CONT"),
    }
    for name, (country, feature) in cases.items():
        entry = resolve(name)
        assert entry is not None, name
        assert (entry["country"], entry["feature"]) == (country, feature), name
        assert entry["lat"] is not None and entry["lon"] is not None, name
    ukraine = resolve("Ukraine")
    assert ukraine is not None and 44 < ukraine["lat"] < 53 and 22 < ukraine["lon"] < 41


def test_resolve_unknown_and_demonyms() -> None:
    for word in ["Russian", "Ukrainian", "Stoltenberg", "NATO", "Kremlin", ""]:
        assert resolve(word) is None, word


def test_normalize() -> None:
    assert normalize("The  Black Sea") == "black sea"
    assert normalize("Washington, D.C.") == "washington d.c."
    assert normalize("Kyïv’s") == "kyiv's"


# --- the reference article ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(nlp, reference_text: str) -> Analysis:  # type: ignore[no-untyped-def]
    return analyze(nlp, reference_text)


def test_reference_resolves_kyiv_lviv_ukraine(reference: Analysis) -> None:
    by_name = {p.name: p for p in reference.places}
    kyiv, lviv, ukraine = by_name["Kyiv"], by_name["Lviv"], by_name["Ukraine"]
    assert (kyiv.country, round(kyiv.lat or 0, 2), round(kyiv.lon or 0, 2)) == (
        "UKR",
        50.45,
        30.52,
    )
    assert (lviv.country, round(lviv.lat or 0, 2), round(lviv.lon or 0, 2)) == (
        "UKR",
        49.84,
        24.02,
    )
    assert ukraine.country == "UKR" and ukraine.feature == "PCLI" and ukraine.lat is not None


def test_reference_finds_mislabelled_and_untagged_toponyms(reference: Analysis) -> None:
    # "Kyiv" in "its embassy in Kyiv" is tagged PERSON; "Lviv" in "... Kyiv to Lviv" is untagged.
    assert mention_at(reference, "Kyiv") is not None
    assert mention_at(reference, "Lviv", 1) is not None
    assert len([p for p in reference.places if p.name == "Kyiv"]) == 2
    assert len([p for p in reference.places if p.name == "Lviv"]) == 2


def test_reference_metonymy(reference: Analysis) -> None:
    text = reference.article.text
    for phrase in ["Russia announced", "Russia did not say", "Russia has amassed"]:
        start = text.index(phrase)
        assert not any(p.start == start for p in reference.places), phrase
    assert not any(p.name == "Russia" for p in reference.places)
    assert not any(p.name == "France" for p in reference.places)  # "France said"
    # Documented choice: the source of "signs from Moscow" is a place (locative "from").
    moscow = mention_at(reference, "Moscow")
    assert moscow is not None and moscow.country == "RUS"
    # "met Putin in the Kremlin" adds no Moscow (the Kremlin is left to the actors extractor).
    assert [p.start for p in reference.places if p.name == "Moscow"] == [moscow.start]
    # Locative uses of Ukraine are places.
    for phrase in ["south of Ukraine", "around Ukraine", "part of Ukraine", "in Ukraine from"]:
        start = text.index(phrase) + phrase.index("Ukraine")
        assert any(p.start == start and p.name == "Ukraine" for p in reference.places), phrase


def test_reference_excludes_spans_inside_other_entities(reference: Analysis) -> None:
    text = reference.article.text
    for org in ["the Russian Defense Ministry Press Service", "The U.S. Department of State"]:
        start = text.index(org)
        end = start + len(org)
        assert not any(start <= p.start < end for p in reference.places), org
    assert not any(p.text in {"Russian", "Ukrainian", "Belarussian"} for p in reference.places)
    assert not any(p.name == "Casablanca" for p in reference.places)  # "White House" officials


def test_reference_spans_and_ids(reference: Analysis) -> None:
    text = reference.article.text
    ids: dict[str | None, str] = {}
    for place in reference.places:
        assert text[place.start : place.end] == place.text
        # One id per gazetteer entry, and one entry per id.
        assert ids.setdefault(place.name, place.id) == place.id
    assert len(set(ids.values())) == len(ids)
    # Ids number entries in order of first mention.
    first = sorted(ids.values(), key=lambda i: min(p.start for p in reference.places if p.id == i))
    assert first == [f"P{n}" for n in range(1, len(first) + 1)]
    assert reference.places == sorted(reference.places, key=lambda p: p.start)


def test_reference_place_at(reference: Analysis) -> None:
    text = reference.article.text
    sentence = "The U.S. Department of State also shut down its embassy in Kyiv and moved it"
    start = text.index(sentence)
    kyiv = mention_at(reference, "Kyiv")
    assert kyiv is not None
    assert place_at(reference, start, start + len(sentence)) == kyiv.id
    # "Our commitment to Ukraine's sovereignty": places, but none governed by a locative.
    pledge = "These prudent precautions"
    pstart = text.index(pledge)
    pend = text.index("is unwavering", pstart)
    assert any(pstart <= p.start < pend for p in reference.places)
    assert place_at(reference, pstart, pend) is None


def test_extract_is_idempotent_over_one_parse(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(reference_text)
    first = Analysis(article=Article(id="a", text=reference_text))
    extract_places(doc, first)
    second = Analysis(article=Article(id="a", text=reference_text))
    extract_places(doc, second)
    assert first.places == second.places


# --- metonymy both ways, on sentences of our own -----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Moscow said the troops would return to their bases.", "Moscow"),
        ("Washington accused Moscow of preparing an invasion.", "Washington"),
        ("Kyiv rejected Moscow's demands on Tuesday.", "Moscow"),
        ("Russia and Belarus announced joint drills.", "Belarus"),
        ("The plan was rejected by Kyiv.", "Kyiv"),
        ("Paris and Berlin pushed for talks, and Macron flew to Moscow.", "Paris"),
        ("The West did not put enough pressure on the Kiev authorities.", "Kiev"),
        ("There was no effort by Washington to end the talks.", "Washington"),
        ("Officials condemned Moscow's subversion of the talks.", "Moscow"),
        ("Both sides must implement the Minsk agreements in full.", "Minsk"),
    ],
)
def test_metonymic_toponym_is_not_a_place(nlp, sentence: str, actor: str) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze(nlp, sentence)
    assert mention_at(analysis, actor) is None, found(analysis)


@pytest.mark.parametrize(
    ("sentence", "place", "name"),
    [
        ("Washington accused Moscow of preparing an invasion.", "Moscow", "Moscow"),
        ("Protesters gathered in Kyiv and Kharkiv on Sunday.", "Kharkiv", "Kharkiv"),
        ("The embassy in Kiev moved staff to Lvov, then to Odessa.", "Lvov", "Lviv"),
        ("The embassy in Kiev moved staff to Lvov, then to Odessa.", "Odessa", "Odesa"),
        ("Explosions were heard near Donetsk and Luhansk.", "Luhansk", "Luhansk"),
        ("Explosions were heard near Donetsk, and shelling hit Mariupol.", "Mariupol", "Mariupol"),
        ("The talks were held in Geneva, while officials flew from Brussels to Munich.", "Munich",
         "Munich"),
        ("Fighting continued in Crimea, while ships massed in the Black Sea.", "Black Sea",
         "Black Sea"),
        ("Ukraine's border with Belarus stretches for 1,000 km.", "Ukraine", "Ukraine"),
        ("Ukraine borders Russia to the east.", "Ukraine", "Ukraine"),
        ("Paris and Berlin pushed for talks, and Macron flew to Moscow.", "Moscow", "Moscow"),
        ("Shelling was reported in the Kyiv region overnight.", "Kyiv region", "Kyiv Oblast"),
        ("Talks between officials were held in Minsk in 2015.", "Minsk", "Minsk"),
        ("Fighting continued in Eastern Ukraine.", "Ukraine", "Ukraine"),
        ("Forces retook a village in Western Cambodia.", "Cambodia", "Cambodia"),
    ],
)  # fmt: skip
def test_locative_toponym_is_a_place(nlp, sentence: str, place: str, name: str) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze(nlp, sentence)
    record = mention_at(analysis, place)
    assert record is not None, found(analysis)
    assert record.name == name


def test_longer_names_do_not_yield_their_parts(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Scholz met Biden at Camp David, and later the Federal Republic of Germany agreed."
    analysis = analyze(nlp, text)
    assert "David" not in [p.text for p in analysis.places]
    assert "Federal" not in [p.text for p in analysis.places]
    germany = [p for p in analysis.places if p.name == "Germany"]
    assert all(p.text == "Federal Republic of Germany" for p in germany)


def test_washington_dc_is_one_span(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze(nlp, "Diplomats in Washington, D.C. met their counterparts.")
    assert [(p.text, p.name, p.feature) for p in analysis.places] == [
        ("Washington, D.C.", "Washington", "PPLC")
    ]


def test_repeated_mentions_share_an_id(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze(nlp, "Shelling hit Kharkiv on Monday. Residents of Kharkov fled to Lviv.")
    kharkiv = [p for p in analysis.places if p.name == "Kharkiv"]
    assert [p.text for p in kharkiv] == ["Kharkiv", "Kharkov"]
    assert kharkiv[0].id == kharkiv[1].id == "P1"
    assert mention_at(analysis, "Lviv").id == "P2"  # type: ignore[union-attr]


def test_mentioned_country_breaks_ties(nlp) -> None:  # type: ignore[no-untyped-def]
    # Cambridge, UK is the most populous; a US article makes it Cambridge, Massachusetts.
    plain = analyze(nlp, "Scientists met in Cambridge on Monday.")
    in_us = analyze(nlp, "The United States sent experts. Scientists met in Cambridge on Monday.")
    assert mention_at(plain, "Cambridge").country == "GBR"  # type: ignore[union-attr]
    assert mention_at(in_us, "Cambridge").country == "USA"  # type: ignore[union-attr]
    # Far less populous namesakes and other kinds do not flip: Paris stays in France, and
    # Georgia the country is not turned into the US state.
    paris = analyze(nlp, "The United States sent experts. Talks were held in Paris.")
    georgia = analyze(nlp, "The United States sent experts. Protests spread in Georgia.")
    assert mention_at(paris, "Paris").country == "FRA"  # type: ignore[union-attr]
    assert mention_at(georgia, "Georgia").country == "GEO"  # type: ignore[union-attr]


def test_place_at_needs_a_locative_preposition(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ukraine's commitment to Kyiv is firm. Troops gathered near Kharkiv and in Sumy."
    analysis = analyze(nlp, text)
    first_end = text.index(".") + 1
    assert place_at(analysis, 0, first_end) is None
    kharkiv = mention_at(analysis, "Kharkiv")
    assert kharkiv is not None
    assert place_at(analysis, first_end, len(text)) == kharkiv.id
    sumy = mention_at(analysis, "Sumy")
    assert sumy is not None
    assert place_at(analysis, sumy.start, len(text)) == sumy.id
