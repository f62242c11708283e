"""Actors: people, organisations, countries and groups, merged within the article.

Reads spaCy's entities plus gazetteer matches (the small model mislabels: "Kyiv" as PERSON,
"Stoltenberg" as ORG), then
  1. classifies every candidate mention against the shipped gazetteer (persons, organisations,
     countries with aliases and demonyms, seats of government used as speakers);
  2. joins surnames to full names ("Stoltenberg" -> "Jens Stoltenberg");
  3. reads roles and affiliations from premodifiers and appositions ("NATO Secretary-General",
     "Foreign Ministry spokeswoman", "Belarussian President");
  4. fills country (ISO3) and sector (PLOVER/CAMEO) from the text, then from the gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ..model import Actor, ActorKind, Analysis
from ..resources.gazetteer import Gazetteer, OrgEntry, PersonEntry, load_gazetteer
from .doctext import doc_ents, doc_text
from .places import is_actor, names_something_else
from .spanindex import GrowingSpans

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
LEADING_DETERMINERS = {"the", "a", "an", "our", "their", "its", "his", "her"}
# Head words of organisation names that imply a sector when the gazetteer does not know the name.
ORG_SECTOR_WORDS = {
    "defense": "MIL", "defence": "MIL", "army": "MIL", "military": "MIL", "navy": "MIL",
    "forces": "MIL", "ministry": "GOV", "government": "GOV", "office": "GOV", "embassy": "GOV",
    "department": "GOV", "parliament": "LEG", "duma": "LEG", "senate": "LEG", "congress": "LEG",
    "court": "JUD", "police": "COP", "party": "PTY", "intelligence": "SPY", "news": "JRN",
    "agency": "GOV", "press": "GOV", "television": "JRN", "newspaper": "JRN",
}  # fmt: skip
# Nouns naming a part of a country's people ("Afghan rebels", "Serbian forces", "French workers"):
# with a demonym or country name in front, the actor is that part (PLOVER: country + sector),
# not the government. Only nouns whose sector is unambiguous.
GROUP_SECTOR_NOUNS = {
    **dict.fromkeys((
        "troop", "force", "soldier", "army", "military", "aircraft", "warplane", "jet", "tank",
        "serviceman", "servicemen", "navy", "artillery", "paratrooper", "marine", "gunship",
        "helicopter", "battalion", "brigade", "warship", "submarine",
    ), "MIL"),
    **dict.fromkeys(("rebel", "insurgent", "militant", "guerrilla", "separatist"), "REB"),
    **dict.fromkeys((
        "civilian", "villager", "resident", "protester", "protestor", "demonstrator", "activist",
        "population",
    ), "CVL"),
    **dict.fromkeys(("parliament", "lawmaker", "legislator", "legislature"), "LEG"),
    **dict.fromkeys(("police", "policeman", "policemen"), "COP"),
    **dict.fromkeys(("journalist", "reporter", "media", "medium"), "JRN"),  # "media" lemma: medium
    "refugee": "REF", "worker": "LAB", "opposition": "OPP", "court": "JUD", "judge": "JUD",
    "student": "EDU", "doctor": "MED",
}  # fmt: skip
# Heads of names that are documents or instruments, not actors ("Executive Order 14024",
# "the Minsk Agreements", "Resolution 2202"), though the model tags them ORG.
DOCUMENT_HEADS = {
    "order", "act", "bill", "law", "treaty", "agreement", "accord", "memorandum", "resolution",
    "charter", "protocol", "doctrine", "amendment", "directive", "decree", "declaration",
}  # fmt: skip
# Compass adjectives that the gazetteer reads as a group ("Western" -> the West) but that in
# front of a place name only say which part of it ("Western Cambodia", "Eastern Ukraine").
COMPASS_WORDS = {"western", "eastern", "northern", "southern"}
# words allowed between the demonym and that noun ("Ukrainian armed forces", "Russian and
# Belarusian troops")
_GROUP_GAP_DEPS = {"amod", "compound", "nmod", "cc", "conj"}


@dataclass
class _Draft:
    """An actor being assembled from its mentions."""

    key: tuple[str, str]
    name: str
    kind: ActorKind
    country: str | None = None
    sector: str | None = None
    roles: list[str] = field(default_factory=list)
    organization: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, start: int, end: int, text: str) -> None:
        if (start, end) not in self.mentions:
            self.mentions.append((start, end))
            self.texts.append(text)

    def add_role(self, role: str) -> None:
        if role.lower() not in (r.lower() for r in self.roles):
            self.roles.append(role)


@lru_cache(maxsize=4)
def _matcher(vocab: Vocab) -> PhraseMatcher:
    """Case-sensitive phrase matcher over gazetteer names (built once per vocabulary)."""
    tokenizer = English(vocab=vocab).tokenizer
    matcher = PhraseMatcher(vocab, attr="ORTH")
    matcher.add("GAZETTEER", [tokenizer(name) for name in sorted(load_gazetteer().names())])
    return matcher


def _trim(span: Span) -> Span:
    """Drop leading determiners and a trailing possessive: "the Kremlin's" -> "Kremlin"."""
    start, end = span.start, span.end
    while start < end - 1 and span.doc[start].lower_ in LEADING_DETERMINERS:
        start += 1
    while end > start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return Span(span.doc, start, end, label=span.label)


def _candidates(doc: Doc) -> list[Span]:
    """Gazetteer names first, then the model's entities that do not overlap one.

    A known name beats a longer entity around it: the small model runs titles and names together
    ("Ukraine Volodymyr Zelenskyy" as one ORG), and the gazetteer is the more reliable reader.
    """
    known = filter_spans([Span(doc, s, e, label="GAZ") for _, s, e in _matcher(doc.vocab)(doc)])
    taken = {i for span in known for i in range(span.start, span.end)}
    entities = [
        s
        for s in doc_ents(doc)
        if s.label_ in ENTITY_LABELS and not any(i in taken for i in range(s.start, s.end))
    ]
    return sorted((_trim(s) for s in [*known, *entities]), key=lambda s: s.start)


def _role_prefix(span: Span) -> Span | None:
    """Premodifiers of a name in its noun phrase: "NATO Secretary-General" for Stoltenberg."""
    left = span.root.left_edge.i
    while left < span.start and span.doc[left].lower_ in LEADING_DETERMINERS | {"'s", "’s"}:
        left += 1
    return span.doc[left : span.start] if left < span.start else None


def _appositions(span: Span) -> list[Span]:
    """Appositive phrases: "Jens Stoltenberg, NATO's secretary-general, ..."."""
    out = []
    for child in span.root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            out.append(span.doc[child.left_edge.i : child.right_edge.i + 1])
    return out


class _ActorBuilder:
    def __init__(self, doc: Doc, gazetteer: Gazetteer, year: int | None) -> None:
        self.text = doc_text(doc)
        self.gazetteer = gazetteer
        self.year = year
        self.drafts: dict[tuple[str, str], _Draft] = {}
        self.role_spans = GrowingSpans()  # character ranges already read as roles
        # first or last word of a person's full name -> the persons (for surname_owner)
        self.name_words: dict[str, list[_Draft]] = {}

    # -- drafts -------------------------------------------------------------------------------
    def draft(self, key: tuple[str, str], name: str, kind: ActorKind) -> _Draft:
        if key not in self.drafts:
            draft = self.drafts[key] = _Draft(key=key, name=name, kind=kind)
            if kind == "person" and " " in name:
                words = name.split()
                for word in dict.fromkeys((words[-1], words[0])):
                    self.name_words.setdefault(word, []).append(draft)
        return self.drafts[key]

    def person(self, entry: PersonEntry) -> _Draft:
        draft = self.draft(("person", entry.name), entry.name, "person")
        draft.country = draft.country or entry.country
        draft.sector = draft.sector or entry.sector
        return draft

    def organization(self, entry: OrgEntry) -> _Draft:
        kind: ActorKind = "group" if entry.kind == "group" else "organization"
        draft = self.draft(("org", entry.name), entry.name, kind)
        draft.country = draft.country or entry.country
        draft.sector = draft.sector or entry.sector
        return draft

    def country(self, iso3: str) -> _Draft:
        entry = self.gazetteer.countries[iso3]
        draft = self.draft(("country", iso3), entry.name, "country")
        draft.country, draft.sector = iso3, "GOV"
        return draft

    # -- classification -----------------------------------------------------------------------
    def classify(self, span: Span) -> _Draft | None:
        """The actor a candidate mention belongs to, or None (a place, a role word, noise)."""
        text = span.text
        gaz = self.gazetteer
        person = gaz.person(text, self.year)
        if person is not None:
            return self.person(person)
        org = gaz.organization(text)
        if org is not None:
            return self.organization(org)
        country = gaz.country(text)
        if country is not None:
            return self.country(country.iso3)
        seat = gaz.metonym(text)
        if seat is not None:
            # A capital or seat of government is its country's government only where it acts.
            return self.country(seat.iso3) if self.speaks_for(span) else None
        label = span.label_
        if label == "PERSON" and span[0].is_title and (len(span) > 1 or self.titled(span)):
            return self.draft(("person", text), text, "person")
        if label == "ORG" and any(t.is_alpha for t in span):
            if span.root.lemma_.lower() in DOCUMENT_HEADS:
                return None
            return self.unknown_org(span)
        if label == "NORP" and span.root.tag_ in {"NNS", "NNPS"} and span[0].is_title:
            return self.draft(("group", text), text, "group")  # "Democrats", not "democratic"
        if label in {"GPE", "LOC", "FAC"} and span.root.dep_ in {"nsubj", "nsubjpass"}:
            return self.draft(("unknown", text), text, "unknown")
        return None

    def sector_group(self, span: Span) -> tuple[_Draft, Span] | None:
        """ "Afghan rebels", "the Ukrainian army": a country's part named by a sector noun.

        Returns the group's draft and its mention (demonym through the noun), or None when
        ``span`` is not a country name or demonym modifying such a noun.
        """
        root = span.root
        head = root.head
        if root.dep_ not in {"amod", "compound", "nmod"} or head.i < span.end:
            return None
        sector = GROUP_SECTOR_NOUNS.get(head.lemma_.lower()) if head.pos_ == "NOUN" else None
        if sector is None:
            return None
        if any(t.dep_ not in _GROUP_GAP_DEPS for t in span.doc[span.end : head.i]):
            return None
        country = self.gazetteer.country(span.text)
        if country is None:
            return None
        mention = span.doc[span.start : head.i + 1]
        draft = self.draft(("group", f"{country.iso3}:{sector}"), mention.text, "group")
        draft.country, draft.sector = country.iso3, sector
        return draft, mention

    def titled(self, span: Span) -> bool:
        """A known role right before a one-word name ("President Obama"): a person, not noise."""
        prefix = _role_prefix(span)
        return prefix is not None and bool(self.gazetteer.roles_in(prefix.text))

    def speaks_for(self, span: Span) -> bool:
        """Whether a seat of government acts: "the Kremlin said", "White House officials", "Kremlin
        spokesman Dmitry Peskov"; not "talks in Moscow" (the places extractor's parse test)."""
        root = span.root
        if names_something_else(root):
            return False  # "the Minsk agreements"
        if is_actor(root):
            return True
        head = root.head
        return root.dep_ == "compound" and (
            head.pos_ == "PROPN" or self.gazetteer.role(head.text) is not None
        )

    def unknown_org(self, span: Span) -> _Draft:
        """An organisation the gazetteer lacks: country from a demonym in it, sector from words."""
        words = [t for t in span if t.is_alpha]
        country = next((c for c in (self.gazetteer.country(t.text) for t in words) if c), None)
        draft = self.draft(("org", span.text), span.text, "organization")
        if country is not None:
            draft.country = draft.country or country.iso3
        sector = next(
            (ORG_SECTOR_WORDS[w.lower_] for w in words if w.lower_ in ORG_SECTOR_WORDS), None
        )
        draft.sector = draft.sector or sector
        return draft

    def surname_owner(self, span: Span) -> _Draft | None:
        """The person of this article whose surname (or first name) a one-word mention is."""
        if len(span) != 1:
            return None
        owners = self.name_words.get(span.text, [])
        return owners[0] if len(owners) == 1 else None

    # -- roles and affiliations ---------------------------------------------------------------
    def read_roles(self, span: Span, draft: _Draft) -> None:
        phrases = [p for p in (_role_prefix(span), *_appositions(span)) if p is not None]
        for phrase in phrases:
            found = self.gazetteer.roles_in(phrase.text)
            if not found:
                continue
            start, end, _ = max(found, key=lambda f: (f[0], f[1] - f[0]))
            role_start = phrase.start_char + start
            draft.add_role(self.text[role_start : phrase.start_char + end])
            self.role_spans.add(role_start, phrase.start_char + end)
            affiliation = self.text[phrase.start_char : role_start].strip(" ,'’s")
            self.affiliate(draft, affiliation)

    def affiliate(self, draft: _Draft, affiliation: str) -> None:
        """Apply "NATO" / "Belarussian" / "Foreign Ministry" in front of a role to a person."""
        if not affiliation:
            return
        gaz = self.gazetteer
        country = gaz.country(affiliation)
        if country is not None:
            draft.country = country.iso3
            return
        org = gaz.organization(affiliation)
        name = org.name if org is not None else affiliation
        # "Russian Foreign Ministry": a leading demonym is the country, the rest the organisation.
        first, _, rest = affiliation.partition(" ")
        lead = gaz.country(first) if rest else None
        if org is None and lead is not None:
            draft.country = lead.iso3
            name = rest
            org = gaz.organization(rest)
        draft.organization = draft.organization or name
        if org is not None and org.country and not draft.country:
            draft.country = org.country

    def finish(self) -> None:
        """Sectors from roles; organisations inherit their members' country ("Foreign Ministry")."""
        for draft in self.drafts.values():
            if draft.kind != "person":
                continue
            for role in draft.roles:
                entry = self.gazetteer.role(role)
                if entry is not None and entry.sector and not draft.sector:
                    draft.sector = entry.sector
            if draft.organization:
                org = self.drafts.get(("org", draft.organization))
                if org is not None:
                    org.country = org.country or draft.country
                    draft.sector = draft.sector or org.sector


def _compass_of_a_place(span: Span) -> bool:
    """ "Western" in "Western Cambodia": part of a place's name, not the West."""
    after = span.end
    return (
        span.text.lower() in COMPASS_WORDS
        and after < len(span.doc)
        and span.doc[after].ent_type_ in {"GPE", "LOC"}
    )


def _overlaps(span: Span, ranges: GrowingSpans) -> bool:
    return ranges.contain(span.start_char, span.end_char)


def extract_actors(doc: Doc, analysis: Analysis) -> None:
    """Append the article's actors, each with all its name mentions, to ``analysis.actors``."""
    published = analysis.article.published
    builder = _ActorBuilder(doc, load_gazetteer(), int(published[:4]) if published else None)
    candidates = _candidates(doc)
    # Full names first, so that a later bare surname can join them.
    ordered = sorted(candidates, key=lambda s: (len(s) == 1, s.start))
    assigned: list[tuple[Span, _Draft]] = []
    for span in ordered:
        if _overlaps(span, builder.role_spans):
            continue  # "State" in "Secretary of State"
        if _compass_of_a_place(span):
            continue
        draft = builder.surname_owner(span) if len(span) == 1 else None
        group = builder.sector_group(span) if draft is None else None
        if group is not None:
            draft, span = group
        draft = draft or builder.classify(span)
        if draft is None:
            continue
        if draft.kind == "person":
            builder.read_roles(span, draft)
        assigned.append((span, draft))
    for span, draft in sorted(assigned, key=lambda pair: pair[0].start):
        if not _overlaps(span, builder.role_spans):
            draft.add(span.start_char, span.end_char, span.text)
    builder.finish()
    drafts = sorted((d for d in builder.drafts.values() if d.mentions), key=lambda d: d.mentions[0])
    for number, draft in enumerate(drafts, 1):
        analysis.actors.append(
            Actor(
                id=f"A{number}",
                name=draft.name,
                kind=draft.kind,
                country=draft.country,
                sector=draft.sector,
                roles=draft.roles,
                organization=draft.organization,
                aliases=sorted({t for t in draft.texts if t != draft.name}),
                mentions=sorted(draft.mentions),
            )
        )


def actor_at(analysis: Analysis, start: int, end: int) -> Actor | None:
    """The actor with a mention overlapping ``[start, end)``, for later extractors."""
    for actor in analysis.actors:
        if any(s < end and start < e for s, e in actor.mentions):
            return actor
    return None


__all__ = ["actor_at", "extract_actors"]
