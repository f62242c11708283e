"""Safe URL fetching and URLs as ingest sources, against a local server on 127.0.0.1 only.

Every test here talks to loopback and nothing else: an autouse guard replaces
``socket.create_connection`` and fails any connection to another address, and host names are
resolved by a fake resolver (no DNS). Private addresses are tested by classifying them, or by
checking that a redirect into them is refused before any connection is made.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from wirelens.ingest import FetchError, FetchOptions, Rejected, read_sources
from wirelens.ingest import url as url_module
from wirelens.ingest.url import (
    MAX_REDIRECTS,
    address_problem,
    classify_address,
    fetch,
)
from wirelens.model import Article

PARAGRAPHS = [
    "Defence ministers met in Brussels on Tuesday to discuss the troop build-up near the "
    "border, and several of them said they had not yet seen any sign of a withdrawal.",
    "The alliance's secretary-general told reporters that the movement of some units was "
    "welcome but that equipment was still being moved closer to the frontier.",
]
ARTICLE_HTML = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ministers see no sign of withdrawal</title>
<meta property="article:published_time" content="2022-02-15T18:30:00+00:00">
<link rel="canonical" href="https://elsewhere.example.org/">
<script>document.title = "executed";</script></head>
<body><nav>Home World Sport</nav><article><h1>Ministers see no sign of withdrawal</h1>
<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></article></body></html>
""".encode()
CAFE = "The minister spoke at a café near the station and said that talks would go on all week."
LATIN1_HTML = f"<html><body><article><p>{CAFE}</p></article></body></html>".encode("latin-1")
XHTML = f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>
<body><article><p>{PARAGRAPHS[0]}</p></article></body></html>""".encode()
GZIP_BOMB = gzip.compress(b"\0" * 20_000_000, compresslevel=9)  # ~20 KB on the wire


def feed_xml(base: str) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}/article</link>"
        f"<pubDate>Wed, 16 Feb 2022 0{n}:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;{text}&lt;/p&gt;</description></item>"
        for n, text in enumerate(PARAGRAPHS, start=1)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """Routes for every behaviour under test; each request is logged on the server."""

    server: LocalServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def reply(self, status: int, body: bytes, ctype: str = "text/html", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        headers.setdefault("Content_Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str | None) -> None:
        self.send_response(302)
        if location is not None:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream(self, chunk: bytes, pause: float, seconds: float = 10.0) -> None:
        """Send ``chunk`` every ``pause`` s until the client goes away (or ``seconds`` pass)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            return  # the client hung up, as it should

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Host", "")))
        path = self.path
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path == "/article":
            self.reply(200, ARTICLE_HTML, "text/html; charset=utf-8")
        elif path == "/feed":
            self.reply(200, feed_xml(base), "application/rss+xml")
        elif path == "/feed-as-text":
            self.reply(200, feed_xml(base), "text/plain")
        elif path == "/xhtml":
            self.reply(200, XHTML, "application/xml")
        elif path == "/not-a-feed":
            self.reply(200, b"<?xml version='1.0'?><note>hi</note>", "application/xml")
        elif path == "/latin1":
            self.reply(200, LATIN1_HTML, "text/html; charset=ISO-8859-1")
        elif path == "/bad-charset":
            self.reply(200, b"<p>\xff\xfe</p>", "text/html; charset=utf-8")
        elif path.startswith("/r/"):
            hops = int(path[3:])
            self.redirect("/article" if hops == 0 else f"/r/{hops - 1}")
        elif path == "/loop":
            self.redirect(f"{base}/loop")
        elif path == "/to-private":
            self.redirect("http://10.0.0.1/admin")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-ipv6-loopback":
            self.redirect(f"http://[::1]:{self.server.server_address[1]}/article")
        elif path == "/to-mapped":
            self.redirect("http://[::ffff:127.0.0.1]/article")
        elif path == "/to-internal-name":
            self.redirect("http://internal.test/")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/no-location":
            self.redirect(None)
        elif path == "/endless":
            self.stream(b"x" * 65536, 0)
        elif path == "/huge-declared":
            self.reply(200, b"tiny", Content_Length="50000000")
        elif path == "/gzip-bomb":
            self.reply(200, GZIP_BOMB, Content_Encoding="gzip")
        elif path == "/gzip":
            self.reply(200, gzip.compress(ARTICLE_HTML), Content_Encoding="gzip")
        elif path == "/slow":
            self.stream(b"x", 0.05)
        elif path == "/stall":
            self.stream(b"", 10.0)  # headers, then silence
        elif path == "/slow-headers":
            try:
                for byte in b"HTTP/1.0 200 OK\r\nX-Slow: " + b"y" * 1000:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                return
        else:
            self.reply(404, b"not here")


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str]]


def serve(wrap: Callable[[socket.socket], socket.socket] | None = None) -> Iterator[LocalServer]:
    server = LocalServer(("127.0.0.1", 0), Handler)
    server.seen = []
    if wrap is not None:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    yield from serve()


@pytest.fixture
def base(server: LocalServer) -> str:
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every address fetch connects to; refuse (and fail) anything but loopback."""
    connected: list[str] = []
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host = address[0]
        connected.append(host)
        assert host in ("127.0.0.1", "::1"), f"test tried to connect to {host}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return connected


FAKE_DNS = {
    "news.example.test": ["127.0.0.1"],
    "wirelens.test": ["127.0.0.1"],
    "internal.test": ["192.168.1.5"],
    "mixed.test": ["127.0.0.1", "10.0.0.9"],
}


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fake resolver (FAKE_DNS); returns the list of names looked up."""
    lookups: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        if host not in FAKE_DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in FAKE_DNS[host]]

    monkeypatch.setattr(url_module, "_getaddrinfo", getaddrinfo)
    return lookups


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (only) as public, so later hops meet the real address check."""
    real = url_module.classify_address
    monkeypatch.setattr(
        url_module, "classify_address", lambda a: None if a == "127.0.0.1" else real(a)
    )


# --------------------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("100.64.0.1", "non-public"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 wrapping 10.0.0.1
        ("64:ff9b::a00:1", "private"),  # NAT64 to 10.0.0.1
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 to 127.0.0.1
    ],
)
def test_non_public_addresses_are_classified(address: str, kind: str) -> None:
    assert classify_address(address) == kind


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.216.34", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:1.1.1.1"],
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None
    assert address_problem(address) is None


def test_refusal_messages() -> None:
    assert address_problem("127.0.0.1") == "refused: 127.0.0.1 is a loopback address"
    assert address_problem("0.0.0.0") == "refused: 0.0.0.0 is an unspecified address"
    assert address_problem("fe80::1") == "refused: fe80::1 is a link-local address"
    with pytest.raises(ValueError):
        classify_address("localhost")


# --------------------------------------------------------------------------- URL checks


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/file", "refused: only http and https URLs are fetched (scheme 'ftp')"),
        ("file:///etc/passwd", "refused: only http and https URLs are fetched (scheme 'file')"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("http://user:secret@127.0.0.1/", "refused: URLs with a user name or password"),
        ("http:///nohost", "invalid URL (no host)"),
        ("http://127.0.0.1:99999/", "invalid URL"),
        ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://[::1]/", "refused: ::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://0.0.0.0:8080/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://169.254.169.254/latest/", "refused: 169.254.169.254 is a link-local address"),
        ("http://192.168.0.1/", "refused: 192.168.0.1 is a private address"),
    ],
)
def test_bad_urls_are_refused_without_connecting(
    url: str, reason: str, loopback_only: list[str]
) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    assert reason in str(caught.value)
    assert loopback_only == []


def test_names_resolving_to_private_addresses_are_refused(
    dns: list[str], loopback_only: list[str]
) -> None:
    with pytest.raises(FetchError, match=r"192\.168\.1\.5 is a private address .*internal\.test"):
        fetch("http://internal.test/")
    # One internal address among public ones is enough to refuse the name.
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a loopback"):
        fetch("http://mixed.test/")
    with pytest.raises(FetchError, match=r"cannot resolve host 'nowhere\.test'"):
        fetch("http://nowhere.test/")
    assert loopback_only == []


# --------------------------------------------------------------------------- local server


def test_fetch_page_with_allow_private(base: str, server: LocalServer) -> None:
    result = fetch(f"{base}/article", allow_private=True)
    assert (result.status, result.content_type, result.charset) == (200, "text/html", "utf-8")
    assert result.body == ARTICLE_HTML
    assert result.final_url == f"{base}/article" and result.redirects == ()
    assert result.address == "127.0.0.1"
    assert server.seen == [("/article", f"127.0.0.1:{server.server_address[1]}")]


def test_same_url_refused_without_allow_private(base: str, server: LocalServer) -> None:
    with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a loopback address$"):
        fetch(f"{base}/article")
    assert server.seen == []  # refused before any request


def test_connects_to_the_checked_address_with_the_original_host_name(
    server: LocalServer, dns: list[str], loopback_only: list[str], loopback_is_public: None
) -> None:
    port = server.server_address[1]
    server.seen.clear()
    result = fetch(f"http://news.example.test:{port}/article")
    assert result.address == "127.0.0.1"
    assert dns == ["news.example.test"]  # resolved once: no second lookup to rebind
    assert loopback_only == ["127.0.0.1"]  # connected to exactly what was checked
    assert server.seen == [("/article", f"news.example.test:{port}")]  # Host header kept


def test_redirect_chain_is_followed(base: str, server: LocalServer) -> None:
    result = fetch(f"{base}/r/3", allow_private=True)
    assert result.final_url == f"{base}/article"
    assert result.redirects == (f"{base}/r/2", f"{base}/r/1", f"{base}/r/0", f"{base}/article")
    assert result.body == ARTICLE_HTML


def test_redirect_limit(base: str, server: LocalServer) -> None:
    fetch(f"{base}/r/{MAX_REDIRECTS - 1}", allow_private=True)  # 5 redirects: fine
    server.seen.clear()
    with pytest.raises(FetchError, match=r"^too many redirects \(more than 5\)$"):
        fetch(f"{base}/loop", allow_private=True)
    assert len(server.seen) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-private", "refused: 10.0.0.1 is a private address"),
        ("/to-metadata", "refused: 169.254.169.254 is a link-local address"),
        ("/to-ipv6-loopback", "refused: ::1 is a loopback address"),
        ("/to-mapped", "refused: ::ffff:127.0.0.1 is a loopback address"),
        ("/to-internal-name", "refused: 192.168.1.5 is a private address"),
        ("/to-file", "refused: only http and https URLs are fetched (scheme 'file')"),
    ],
)
def test_redirects_into_private_addresses_are_refused(
    path: str,
    reason: str,
    base: str,
    dns: list[str],
    loopback_only: list[str],
    loopback_is_public: None,
) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(base + path)
    assert str(caught.value).startswith(reason)
    assert loopback_only == ["127.0.0.1"]  # only the first hop was ever contacted


def test_scheme_is_checked_on_redirects_even_when_private_allowed(base: str) -> None:
    with pytest.raises(FetchError, match="scheme 'file'"):
        fetch(f"{base}/to-file", allow_private=True)


def test_endless_body_is_cut_at_max_bytes(base: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^too large: more than 1,000,000 bytes$"):
        fetch(f"{base}/endless", allow_private=True, max_bytes=1_000_000)
    assert time.monotonic() - started < 5


def test_default_cap_is_five_million_bytes(base: str) -> None:
    with pytest.raises(FetchError, match=r"^too large: more than 5,000,000 bytes$"):
        fetch(f"{base}/endless", allow_private=True)


def test_declared_length_over_the_cap_is_refused_before_reading(base: str) -> None:
    with pytest.raises(FetchError, match="too large: more than 1,000,000 bytes"):
        fetch(f"{base}/huge-declared", allow_private=True, max_bytes=1_000_000)


def test_gzip_is_decoded_and_a_gzip_bomb_is_capped(base: str) -> None:
    assert fetch(f"{base}/gzip", allow_private=True).body == ARTICLE_HTML
    with pytest.raises(FetchError, match="too large: more than 1,000,000 bytes"):
        fetch(f"{base}/gzip-bomb", allow_private=True, max_bytes=1_000_000)


@pytest.mark.parametrize("path", ["/slow", "/stall", "/slow-headers"])
def test_slow_server_hits_the_total_time_limit(base: str, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 1 s$"):
        fetch(base + path, allow_private=True, timeout=1.0)
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 2.5


def test_slow_dns_hits_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_lookup(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(3)
        return []

    monkeypatch.setattr(url_module, "_getaddrinfo", slow_lookup)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        fetch("http://slow-dns.test/", timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_http_errors_and_closed_ports(base: str) -> None:
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$"):
        fetch(f"{base}/missing", allow_private=True)
    with pytest.raises(FetchError, match="redirect without a Location header"):
        fetch(f"{base}/no-location", allow_private=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(FetchError, match=rf"connection refused by 127\.0\.0\.1:{closed_port}"):
        fetch(f"http://127.0.0.1:{closed_port}/", allow_private=True)


def test_declared_charset_is_used(base: str) -> None:
    result = fetch(f"{base}/latin1", allow_private=True)
    assert result.charset == "iso-8859-1"
    assert CAFE in result.text()
    with pytest.raises(FetchError, match="not valid utf-8"):
        fetch(f"{base}/bad-charset", allow_private=True).text()


# --------------------------------------------------------------------------- as ingest sources


ALLOW = FetchOptions(allow_private=True)


def test_url_source_reads_the_page(base: str) -> None:
    (item,) = read_sources([f"{base}/r/1"], fetching=ALLOW)
    assert isinstance(item, Article), item
    assert item.url == f"{base}/article"  # where it was read, not the page's canonical link
    assert item.title == "Ministers see no sign of withdrawal"
    assert item.published == "2022-02-15"
    assert PARAGRAPHS[0] in item.text and PARAGRAPHS[1] in item.text
    assert "executed" not in item.text and "Home World Sport" not in item.text


def test_url_source_with_header_charset(base: str) -> None:
    (item,) = read_sources([f"{base}/latin1"], fetching=ALLOW)
    assert isinstance(item, Article), item
    assert item.text == CAFE


@pytest.mark.parametrize("path", ["/feed", "/feed-as-text"])
def test_feed_url_yields_one_article_per_item(base: str, path: str) -> None:
    got = list(read_sources([base + path], fetching=ALLOW))
    assert [type(item) for item in got] == [Article, Article]
    first, second = got
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.outlet, first.title, first.text) == ("Loopback Wire", "Item 1", PARAGRAPHS[0])
    assert second.text == PARAGRAPHS[1] and second.published == "2022-02-16"
    assert first.url == f"{base}/article"


def test_feed_url_follow_links_reads_each_page(base: str, server: LocalServer) -> None:
    options = FetchOptions(allow_private=True, follow_links=True)
    got = list(read_sources([f"{base}/feed"], fetching=options))
    assert len(got) == 2
    for item in got:
        assert isinstance(item, Article), item
        assert PARAGRAPHS[1] in item.text  # the page's full text, not the item's summary
        assert item.title == "Ministers see no sign of withdrawal"
    assert [path for path, _ in server.seen] == ["/feed", "/article", "/article"]


def test_xhtml_served_as_xml_is_a_page_and_other_xml_is_rejected(base: str) -> None:
    (page,) = read_sources([f"{base}/xhtml"], fetching=ALLOW)
    assert isinstance(page, Article) and page.text == PARAGRAPHS[0]
    (other,) = read_sources([f"{base}/not-a-feed"], fetching=ALLOW)
    assert isinstance(other, Rejected) and "root element <note>" in other.reason


def test_url_sources_are_refused_by_default_and_batch_goes_on(
    base: str, server: LocalServer, tmp_path: Path
) -> None:
    text_file = tmp_path / "a.txt"
    text_file.write_text(" ".join(PARAGRAPHS), encoding="utf-8")
    got = list(read_sources([f"{base}/article", f"{base}/endless", str(text_file)]))
    assert got[0] == Rejected(f"{base}/article", "refused: 127.0.0.1 is a loopback address")
    assert isinstance(got[1], Rejected) and got[1].reason.startswith("refused:")
    assert isinstance(got[2], Article)
    assert server.seen == []


def test_url_source_errors_are_one_line_rejections(base: str) -> None:
    options = FetchOptions(allow_private=True, max_bytes=100_000, timeout=1.0)
    got = list(
        read_sources([f"{base}/endless", f"{base}/slow", f"{base}/missing"], fetching=options)
    )
    assert got == [
        Rejected(f"{base}/endless", "too large: more than 100,000 bytes"),
        Rejected(f"{base}/slow", "timed out after 1 s"),
        Rejected(f"{base}/missing", "HTTP 404 Not Found"),
    ]


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for wirelens.test (needs the openssl tool)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=wirelens.test", "-addext", "subjectAltName=DNS:wirelens.test"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate: tuple[Path, Path]) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    yield from serve(lambda sock: context.wrap_socket(sock, server_side=True))


def test_https_uses_the_host_name_for_sni_and_certificate_check(
    tls_server: LocalServer,
    certificate: tuple[Path, Path],
    dns: list[str],
    loopback_is_public: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    monkeypatch.setattr(url_module, "_tls_context", lambda: trusting)
    port = tls_server.server_address[1]
    result = fetch(f"https://wirelens.test:{port}/article")
    assert result.body == ARTICLE_HTML and result.address == "127.0.0.1"
    # The same server by address: the certificate does not name 127.0.0.1, so it is refused.
    with pytest.raises(FetchError, match=r"TLS certificate check failed for 127\.0\.0\.1"):
        fetch(f"https://127.0.0.1:{port}/article")


def test_https_untrusted_certificate_is_refused(
    tls_server: LocalServer, dns: list[str], loopback_is_public: None
) -> None:
    port = tls_server.server_address[1]
    with pytest.raises(FetchError, match=r"TLS certificate check failed for wirelens\.test"):
        fetch(f"https://wirelens.test:{port}/article")
