"""The dashboard in real headless Chromium (Playwright) against uvicorn on loopback.

The store holds the reference article, a few short texts of examples/crisis-2022 (when present)
and a hostile article whose title, outlet, text and quote carry ``<script>`` and ``onerror``
markup. Each view is loaded, checked (highlights, colours, chart points, network) and
screenshotted into a tmp dir; with WIRELENS_SCREENSHOTS=DIR the screenshots are also copied there
(docs/screenshots/ holds the ones in the docs).

Chromium is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it); without it these tests skip.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "examples" / "2022-02-15-nato-cautious-optimism.txt"
CRISIS = REPO / "examples" / "crisis-2022" / "articles.jsonl"
# Kremlin and White House texts around the announced pullback of 15 February (see its README).
CRISIS_IDS = (
    "kremlin-2022-02-14-67767",
    "kremlin-2022-02-15-67774",
    "potu-2022-02-16-72937",
)
CRISIS_MAX = 8
HOSTILE_TITLE = "<script>window.__pwned = 'title'</script> Hostile headline"
HOSTILE_TEXT = (
    "The alliance said on Monday that the talks in Brussels would go on for another week. "
    "\"<script>window.__pwned = 'quote'</script> We will keep talking,\" NATO Secretary-General "
    "Jens Stoltenberg told reporters in Brussels on Monday, adding that the ministers had agreed "
    "to meet again. <img src=x onerror=\"window.__pwned='img'\"> Officials said the next round "
    "would take place in Vienna and that the door to diplomacy was still open for all of them."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def corpus_records() -> list[dict[str, str]]:
    """A few short crisis-2022 records: the named ones plus short ones of 14-16 February."""
    if not CRISIS.exists():
        return []
    records = [json.loads(line) for line in CRISIS.read_text(encoding="utf-8").splitlines()]
    named = [r for r in records if r["id"] in CRISIS_IDS and len(r["text"]) < 20_000]
    short = [
        r for r in records
        if "2022-02-12" <= r["published"] <= "2022-02-18" and len(r["text"]) < 2500
        and r["id"] not in CRISIS_IDS
    ]  # fmt: skip
    return (named + short)[:CRISIS_MAX]


def build_store(db: Path) -> dict[str, str]:
    """Analyse and store the test articles; returns {name: article id}."""
    from wirelens.ingest.article import make_article
    from wirelens.pipeline import default_pipeline
    from wirelens.store import Store, flatten

    articles = {
        "reference": make_article(
            REFERENCE.read_text(encoding="utf-8"), published="2022-02-15",
            title="NATO sees no sign of Russian pullback", outlet="Reference Wire",
        ),
        "hostile": make_article(
            HOSTILE_TEXT, published="2022-02-14", title=HOSTILE_TITLE, outlet="<b>Evil</b> Wire"
        ),
    }  # fmt: skip
    for r in corpus_records():
        articles[r["id"]] = make_article(
            r["text"], published=r["published"], title=r["title"], outlet=r["outlet"], url=r["url"]
        )
    rows = [flatten(a) for a in default_pipeline().analyze_many(articles.values())]
    with Store(db) as store:
        store.write_batch(rows)
    return {name: a.id for name, a in articles.items()}


@contextmanager
def running_server(
    db: Path, *, token: str | None = None, preload: bool = False, timeout: float = 60.0
) -> Iterator[str]:
    """uvicorn serving ``db`` in a child process on 127.0.0.1; yields the base URL."""
    port = free_port()
    code = (
        "import sys, uvicorn\n"
        "from wirelens.api import create_app\n"
        "app = create_app(sys.argv[1], token=sys.argv[2] or None, preload=sys.argv[3] == '1')\n"
        "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[4]), log_level='warning')\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(db), token or "", "1" if preload else "0", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/openapi.json", headers=headers, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    tmp = tmp_path_factory.mktemp("dashboard")
    ids = build_store(tmp / "store.duckdb")
    with running_server(tmp / "store.duckdb") as base:
        yield {"base": base, "ids": ids, "shots": tmp / "screenshots"}


@pytest.fixture(scope="module")
def browser(site: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # fresh user-data-dir every run
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1360, "height": 900},
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()


def shoot(page: Any, site: dict[str, Any], name: str) -> Path:
    """Full-page screenshot in the tmp dir, copied to $WIRELENS_SCREENSHOTS when set."""
    site["shots"].mkdir(parents=True, exist_ok=True)
    path = site["shots"] / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a real rendering, not a blank page
    target = os.environ.get("WIRELENS_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


def api(site: dict[str, Any], path: str) -> Any:
    response = httpx.get(site["base"] + path, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# --- views ---------------------------------------------------------------------------------------


def test_article_view_highlights_and_tooltips(page: Any, site: dict[str, Any]) -> None:
    from wirelens.web.views import STATUS_COLOURS

    ref = site["ids"]["reference"]
    page.goto(f"{site['base']}/ui/articles/{ref}")
    analysis = api(site, f"/articles/{ref}")
    # Every claim status of the article is shown, one highlight colour per status.
    retracted = page.locator("#article-text .hl.claim.status-retracted")
    assert retracted.count() >= 1
    assert "Feb. 16" in "".join(retracted.all_text_contents())
    shadow = retracted.first.evaluate("e => getComputedStyle(e).boxShadow")
    assert rgb(STATUS_COLOURS["retracted"]) in shadow
    disputed = page.locator("#article-text .hl.claim.status-disputed").first
    assert rgb(STATUS_COLOURS["disputed"]) in disputed.evaluate(
        "e => getComputedStyle(e).boxShadow"
    )
    places = page.locator("#article-text .hl.place").all_text_contents()
    assert "Lviv" in places and "Kyiv" in places
    assert len([p for p in analysis["places"]]) == len(places)
    # The highlighted text is the article text, character for character.
    shown = page.locator("#article-text").text_content()
    assert shown == analysis["article"]["text"]

    # Hover: the tooltip names status and evidence of the retracted claim.
    retracted.first.hover()
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert "retracted" in tip.text_content()
    assert "sarcastic" in tip.text_content()
    # Keyboard: focusing a quote's speaker shows speaker, cue and channel.
    page.mouse.move(0, 0)
    speaker = page.locator("#article-text .hl.speaker[tabindex]").first
    speaker.focus()
    tip.wait_for(state="visible")
    assert "speaker" in tip.text_content() and "cue" in tip.text_content()
    assert page.errors == []
    shoot(page, site, "article")


def test_injected_markup_is_shown_literally_and_never_runs(page: Any, site: dict[str, Any]) -> None:
    hostile = site["ids"]["hostile"]
    page.goto(f"{site['base']}/ui/articles/{hostile}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.__pwned") is None
    assert page.dialogs == []
    assert page.locator("h1#article-title").text_content().startswith("<script>window.__pwned")
    text = page.locator("#article-text").text_content()
    assert "<script>window.__pwned = 'quote'</script> We will keep talking" in text
    assert "<img src=x onerror=" in text
    assert page.locator("#article-text script, #article-text img, main img").count() == 0
    # The quote carrying the markup is highlighted, and its tooltip shows text, not markup.
    quote = page.locator("#article-text .hl.quote", has_text="<script>")
    assert quote.count() >= 1
    quote.first.hover()
    page.locator("#tooltip").wait_for(state="visible")
    assert page.locator("#tooltip script").count() == 0
    page.goto(f"{site['base']}/ui/articles")
    assert page.locator("#article-list", has_text=HOSTILE_TITLE).count() == 1
    assert page.locator("#article-list", has_text="<b>Evil</b> Wire").count() == 1
    assert page.evaluate("() => window.__pwned") is None
    assert page.errors == []


def test_article_list(page: Any, site: dict[str, Any]) -> None:
    page.goto(f"{site['base']}/ui/articles")
    rows = page.locator("#article-list tbody tr")
    assert rows.count() == len(site["ids"])
    shoot(page, site, "articles")
    page.locator("#article-list a", has_text="NATO sees no sign").click()
    page.wait_for_url(f"**/ui/articles/{site['ids']['reference']}")
    assert page.errors == []


def test_claims_view_colours_members_by_status(page: Any, site: dict[str, Any]) -> None:
    from wirelens.web.views import STATUS_COLOURS

    groups = api(site, "/claim-groups?limit=500")
    page.goto(f"{site['base']}/ui/claims")
    cards = page.locator(".claim-group")
    assert cards.count() == min(groups["total"], 60)
    if groups["total"] == 0:
        pytest.skip("no claim is shared by two articles in this store")
    first = groups["items"][0]
    card = page.locator(f'.claim-group[data-group="{first["group_id"]}"]')
    assert card.get_attribute("data-standing") == first["standing"]
    dots = card.locator("circle.member")
    assert dots.count() == first["n_claims"]
    for i in range(dots.count()):
        status = dots.nth(i).get_attribute("data-status")
        assert dots.nth(i).get_attribute("fill") == STATUS_COLOURS.get(status, "#64748b")
    assert page.errors == []
    shoot(page, site, "claims")


def test_timeline_has_one_point_per_day_and_lists_a_days_events(
    page: Any, site: dict[str, Any]
) -> None:
    series = api(site, "/escalation")["days"]
    page.goto(f"{site['base']}/ui/timeline")
    points = page.locator("#escalation-chart circle.point")
    days = [points.nth(i).get_attribute("data-day") for i in range(points.count())]
    assert days == [row["day"] for row in series]  # one point per day, in order
    assert len(set(days)) == len(days)
    busiest = max(series, key=lambda row: row["events"])
    page.locator(f'#escalation-chart circle.point[data-day="{busiest["day"]}"]').click()
    assert page.locator("#day-title").text_content().startswith(f"Events on {busiest['day']}")
    assert page.locator("#day-events li.day-event").count() == busiest["events"]
    assert page.errors == []
    shoot(page, site, "timeline")


def test_timeline_words_vs_deeds_for_an_actor(page: Any, site: dict[str, Any]) -> None:
    rows = api(site, "/escalation?actor=Russia")["words_deeds"]
    page.goto(f"{site['base']}/ui/timeline?actor=Russia")
    bars = page.locator("#words-deeds-chart rect.bar")
    assert bars.count() == 2 * len(rows)
    assert page.errors == []
    shoot(page, site, "timeline-russia")


def test_actors_view_draws_the_network(page: Any, site: dict[str, Any]) -> None:
    actors = api(site, "/actors?limit=500")
    page.goto(f"{site['base']}/ui/actors")
    assert page.locator("#actor-table tbody tr").count() == min(actors["total"], 200)
    nodes = page.locator("#network g.node")
    edges = page.locator("#network path.edge")
    assert nodes.count() >= 2 and edges.count() >= 1
    names = {nodes.nth(i).get_attribute("data-name") for i in range(nodes.count())}
    for i in range(edges.count()):
        edge = edges.nth(i)
        assert edge.get_attribute("data-source") in names
        assert edge.get_attribute("data-target") in names
    # Focusing a node keeps only its links highlighted.
    nodes.first.focus()
    assert "focused" in (page.locator("#network").get_attribute("class") or "")
    assert page.locator("#network path.edge.on").count() >= 1
    assert page.errors == []
    shoot(page, site, "actors")
