"""The REST API in-process (FastAPI TestClient): records, filters, limits, errors, auth.

One store per module: the reference article plus two short texts stored through POST /ingest.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from wirelens.api import create_app

REPO = Path(__file__).resolve().parents[1]
REFERENCE = (REPO / "examples" / "2022-02-15-nato-cautious-optimism.txt").read_text(
    encoding="utf-8"
)
SHORT = [
    {
        "text": "Russia said on Wednesday that more troops were leaving Crimea after drills. "
        "NATO said it had not seen any sign of a pullback.",
        "published": "2022-02-16",
        "outlet": "Second Wire",
        "title": "Second",
    },
    {
        "text": "Ukraine's president met the German chancellor in Kyiv on Monday and said the "
        "talks had gone well.",
        "published": "2022-02-14",
        "outlet": "Third Wire",
        "title": "Third",
    },
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("api") / "store.duckdb"
    app = create_app(db, token=None)
    with TestClient(app) as c:
        body = [{"text": REFERENCE, "published": "2022-02-15", "outlet": "Reference Wire",
                 "title": "NATO cautious optimism", "url": "https://example.org/nato"},
                *SHORT]  # fmt: skip
        response = c.post("/ingest", json=body)
        assert response.status_code == 200, response.text
        yield c


def ids(client: TestClient) -> dict[str, str]:
    items = client.get("/articles").json()["items"]
    return {item["outlet"]: item["article_id"] for item in items}


# --- analysis ------------------------------------------------------------------------------------


def test_analyze_returns_the_record_contract(client: TestClient) -> None:
    response = client.post("/analyze", json={"text": REFERENCE, "published": "2022-02-15"})
    assert response.status_code == 200
    record = response.json()
    assert set(record) == {"article", "actors", "quotes", "claims", "events", "times", "places"}
    text = record["article"]["text"]
    assert text == REFERENCE
    for claim in record["claims"]:
        assert text[claim["span"][0] : claim["span"][1]] == claim["text"]
    statuses = {c["text"]: c["status"] for c in record["claims"]}
    assert statuses["Russia would invade on Feb. 16"] == "retracted"
    assert "Lviv" in {p["name"] for p in record["places"]}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": ""}, "empty text"),
        ({"text": "   \n "}, "empty text"),
        ({"text": "Die Regierung hat am Dienstag erklärt, dass die Truppen abgezogen werden. " * 6},
         "not English"),
        ({"text": "NATO said so.", "published": "2022-02-31"}, "publication date"),
        ({"text": "NATO said so.", "published": "02/03/2022"}, "ambiguous"),
        ({"url": "http://127.0.0.1:9/x"}, "loopback"),
        ({"url": "http://10.0.0.1/x"}, "private"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "link-local"),
        ({"url": "file:///etc/passwd"}, "only http and https"),
        ({"url": "ftp://example.org/x"}, "only http and https"),
    ],
)  # fmt: skip
def test_bad_input_is_422_with_the_reason(
    client: TestClient, body: dict[str, Any], reason: str
) -> None:
    response = client.post("/analyze", json=body)
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]


def test_neither_text_nor_url_or_an_unknown_field_is_422(client: TestClient) -> None:
    assert "give 'text' or 'url'" in client.post("/analyze", json={}).text
    # With a text, the URL is metadata and is not fetched (a loopback URL is fine then).
    both = client.post("/analyze", json={"text": "NATO said so.", "url": "http://127.0.0.1/"})
    assert both.status_code == 200
    assert both.json()["article"]["url"] == "http://127.0.0.1/"
    assert client.post("/analyze", json={"text": "x", "colour": "red"}).status_code == 422


def test_body_over_the_size_limit_is_413(tmp_path: Path) -> None:
    app = create_app(tmp_path / "s.duckdb", token=None, max_body_bytes=1000, preload=False)
    with TestClient(app) as c:
        response = c.post("/analyze", json={"text": "NATO said so. " * 200})
        assert response.status_code == 413
        assert "larger than 1,000 bytes" in response.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"text": "'
            for _ in range(100):
                yield b"NATO said so. "
            yield b'"}'

        chunked = c.post("/analyze", content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413
        assert c.post("/analyze", json={"text": "NATO said so."}).status_code == 200


def test_analysis_over_the_time_limit_is_504(tmp_path: Path) -> None:
    app = create_app(tmp_path / "s.duckdb", token=None, analysis_timeout=0.001)
    with TestClient(app) as c:
        response = c.post("/analyze", json={"text": REFERENCE})
        assert response.status_code == 504
        assert "longer than 0.001 s" in response.json()["detail"]


# --- ingest and reads ----------------------------------------------------------------------------


def test_ingest_is_idempotent_and_reports_each_item(client: TestClient) -> None:
    before = client.get("/articles").json()["total"]
    response = client.post("/ingest", json=[SHORT[0], {"text": ""}]).json()
    assert [i["status"] for i in response["items"]] == ["present", "rejected"]
    assert response["items"][1]["reason"] == "empty text"
    assert (response["stored"], response["present"], response["rejected"]) == (0, 1, 1)
    assert client.get("/articles").json()["total"] == before


def test_article_rebuilt_from_the_store_equals_the_analysis(client: TestClient) -> None:
    aid = ids(client)["Reference Wire"]
    stored = client.get(f"/articles/{aid}").json()
    fresh = client.post(
        "/analyze",
        json={"text": REFERENCE, "published": "2022-02-15", "outlet": "Reference Wire",
              "title": "NATO cautious optimism"},
    ).json()  # fmt: skip
    for event in fresh["events"]:
        event["origin_place_id"] = None  # not kept by the store (documented)
    fresh["article"]["url"] = stored["article"]["url"]
    fresh["article"]["path"] = stored["article"]["path"]
    for key in ("article", "actors", "quotes", "claims", "times", "places", "events"):
        assert stored[key] == fresh[key], key
    assert client.get("/articles/0000000000000000").status_code == 404


def test_filters_and_pagination(client: TestClient) -> None:
    everything = client.get("/claims", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 3
    page1 = client.get("/claims", params={"limit": 2}).json()
    page2 = client.get("/claims", params={"limit": 2, "offset": 2}).json()
    assert page1["total"] == page2["total"] == total
    keys = [(c["article_id"], c["claim_id"]) for c in page1["items"] + page2["items"]]
    assert len(set(keys)) == 4
    retracted = client.get("/claims", params={"status": "retracted"}).json()
    assert retracted["total"] >= 1
    assert {c["status"] for c in retracted["items"]} == {"retracted"}
    zelensky = client.get("/claims", params={"actor": "zelensky"}).json()["items"]
    assert zelensky and all("Zelensky" in (c["source"] or "") for c in zelensky)
    third = client.get("/articles", params={"outlet": "third wire"}).json()
    assert [a["title"] for a in third["items"]] == ["Third"]
    ranged = client.get("/articles", params={"since": "2022-02-15", "until": "2022-02-16"})
    assert {a["published"] for a in ranged.json()["items"]} == {"2022-02-15", "2022-02-16"}
    quotes = client.get("/quotes", params={"type": "direct"}).json()["items"]
    assert quotes and {q["kind"] for q in quotes} == {"direct"}
    moves = client.get("/events", params={"type": "mobilize"}).json()["items"]
    assert moves and {e["type"] for e in moves} == {"MOBILIZE"}
    people = client.get("/actors", params={"type": "person"}).json()["items"]
    assert "Jens Stoltenberg" in {a["name"] for a in people}
    assert {a["kind"] for a in people} == {"person"}


@pytest.mark.parametrize(
    "query",
    [
        "/claims?limit=501",
        "/claims?limit=0",
        "/claims?offset=-1",
        "/claims?since=2022-02-30",
        "/claims?since=yesterday",
        "/claims?since=2022-02-16&until=2022-02-15",
        "/claims?status=maybe",
        "/quotes?type=rumour",
        "/timeline",
        "/escalation?other=Ukraine",
    ],
)
def test_bad_query_parameters_are_422(client: TestClient, query: str) -> None:
    response = client.get(query)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_corpus_views(client: TestClient) -> None:
    timeline = client.get("/timeline", params={"actor": "Russia"}).json()
    assert timeline["total"] == len(timeline["items"]) > 0
    assert {i["kind"] for i in timeline["items"]} <= {"event", "statement"}
    escalation = client.get("/escalation", params={"actor": "Russia"}).json()
    days = [d["day"] for d in escalation["days"]]
    assert days == sorted(set(days)) and days
    assert escalation["words_deeds"]
    groups = client.get("/claim-groups").json()
    for group in groups["items"]:
        detail = client.get(f"/claims/{group['group_id']}").json()
        assert len(detail["members"]) == group["n_claims"]
    assert client.get("/claims/no-such-group").status_code == 404


def test_openapi_schema_names_the_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/claims"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/ClaimPage")
    claim_row = schema["components"]["schemas"]["ClaimRow"]
    assert "retracted" in claim_row["properties"]["status"]["enum"]


# --- token ---------------------------------------------------------------------------------------


def test_token_is_required_on_every_request(tmp_path: Path) -> None:
    app = create_app(tmp_path / "s.duckdb", token="s3cret-token", preload=False)
    with TestClient(app) as c:
        for path in ("/articles", "/openapi.json", "/ui/articles", "/"):
            assert c.get(path).status_code == 401
            wrong = c.get(path, headers={"Authorization": "Bearer s3cret-tokem"})
            assert wrong.status_code == 401
        assert c.post("/analyze", json={"text": "x"}).status_code == 401
        good = {"Authorization": "Bearer s3cret-token"}
        assert c.get("/articles", headers=good).status_code == 200
        assert c.get("/ui/articles", headers=good).status_code == 200


def test_token_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import hmac

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    app = create_app(tmp_path / "s.duckdb", token="abc", preload=False)
    with TestClient(app) as c:
        assert c.get("/articles", headers={"Authorization": "Bearer abd"}).status_code == 401
    assert (b"Bearer abd", b"Bearer abc") in calls


def test_serve_refuses_a_public_bind_without_a_token(tmp_path: Path) -> None:
    from wirelens.commands.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    env = {k: v for k, v in __import__("os").environ.items() if k != "WIRELENS_TOKEN"}
    run = subprocess.run(
        [sys.executable, "-m", "wirelens.cli", "serve", "--db", str(tmp_path / "s.duckdb"),
         "--host", "0.0.0.0", "--port", "1"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2
    assert "WIRELENS_TOKEN" in run.stderr
    assert not (tmp_path / "s.duckdb").exists()  # refused before touching anything
