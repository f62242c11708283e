"""The dashboard: server-rendered Jinja2 pages over the store, with vendored JS and CSS.

Every page is HTML-escaped by Jinja2's autoescape; data for the charts travels as JSON inside a
``<script type="application/json">`` block (``tojson`` escapes ``<``, ``>`` and ``&``) and the
JavaScript inserts it with ``textContent`` only. A Content-Security-Policy allowing scripts and
styles from the app itself only is sent with every page, so even a missed escape cannot run an
injected script.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from . import queries
from .highlight import annotate, segments

__all__ = ["CSP", "STATUS_COLOURS", "add_dashboard"]

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Claim status -> colour; the CSS uses the same values (static/app.css, .status-*).
STATUS_COLOURS = {
    "asserted": "#64748b",
    "hedged": "#0ea5e9",
    "alleged": "#a855f7",
    "unconfirmed": "#f59e0b",
    "disputed": "#f97316",
    "denied": "#dc2626",
    "unsupported": "#be185d",
    "retracted": "#111827",
    "confirmed": "#16a34a",
}
PAGE_SIZE = 50


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True  # also for any template name, not only *.html
    templates.env.globals["STATUS_COLOURS"] = STATUS_COLOURS
    return templates


Con = Annotated[Any, Depends(queries.connection)]


def add_dashboard(app: FastAPI) -> None:
    """Mount /static; add /, /ui/articles[/{id}], /ui/claims, /ui/timeline and /ui/actors."""
    templates = _templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, name: str, **context: Any) -> Response:
        response = templates.TemplateResponse(request, name, context)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ui/articles")

    @app.get("/ui/articles", response_class=HTMLResponse, include_in_schema=False)
    def article_list(
        request: Request,
        con: Con,
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        since: date | None = None,
        until: date | None = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> Response:
        f = queries.Filters(
            outlet=outlet or None, since=since, until=until, actor=q or None,
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
        )  # fmt: skip
        total, rows = queries.articles(con, f)
        outlets = [r[0] for r in con.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY 1"
        ).fetchall()]  # fmt: skip
        return render(
            request, "articles.html", active="articles", rows=rows, total=total, page=page,
            pages=max(1, -(-total // PAGE_SIZE)), outlets=outlets,
            form={"outlet": outlet or "", "since": since or "", "until": until or "", "q": q or ""},
        )  # fmt: skip

    @app.get("/ui/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_view(request: Request, article_id: str, con: Con) -> Response:
        analysis = queries.load_analysis(con, article_id)
        if analysis is None:
            raise HTTPException(404, f"no article {article_id!r} in the store")
        anns = annotate(analysis)
        details = {a.id: {"title": a.title, "layer": a.layer, "details": a.details} for a in anns}
        counts: dict[str, int] = defaultdict(int)
        for claim in analysis.claims:
            counts[claim.status] += 1
        return render(
            request, "article.html", active="articles", a=analysis,
            segments=segments(analysis, anns), details=details, status_counts=dict(counts),
            actor_name=lambda actor_id: (analysis.actor(actor_id).name  # type: ignore[union-attr]
                                         if analysis.actor(actor_id) else None),
            places={p.id: p for p in analysis.places},
        )  # fmt: skip

    @app.get("/ui/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_view(
        request: Request,
        status: Annotated[str | None, Query(max_length=40)] = None,
        actor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> Response:
        from ..corpus import claim_tracking

        request.app.state.regroup()
        with request.app.state.reader() as con:
            listed = claim_tracking.list_groups(
                con, status=status or None, actor=actor or None, limit=60
            )
            groups = [claim_tracking.get_group(con, g["group_id"]) for g in listed]
            ungrouped_row = con.execute(
                "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_groups g "
                "WHERE g.article_id = c.article_id AND g.claim_id = c.claim_id)"
            ).fetchone()
        cards = [_claim_card(g, s) for g, s in zip(groups, listed, strict=True) if g is not None]
        return render(
            request, "claims.html", active="claims", cards=cards,
            ungrouped=int(ungrouped_row[0]) if ungrouped_row else 0,
            form={"status": status or "", "actor": actor or ""},
            statuses=[s for s in STATUS_COLOURS if s != "asserted"] + ["asserted"],
        )  # fmt: skip

    @app.get("/ui/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_view(
        request: Request,
        con: Con,
        actor: Annotated[str | None, Query(max_length=200)] = None,
        other: Annotated[str | None, Query(max_length=200)] = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Response:
        from ..corpus import escalation, words_deeds

        actor, other = actor or None, other or None
        pair = (actor, other) if actor and other else None
        days = escalation.escalation_series(con, pair, since=since, until=until)
        wd = words_deeds.words_vs_deeds(con, actor, since=since, until=until) if actor else []
        f = queries.Filters(since=since, until=until, actor=actor, limit=500)
        _, events = queries.events(con, f)
        if other:  # a pair: keep events between the two sides
            needle = other.lower()
            events = [e for e in events if needle in " ".join(
                str(e[k] or "") for k in ("actor", "target", "actor_country", "target_country")
            ).lower()]  # fmt: skip
        by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in events:
            if e["date"]:
                by_day[e["date"]].append(e)
        data = {"days": days, "words_deeds": wd, "events": by_day, "actor": actor}
        return render(
            request, "timeline.html", active="timeline", data=data,
            pairs=escalation.top_pairs(con, limit=8),
            form={"actor": actor or "", "other": other or "", "since": since or "",
                  "until": until or ""},
        )  # fmt: skip

    @app.get("/ui/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_view(
        request: Request,
        con: Con,
        type: Annotated[str | None, Query(max_length=40)] = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Response:
        f = queries.Filters(type=type or None, since=since, until=until, limit=200)
        total, rows = queries.actors(con, f)
        edges = queries.actor_network(con, queries.Filters(since=since, until=until), limit=120)
        return render(
            request, "actors.html", active="actors", rows=rows, total=total,
            data={"edges": edges, "actors": rows[:80]},
            form={"type": type or "", "since": since or "", "until": until or ""},
        )  # fmt: skip


def _claim_card(group: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """A claim group laid out for its status timeline: x position (0-100) of each member."""
    dated = [m.date for m in group.members if m.date]
    first, last = (min(dated), max(dated)) if dated else (None, None)
    span = max(1, (last - first).days) if first and last else 1
    lanes: dict[str, int] = {}
    taken: dict[tuple[int, float], int] = {}
    points = []
    for m in group.members:
        lane = lanes.setdefault(m.outlet, len(lanes))
        x = 92 * ((m.date - first).days / span) if m.date and first else 46
        # Same outlet, same day: set the later dots beside the first instead of on top of it.
        nth = taken.get((lane, x), 0)
        taken[(lane, x)] = nth + 1
        points.append({"m": m, "x": round(x + 2.4 * nth, 2), "lane": lane})
    return {
        "group": group,
        "summary": summary,
        "points": points,
        "lanes": list(lanes),
        "first": first,
        "last": last,
    }
