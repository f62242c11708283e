"""API routes over the cross-article views of :mod:`wirelens.corpus`.

The computations (claim grouping and standing, actor timelines, escalation index, words vs deeds)
live in :mod:`wirelens.corpus`; these routes only validate parameters, call those functions on a
read cursor and give the results precise response models for the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from .queries import connection

__all__ = ["add_corpus_routes"]

MAX_LIMIT = 500


class GroupMember(BaseModel):
    article_id: str
    claim_id: str
    date: str | None
    outlet: str
    story_id: str
    source: str | None
    country: str | None
    status: str
    role: str = Field(
        description="first, repeat, copy, dispute, question, retract, confirm, counter"
    )
    text: str
    evidence: list[dict[str, Any]]
    similarity: float | None


class ClaimGroupDetail(BaseModel):
    group_id: str
    label: str
    standing: str = Field(description="Where the claim stands now (see docs/CORPUS.md).")
    standing_date: str | None
    standing_evidence: list[dict[str, Any]]
    first_seen: str | None
    last_seen: str | None
    members: list[GroupMember]


class ClaimGroupSummary(BaseModel):
    group_id: str
    label: str
    standing: str
    standing_date: str | None
    first_seen: str | None
    last_seen: str | None
    n_claims: int
    n_articles: int
    n_stories: int
    outlets: list[str]
    sources: list[str]
    statuses: dict[str, int]


class ClaimGroupPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ClaimGroupSummary]


class TimelineEntry(BaseModel):
    day: str | None
    kind: str = Field(description="event or statement")
    actor: str | None
    target: str | None
    what: str | None = Field(description="PLOVER type, or the quote's cue lemma")
    text: str | None
    goldstein: float | None
    quad: str | None
    modality: str | None
    outlet: str | None
    article_id: str


class TimelineDay(BaseModel):
    day: str | None
    events: int
    statements: int
    goldstein_mean: float | None
    goldstein_min: float | None


class Timeline(BaseModel):
    actor: str
    other: str | None
    days: list[TimelineDay]
    total: int
    limit: int
    offset: int
    items: list[TimelineEntry]


class EscalationDay(BaseModel):
    day: str
    events: int
    index: float = Field(description="Sum of weighted -Goldstein: positive is escalation.")
    mean: float
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int


class WordsDeedsDay(BaseModel):
    day: str
    words: float
    n_words: int
    deeds: float
    n_deeds: int
    gap: float
    said: list[str]
    did: list[str]


class PairScore(BaseModel):
    actor: str | None
    target: str | None
    events: int
    index: float | None


class Escalation(BaseModel):
    actor: str | None
    other: str | None
    days: list[EscalationDay]
    words_deeds: list[WordsDeedsDay] = Field(description="For ``actor`` (empty without one).")
    top_pairs: list[PairScore]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _range(since: date | None, until: date | None) -> None:
    if since and until and since > until:
        raise HTTPException(422, f"since ({since}) is after until ({until})")


Name = Annotated[str | None, Query(min_length=1, max_length=200)]
Since = Annotated[date | None, Query(description="First day (YYYY-MM-DD), inclusive.")]
Until = Annotated[date | None, Query(description="Last day (YYYY-MM-DD), inclusive.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def grouped_connection(request: Request) -> Iterator[Any]:
    """A read cursor after the claim groups were brought up to date with the store.

    ``app.state.regroup`` takes the write lock, so it runs before the cursor is opened.
    """
    request.app.state.regroup()
    yield from connection(request)


Con = Annotated[Any, Depends(connection)]
Grouped = Annotated[Any, Depends(grouped_connection)]


def add_corpus_routes(app: FastAPI) -> None:
    """Add /claim-groups, /claims/{group}, /timeline and /escalation to ``app``."""
    from ..corpus import claim_tracking, escalation, timelines, words_deeds

    not_found: dict[int | str, dict[str, Any]] = {404: {"description": "No such claim group"}}

    @app.get("/claim-groups", response_model=ClaimGroupPage, tags=["corpus"])
    def list_claim_groups(
        con: Grouped,
        status: Annotated[str | None, Query(max_length=40, description="Standing")] = None,
        actor: Name = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Claims followed across articles, most independent sources first."""
        _range(since, until)
        groups = claim_tracking.list_groups(
            con, status=status, actor=actor, since=since, until=until, limit=None
        )
        page = groups[offset : offset + limit]
        for g in page:
            for key in ("standing_date", "first_seen", "last_seen"):
                g[key] = _iso(g[key])
            g["outlets"], g["sources"] = list(g["outlets"] or []), list(g["sources"] or [])
        return {"total": len(groups), "limit": limit, "offset": offset, "items": page}

    @app.get(
        "/claims/{group}", response_model=ClaimGroupDetail, responses=not_found, tags=["corpus"]
    )
    def get_claim_group(
        group: Annotated[str, Path(max_length=200)], con: Grouped
    ) -> dict[str, Any]:
        """One claim across articles: who said it first, who repeated, disputed or retracted it."""
        found = claim_tracking.get_group(con, group)
        if found is None:
            raise HTTPException(404, f"no claim group {group!r}")
        return found.to_json()

    @app.get("/timeline", response_model=Timeline, tags=["corpus"])
    def timeline(
        con: Con,
        actor: Annotated[str, Query(min_length=1, max_length=200, description="e.g. Russia")],
        other: Name = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """An actor's (or an actor pair's) events and statements by day, with a daily summary."""
        _range(since, until)
        items = timelines.actor_timeline(con, actor, other, since=since, until=until)
        return {
            "actor": actor,
            "other": other,
            "days": timelines.daily_summary(items),
            "total": len(items),
            "limit": limit,
            "offset": offset,
            "items": [i.to_json() for i in items[offset : offset + limit]],
        }

    @app.get("/escalation", response_model=Escalation, tags=["corpus"])
    def escalation_index(
        con: Con,
        actor: Name = None,
        other: Name = None,
        since: Since = None,
        until: Until = None,
    ) -> dict[str, Any]:
        """Daily escalation index (overall, or ``actor`` with ``other``) and words vs deeds."""
        _range(since, until)
        if other and not actor:
            raise HTTPException(422, "'other' needs 'actor' (the pair is actor and other)")
        pair = (actor, other) if actor and other else None
        return {
            "actor": actor,
            "other": other,
            "days": escalation.escalation_series(con, pair, since=since, until=until),
            "words_deeds": words_deeds.words_vs_deeds(con, actor, since=since, until=until)
            if actor
            else [],
            "top_pairs": escalation.top_pairs(con),
        }
