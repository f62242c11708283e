"""Record types of the wirelens JSON contract (see docs/CONTRACT.md).

Every record that leaves wirelens is one of these pydantic models, so the JSON output, the
JSON Schema (``wirelens schema``) and the Python API cannot drift apart. All spans are character
offsets ``[start, end)`` into ``Article.text``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActorKind = Literal["person", "organization", "country", "group", "unknown"]
QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimStatus = Literal[
    "asserted", "hedged", "alleged", "unconfirmed", "disputed", "denied", "unsupported", "retracted"
]
EvidenceRelation = Literal["supports", "disputes", "qualifies", "retracts", "unsupported"]
Modality = Literal["reported", "claimed", "planned", "negated", "hypothetical"]
Quad = Literal["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]
TimeType = Literal["DATE", "TIME", "DURATION", "SET"]
PublishedSource = Literal["given", "inferred", "unknown"]

Span = tuple[int, int]


class Record(BaseModel):
    """Base of every record: strict field names, JSON round-trip."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Article(Record):
    id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="ISO date YYYY-MM-DD")
    published_source: PublishedSource = "unknown"
    language: str = "en"
    text: str
    path: str | None = Field(None, description="input the article was read from")


class Actor(Record):
    id: str
    name: str
    kind: ActorKind = "unknown"
    country: str | None = Field(None, description="ISO 3166-1 alpha-3")
    sector: str | None = Field(None, description="PLOVER/CAMEO sector code: GOV, MIL, MED, ...")
    roles: list[str] = Field(default_factory=list)
    organization: str | None = None
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


class TextSpan(Record):
    text: str
    start: int
    end: int


class QuoteSource(TextSpan):
    actor_id: str | None = None


class Cue(TextSpan):
    lemma: str


class QuoteContent(Record):
    text: str
    spans: list[Span]


class Quote(Record):
    id: str
    kind: QuoteKind
    source: QuoteSource | None = None
    cue: Cue | None = None
    content: QuoteContent
    channel: str | None = None
    via: str | None = None
    negated: bool = False
    date: str | None = None
    place_id: str | None = None


class Evidence(TextSpan):
    relation: EvidenceRelation
    by_actor_id: str | None = None


class Claim(Record):
    id: str
    text: str
    span: Span
    source_actor_id: str | None = None
    quote_id: str | None = None
    status: ClaimStatus = "asserted"
    evidence: list[Evidence] = Field(default_factory=list)
    checkworthiness: float = Field(0.0, ge=0.0, le=1.0)
    date: str | None = None
    place_id: str | None = None


class EventParticipant(TextSpan):
    actor_id: str | None = None
    country: str | None = None
    sector: str | None = None


class Quantity(Record):
    value: float
    unit: str


class Event(Record):
    id: str
    type: str
    mode: str | None = None
    cameo: str
    goldstein: float
    quad: Quad
    actor: EventParticipant
    target: EventParticipant | None = None
    trigger: TextSpan
    modality: Modality = "reported"
    date: str | None = None
    place_id: str | None = None
    origin_place_id: str | None = Field(None, description="where a move started (Kyiv -> Lviv)")
    quantity: Quantity | None = None


class Time(TextSpan):
    type: TimeType
    value: str | None = Field(None, description="TIMEX3 value, None when it cannot be resolved")


class Place(TextSpan):
    id: str
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature: str | None = Field(None, description="GeoNames feature class/code, e.g. PPLC")


class Analysis(Record):
    """Everything wirelens knows about one article."""

    article: Article
    actors: list[Actor] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(indent=indent)

    def actor(self, actor_id: str | None) -> Actor | None:
        """The actor record with this id, or None."""
        return next((a for a in self.actors if a.id == actor_id), None)


def json_schema() -> dict[str, object]:
    """JSON Schema of the output of ``wirelens analyze --json`` (one Analysis per line)."""
    return Analysis.model_json_schema()
