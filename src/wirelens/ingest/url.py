"""Safe fetching of http(s) URLs, and URLs as ingest sources (a page or a feed).

>>> result = fetch("https://example.org/story", timeout=5.0)  # doctest: +SKIP
>>> result.final_url, result.content_type, len(result.body)  # doctest: +SKIP

A URL given by a user (or found in a feed, or in a redirect) must not reach hosts it should not
reach (server-side request forgery) nor hang or exhaust the process. So :func:`fetch`:

- accepts only ``http`` and ``https`` URLs without credentials;
- resolves the host once and refuses private, loopback, link-local, multicast, reserved,
  unspecified and other non-public addresses (IPv4 and IPv6, including IPv4 addresses embedded in
  IPv6 as mapped, 6to4, Teredo or NAT64 addresses) unless ``allow_private``;
- connects to exactly the address it checked (no second DNS lookup, so no rebinding window),
  sending the original host name in the ``Host`` header and as the TLS server name (SNI and
  certificate check);
- follows at most :data:`MAX_REDIRECTS` redirects itself, checking every hop's scheme and address;
- streams the body and aborts past ``max_bytes`` (also after gzip/deflate decoding) and past
  ``timeout`` seconds in total (a watchdog closes the socket, so a server dribbling bytes cannot
  hold a read open);
- ignores proxy environment variables (a proxy would resolve names itself).

Nothing fetched is executed: pages go to the HTML reader (trafilatura/lxml, scripts dropped) and
feeds to the feed reader (no entity declarations, no external entities).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from .article import InputError
from .base import Defaults, Item, Rejected
from .feeds import FeedError, Follow, NotAFeed, feed_items, looks_like_xml, parse_feed
from .html import read_html

__all__ = [
    "MAX_REDIRECTS",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "address_problem",
    "classify_address",
    "fetch",
    "fetch_page",
    "read_url",
]

MAX_REDIRECTS = 5
"""Redirects followed before giving up (each hop is checked like the first URL)."""

USER_AGENT = "wirelens/0.1 (news analysis; +https://example.org/wirelens)"
_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+xml",
    }
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
# NAT64 well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches the IPv4 host a.b.c.d.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Indirection so tests can stand in for DNS without touching the network.
_getaddrinfo = socket.getaddrinfo


class FetchError(InputError):
    """A URL that could not (or must not) be fetched; ``str(error)`` is one line."""


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) response after redirects, with its body read in full."""

    url: str
    """The URL asked for."""
    final_url: str
    """The URL the body came from (after redirects)."""
    status: int
    content_type: str
    """Media type in lower case without parameters ("" when the server sends none)."""
    charset: str | None
    """Charset declared in the Content-Type header, if any."""
    body: bytes
    address: str
    """The IP address the body was read from."""
    redirects: tuple[str, ...] = field(default=())
    """Every URL redirected to, in order."""

    def text(self) -> str:
        """The body decoded with the declared charset, else a BOM or an in-document declaration
        (``<meta charset>``, ``<?xml encoding?>``), else UTF-8; raises :class:`FetchError`."""
        charset = _body_charset(self.body, self.charset)
        try:
            return self.body.decode(charset)
        except LookupError:
            raise FetchError(f"unknown charset '{charset}'") from None
        except UnicodeDecodeError as error:
            raise FetchError(
                f"not valid {charset}: byte offset {error.start} ({error.reason})"
            ) from None


@dataclass(frozen=True)
class FetchOptions:
    """How URL inputs are fetched (the CLI fills these from its flags)."""

    max_bytes: int = 5_000_000
    timeout: float = 10.0
    allow_private: bool = False
    follow_links: bool = False
    """For feeds: fetch each item's link and read the page instead of the feed's item text."""


# --------------------------------------------------------------------------- address checks


def classify_address(address: str) -> str | None:
    """Why an IP address must not be contacted ("loopback", "private", ...), or None if public.

    Kinds: unspecified, loopback, link-local, multicast, reserved, private, non-public (e.g.
    100.64.0.0/10 carrier-grade NAT). An IPv6 address that embeds an IPv4 one (mapped
    ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64) gets the kind of the IPv4 address it reaches.
    Raises ValueError for a string that is not an IP address.
    """
    return _kind(ipaddress.ip_address(address.split("%", 1)[0]))  # drop a zone ("%eth0")


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _kind(ip.ipv4_mapped)  # the very same IPv4 host
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (kind := _kind(embedded)) is not None:
            return kind
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    # Reserved before private: 240.0.0.0/4 and 255.255.255.255 are both, "reserved" says more.
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


def address_problem(address: str) -> str | None:
    """A refusal reason for ``address`` ("refused: 10.0.0.1 is a private address") or None."""
    kind = classify_address(address)
    if kind is None:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    return f"refused: {address} is {article} {kind} address"


# --------------------------------------------------------------------------- deadline


class _Deadline:
    """Total time budget of one fetch, across DNS, connects, redirects and body reads."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.end = time.monotonic() + timeout

    def error(self) -> FetchError:
        return FetchError(f"timed out after {self.timeout:g} s")

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.error()
        return left


# --------------------------------------------------------------------------- URL and DNS


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal without brackets
    port: int
    path: str  # path and query, percent-encoded, never empty


def _target(url: str) -> _Target:
    """Split and check one URL; raises FetchError for anything but plain http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchError(f"invalid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise FetchError(f"refused: only http and https URLs are fetched (scheme '{shown}')")
    if parts.username is not None or parts.password is not None:
        raise FetchError("refused: URLs with a user name or password are not fetched")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("invalid URL (no host)")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"invalid URL (host name '{host}' cannot be encoded)") from None
    # Keep existing %XX escapes; encode spaces and non-ASCII so http.client accepts the line.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, deadline: _Deadline) -> list[str]:
    """The host's addresses, in resolver order; the lookup is bounded by the deadline."""
    if _is_ip(host):
        return [host]  # a literal: no lookup, still checked by the caller
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = _getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            outcome["error"] = error

    # getaddrinfo has no timeout of its own: run it in a daemon thread and stop waiting.
    worker = threading.Thread(target=lookup, name="wirelens-dns", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.error()
    if "error" in outcome:
        raise FetchError(f"cannot resolve host '{host}'")
    addresses: list[str] = []
    for info in outcome.get("infos", []):  # type: ignore[attr-defined]
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve host '{host}'")
    return addresses


def _checked_addresses(target: _Target, deadline: _Deadline, allow_private: bool) -> list[str]:
    """Resolve and refuse the host if ANY of its addresses is not public.

    Refusing on any (not just the first) bad address means a name that mixes a public and an
    internal address cannot be used to reach the internal one on a retry.
    """
    addresses = _resolve(target.host, target.port, deadline)
    if not allow_private:
        for address in addresses:
            reason = address_problem(address)
            if reason is not None:
                if address != target.host:
                    reason += f" (resolved from '{target.host}')"
                raise FetchError(reason)
    return addresses


# --------------------------------------------------------------------------- connections


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a fixed IP address; ``host`` is used for the Host header only.

    ``pinned_sock`` keeps the socket after http.client hands it to the response (it sets
    ``sock`` to None then), so the body reads can still be timed and interrupted.
    """

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address
        self.pinned_sock: socket.socket | None = None

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pinned_sock = self.sock


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed IP address, with SNI and certificate check against ``host``."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.pinned_address = address
        self.pinned_sock: socket.socket | None = None
        self.tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((self.pinned_address, self.port), self.timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock = self.tls_context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        self.pinned_sock = self.sock


_Pinned = _PinnedHTTPConnection | _PinnedHTTPSConnection


def _tls_context() -> ssl.SSLContext:
    """Certificate and host-name verification on (the default context); tests may replace it."""
    return ssl.create_default_context()


class _Watchdog:
    """Shuts a connection's socket when the deadline passes, unblocking any pending read."""

    def __init__(self, connection: _Pinned, deadline: _Deadline) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(0.0, deadline.end - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.pinned_sock
        if sock is None:
            return  # still connecting: the connect timeout (the remaining time) ends it
        # Shut the connection down through a duplicate descriptor: the reading thread's socket
        # object (an SSLSocket for https) is left untouched and its recv returns at once.
        with contextlib.suppress(OSError, ValueError):  # already closed: nothing to unblock
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
            try:
                duplicate.shutdown(socket.SHUT_RDWR)
            finally:
                duplicate.close()

    def cancel(self) -> None:
        self._timer.cancel()


def _decoder(encoding: str) -> Callable[[bytes, int], bytes] | None:
    """A streaming decoder for a Content-Encoding; ``None`` for identity."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        # wbits 47 accepts gzip and zlib headers; max_length bounds each step's output.
        inflater = zlib.decompressobj(47)

        def decode(chunk: bytes, room: int) -> bytes:
            out = inflater.decompress(chunk, room + 1)
            if inflater.unconsumed_tail:
                return out + b"\0" * (room + 1)  # more output than room: over the cap
            return out

        return decode
    raise FetchError(f"unsupported Content-Encoding '{encoding}'")


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"too large: more than {max_bytes:,} bytes")


def _read_body(
    connection: _Pinned,
    response: http.client.HTTPResponse,
    deadline: _Deadline,
    watchdog: _Watchdog,
    max_bytes: int,
) -> bytes:
    """Stream the body, stopping past ``max_bytes`` (decoded) or the deadline."""
    declared = response.getheader("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)  # no need to read what the server says it will send
    decode = _decoder(response.getheader("Content-Encoding") or "")
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline.remaining()
        if connection.pinned_sock is not None:
            connection.pinned_sock.settimeout(remaining)
        # read1 returns after one socket read, so the deadline is checked between reads even
        # when a server dribbles one byte at a time.
        chunk = response.read1(_CHUNK)
        if watchdog.fired:
            raise deadline.error()
        if not chunk:
            break
        if decode is not None:
            chunk = decode(chunk, max_bytes - size)
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(content_type: str) -> tuple[str, str | None]:
    media = content_type.split(";", 1)[0].strip().lower()
    match = _CHARSET_PARAM.search(content_type)
    return media, match.group(1).lower() if match else None


def _describe(error: BaseException, target: _Target) -> str:
    """One line for a connection-level failure."""
    where = f"{target.host}:{target.port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate check failed for {target.host} ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS error with {where} ({error.reason or type(error).__name__})"
    if isinstance(error, ConnectionRefusedError):
        return f"connection refused by {where}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response from {where} ({type(error).__name__})"
    if isinstance(error, OSError):
        return f"cannot connect to {where} ({error.strerror or type(error).__name__})"
    return f"fetch failed ({type(error).__name__})"


def fetch(
    url: str,
    *,
    max_bytes: int = 5_000_000,
    timeout: float = 10.0,
    allow_private: bool = False,
) -> FetchResult:
    """GET ``url`` safely (see the module docstring) and return the 2xx response.

    Raises :class:`FetchError` (an :class:`~wirelens.ingest.InputError`) with a one-line reason:
    "refused: 127.0.0.1 is a loopback address", "too large: more than 5,000,000 bytes",
    "timed out after 10 s", "HTTP 404 Not Found", "too many redirects (more than 5)", ...
    """
    deadline = _Deadline(timeout)
    current = url
    redirects: list[str] = []
    while True:
        target = _target(current)
        addresses = _checked_addresses(target, deadline, allow_private)
        location = ""
        for index, address in enumerate(addresses):
            connection: _Pinned | None = None
            watchdog: _Watchdog | None = None
            response: http.client.HTTPResponse | None = None
            try:
                # The watchdog is armed before connecting: nothing below may outlive the deadline.
                connection = (
                    _PinnedHTTPSConnection(
                        target.host, target.port, address, deadline.remaining(), _tls_context()
                    )
                    if target.scheme == "https"
                    else _PinnedHTTPConnection(
                        target.host, target.port, address, deadline.remaining()
                    )
                )
                watchdog = _Watchdog(connection, deadline)
                response = _request(connection, target)
                status = response.status
                if status in _REDIRECT_CODES:
                    location = (response.getheader("Location") or "").strip()
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location header")
                    break  # handled below, after this connection is closed
                if not 200 <= status < 300:
                    raise FetchError(f"HTTP {status} {response.reason}".strip())
                body = _read_body(connection, response, deadline, watchdog, max_bytes)
                media, charset = _media_type(response.getheader("Content-Type") or "")
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=status,
                    content_type=media,
                    charset=charset,
                    body=body,
                    address=address,
                    redirects=tuple(redirects),
                )
            except FetchError:
                raise
            except Exception as error:
                if (watchdog is not None and watchdog.fired) or isinstance(error, TimeoutError):
                    raise deadline.error() from None
                if not isinstance(error, OSError | http.client.HTTPException | ValueError):
                    raise
                connect_failed = connection is None or connection.pinned_sock is None
                if connect_failed and index + 1 < len(addresses):
                    continue  # the host has another (checked) address: try it
                raise FetchError(_describe(error, target)) from None
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                if connection is not None:
                    connection.close()
                if response is not None:
                    response.close()  # the response owns the socket once headers are read
        if len(redirects) >= MAX_REDIRECTS:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
        current = urljoin(current, location)
        redirects.append(current)


def _request(connection: http.client.HTTPConnection, target: _Target) -> http.client.HTTPResponse:
    """Send the GET and read the status line and headers."""
    connection.request(
        "GET",
        target.path,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": _ACCEPT,
            # Compressed bodies are still decoded (under the size cap), but ask for none.
            "Accept-Encoding": "identity",
            "Connection": "close",
        },
    )
    return connection.getresponse()


# --------------------------------------------------------------------------- charsets


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def _body_charset(body: bytes, declared: str | None) -> str:
    """Header charset, else BOM, else in-document declaration, else UTF-8."""
    if body.startswith(_UTF8_BOM):
        return "utf-8-sig"  # a BOM is unambiguous and wins over a (possibly stale) header
    if declared:
        return declared
    head = body[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else "utf-8"


# --------------------------------------------------------------------------- URL as a source


def _is_feed_response(result: FetchResult) -> bool:
    if result.content_type in ("text/html", "application/xhtml+xml"):
        return False
    return result.content_type in _FEED_TYPES or looks_like_xml(result.body)


def _page_item(result: FetchResult, source: str, defaults: Defaults) -> Item:
    """A fetched HTML page through the HTML reader, with ``url`` set to where it was read."""
    data = result.body
    if result.charset and not data.startswith(_UTF8_BOM):
        # The header wins over <meta>: hand the HTML reader UTF-8, which it reads first.
        try:
            data = result.text().encode("utf-8")
        except FetchError as error:
            return Rejected(source, f"{error} (charset declared by the server)")
    item = read_html(data, source, defaults)
    if isinstance(item, Rejected):
        return item
    # The fetched URL, not the page's canonical link: CMSs often put the home page there.
    return item.model_copy(update={"url": result.final_url})


def fetch_page(url: str, source: str, defaults: Defaults, options: FetchOptions) -> Item:
    """Fetch ``url`` and read it as one HTML article (used for a feed item's link)."""
    try:
        result = fetch(
            url,
            max_bytes=options.max_bytes,
            timeout=options.timeout,
            allow_private=options.allow_private,
        )
    except FetchError as error:
        return Rejected(source, str(error))
    return _page_item(result, source, defaults)


def read_url(url: str, defaults: Defaults, options: FetchOptions | None = None) -> Iterator[Item]:
    """Items of one URL: one Article or Rejected for a page, one per item for a feed.

    Never raises for a bad URL or response: the reason is in the Rejected.
    """
    options = options or FetchOptions()
    try:
        result = fetch(
            url,
            max_bytes=options.max_bytes,
            timeout=options.timeout,
            allow_private=options.allow_private,
        )
    except FetchError as error:
        yield Rejected(url, str(error))
        return
    if not _is_feed_response(result):
        yield _page_item(result, url, defaults)
        return
    try:
        # A header charset wins over <?xml encoding?>: parse the decoded text then.
        declared = result.charset and not result.body.startswith(_UTF8_BOM)
        feed = parse_feed(result.text() if declared else result.body)
    except NotAFeed as error:
        if error.root == "html":  # XHTML served as XML: an ordinary page
            yield _page_item(result, url, defaults)
        else:
            yield Rejected(url, str(error))
        return
    except (FeedError, FetchError) as error:  # broken XML, or not the declared charset
        yield Rejected(url, str(error))
        return
    follow: Follow | None = None
    if options.follow_links:

        def follow(link: str, source: str, item_defaults: Defaults) -> Item:
            return fetch_page(link, source, item_defaults, options)

    yield from feed_items(feed, url, defaults, base_url=result.final_url, follow=follow)
