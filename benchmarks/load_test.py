"""Load test of `wirelens serve` from a second process, on loopback only.

    python benchmarks/load_test.py [--clients 50] [--seconds 30] [--db /tmp/x.duckdb]

Starts uvicorn (wirelens.api.create_app) in a child process on 127.0.0.1, then runs CLIENTS
concurrent clients (asyncio + httpx) for SECONDS seconds. Each client loops over GET /claims,
POST /analyze (a short text) and POST /ingest (a new, unique short text every time). Afterwards it
counts the stored articles: every ingest answered "stored" must be in the store (no lost writes).
Prints requests/s, p50/p95 latency per endpoint, status codes, 5xx count and writes sent vs stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

TEXT = (
    "NATO said on Tuesday that it had not seen any sign of de-escalation, after Russia announced "
    "that some troops were returning to their bases. Ukraine's foreign minister said Kyiv would "
    "keep talking to its partners."
)
MAX_REQUESTS = 200_000  # hard cap on the run, whatever the duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys, uvicorn\n"
        "from wirelens.api import create_app\n"
        "uvicorn.run(create_app(sys.argv[1], token=None), host='127.0.0.1',"
        " port=int(sys.argv[2]), log_level='warning')\n"
    )
    return subprocess.Popen([sys.executable, "-c", code, str(db), str(port)])


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not start")


async def client(
    n: int, base: str, stop: float, results: dict[str, list[tuple[int, float]]], sent: list[str]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        i = 0
        while time.monotonic() < stop and sum(len(v) for v in results.values()) < MAX_REQUESTS:
            kind = ("claims", "analyze", "claims", "ingest")[i % 4]
            started = time.perf_counter()
            if kind == "claims":
                response = await http.get("/claims", params={"limit": 50, "offset": (i * 7) % 40})
            elif kind == "analyze":
                response = await http.post(
                    "/analyze", json={"text": TEXT, "published": "2022-02-15"}
                )
            else:
                text = f"{TEXT} Client {n} sent update number {i} from the load test."
                response = await http.post(
                    "/ingest", json={"text": text, "published": "2022-02-15", "outlet": "Load"}
                )
                if (
                    response.status_code == 200
                    and response.json()["items"][0]["status"] == "stored"
                ):
                    sent.append(response.json()["items"][0]["article_id"])
            results[kind].append((response.status_code, time.perf_counter() - started))
            i += 1


async def run(
    base: str, clients: int, seconds: float
) -> tuple[dict[str, list[tuple[int, float]]], list[str], float]:
    results: dict[str, list[tuple[int, float]]] = defaultdict(list)
    sent: list[str] = []
    started = time.monotonic()
    stop = started + seconds
    await asyncio.gather(*(client(n, base, stop, results, sent) for n in range(clients)))
    return results, sent, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "load.duckdb"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port)
    try:
        wait_ready(base)
        seed = httpx.post(
            f"{base}/ingest", json={"text": TEXT, "published": "2022-02-15"}, timeout=120
        )
        seed.raise_for_status()
        before = httpx.get(f"{base}/articles", params={"limit": 1}).json()["total"]
        results, sent, elapsed = asyncio.run(run(base, args.clients, args.seconds))
        after = httpx.get(f"{base}/articles", params={"limit": 1, "outlet": "Load"}).json()["total"]
        ids: set[str] = set()
        offset = 0
        while True:  # every id answered "stored" must be listed
            page = httpx.get(
                f"{base}/articles", params={"limit": 500, "offset": offset, "outlet": "Load"}
            ).json()
            ids.update(a["article_id"] for a in page["items"])
            offset += 500
            if offset >= page["total"]:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in results.values())
    report = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "server_errors_5xx": sum(1 for v in results.values() for s, _ in v if s >= 500),
        "writes_sent": len(sent),
        "writes_stored": after,
        "writes_missing": len(set(sent) - ids),
        "articles_before": before,
        "endpoints": {},
    }
    for kind, rows in sorted(results.items()):
        latencies = sorted(t for _, t in rows)
        report["endpoints"][kind] = {  # type: ignore[index]
            "requests": len(rows),
            "per_s": round(len(rows) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
            "status": dict(Counter(s for s, _ in rows)),
        }
    print(json.dumps(report, indent=2))
    if report["server_errors_5xx"] or report["writes_missing"] or after != len(sent):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
