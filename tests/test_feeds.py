"""RSS/Atom feeds: one Article or Rejected per item, safe XML, feed files as ingest sources.

The feeds below were written for these tests (the story text is invented); no network is used.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirelens.ingest import Rejected, count_sources, read_sources
from wirelens.ingest.base import Defaults, Item
from wirelens.ingest.feeds import (
    FeedError,
    NotAFeed,
    feed_items,
    looks_like_xml,
    parse_feed,
    parse_xml,
    read_feed,
)
from wirelens.model import Article

P1 = (
    "Defence ministers met in Brussels on Tuesday to discuss the troop build-up near the border, "
    "and several of them said they had not yet seen any sign of a withdrawal."
)
P2 = (
    "The alliance's secretary-general told reporters that the movement of some units was "
    "welcome but that equipment was still being moved closer to the frontier."
)
P3 = (
    "Officials in the capital said the government would keep talking with its partners and "
    "that it expected another round of meetings before the end of the month."
)

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Example Wire</title>
    <link>https://wire.example.org/</link>
    <item>
      <title>Ministers see no sign of withdrawal</title>
      <link>https://wire.example.org/2022/02/15/ministers</link>
      <pubDate>Tue, 15 Feb 2022 18:30:00 +0000</pubDate>
      <description>Short teaser.</description>
      <content:encoded><![CDATA[<p>{P1}</p><script>alert("x")</script><p>{P2}</p>]]>
      </content:encoded>
    </item>
    <item>
      <title>Talks &amp;amp; meetings to go on</title>
      <link>/2022/02/16/talks</link>
      <dc:date>2022-02-16T07:00:00+01:00</dc:date>
      <description>&lt;p&gt;{P3}&lt;/p&gt;</description>
    </item>
    <item>
      <title>Teaser only</title>
      <link>https://wire.example.org/teaser</link>
      <description>Read the full story on our site.</description>
    </item>
    <item>
      <title>Plain text item</title>
      <link>javascript:alert(1)</link>
      <pubDate>not a date</pubDate>
      <description>{P2}</description>
    </item>
    <item><title>Nothing here</title></item>
  </channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Example &lt;b&gt;Daily&lt;/b&gt;</title>
  <link rel="self" href="https://daily.example.org/feed.atom"/>
  <link href="https://daily.example.org/"/>
  <entry>
    <title>Escaped HTML content</title>
    <link rel="self" href="https://daily.example.org/entries/1.atom"/>
    <link rel="alternate" type="text/html" href="https://daily.example.org/news/1"/>
    <updated>2022-02-16T09:00:00Z</updated>
    <published>2022-02-15T21:00:00-05:00</published>
    <summary>Short teaser.</summary>
    <content type="html">&lt;p&gt;{P1}&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Inline <b>XHTML</b></div></title>
    <link href="news/2"/>
    <updated>2022-02-17T10:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{P2}</p></div></content>
  </entry>
  <entry>
    <title>Summary fallback</title>
    <link href="https://daily.example.org/news/3"/>
    <summary>{P3}</summary>
  </entry>
  <entry>
    <title>Out-of-line content</title>
    <content src="https://daily.example.org/news/4.html" type="text/html"/>
  </entry>
</feed>
"""

RDF = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example.org/"><title>Old Style News</title></channel>
  <item rdf:about="https://old.example.org/a">
    <title>RDF item</title><link>https://old.example.org/a</link>
    <dc:date>2022-02-14</dc:date><description>{P1}</description>
  </item>
</rdf:RDF>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>
"""


def items_of(data: str | bytes, **kwargs: object) -> list[Item]:
    return list(read_feed(data, "feed.rss", Defaults(), **kwargs))  # type: ignore[arg-type]


def article(item: Item) -> Article:
    assert isinstance(item, Article), item
    return item


def rejected(item: Item) -> Rejected:
    assert isinstance(item, Rejected), item
    assert item.reason and "\n" not in item.reason
    return item


# --------------------------------------------------------------------------- RSS 2.0


def test_rss_yields_one_item_per_entry_with_sources_numbered() -> None:
    got = items_of(RSS.encode())
    assert [item.source if isinstance(item, Rejected) else item.path for item in got] == [
        "feed.rss",
        "feed.rss",
        "feed.rss:item 3",
        "feed.rss",
        "feed.rss:item 5",
    ]


def test_rss_item_metadata_and_html_stripped() -> None:
    first = article(items_of(RSS)[0])
    assert first.title == "Ministers see no sign of withdrawal"
    assert first.url == "https://wire.example.org/2022/02/15/ministers"
    assert first.published == "2022-02-15" and first.published_source == "given"
    assert first.outlet == "Example Wire"
    # content:encoded wins over the teaser; markup and scripts are gone.
    assert P1 in first.text and P2 in first.text
    assert "Short teaser" not in first.text
    assert "<p>" not in first.text and "alert" not in first.text


def test_rss_escaped_description_relative_link_and_dc_date() -> None:
    second = article(items_of(RSS)[1])
    assert second.text == P3
    assert second.url == "https://wire.example.org/2022/02/16/talks"  # against the channel link
    assert second.published == "2022-02-16"  # the outlet's own calendar day, not UTC
    assert second.title == "Talks & meetings to go on"  # double-escaped, as feeds often are


def test_rss_base_url_wins_over_channel_link_for_relative_links() -> None:
    second = article(items_of(RSS, base_url="https://mirror.example.net/feeds/main.rss")[1])
    assert second.url == "https://mirror.example.net/2022/02/16/talks"


def test_rss_short_teaser_and_empty_item_are_rejected_with_reasons() -> None:
    got = items_of(RSS)
    assert "only a short summary" in rejected(got[2]).reason
    assert "no text" in rejected(got[4]).reason


def test_rss_unsafe_link_dropped_and_bad_date_falls_back_to_default() -> None:
    plain = list(read_feed(RSS, "f", Defaults(published="2022-03-01")))[3]
    assert isinstance(plain, Article)
    assert plain.url is None  # a javascript: link must never become an href
    assert plain.text == P2
    assert plain.published == "2022-03-01"


def test_outlet_default_used_only_when_feed_has_no_title() -> None:
    untitled = RSS.replace("<title>Example Wire</title>", "")
    given_outlet = Defaults(outlet="Given")
    assert article(next(read_feed(untitled, "f", given_outlet))).outlet == "Given"
    assert article(next(read_feed(RSS, "f", given_outlet))).outlet == "Example Wire"


# --------------------------------------------------------------------------- Atom, RDF


def test_atom_entries() -> None:
    got = list(read_feed(ATOM, "d.atom", Defaults(), base_url="https://daily.example.org/feed"))
    assert len(got) == 4
    first, second, third = (article(item) for item in got[:3])
    assert first.outlet == "Example Daily"  # html title: tags stripped
    assert first.url == "https://daily.example.org/news/1"  # the alternate link, not rel=self
    assert first.published == "2022-02-15"  # published wins over updated
    assert first.text == P1
    assert second.title == "Inline XHTML"
    assert second.url == "https://daily.example.org/news/2"
    assert second.published == "2022-02-17"
    assert second.text == P2
    assert third.text == P3 and third.published is None
    assert "no text" in rejected(got[3]).reason  # out-of-line content is not fetched


def test_rdf_feed() -> None:
    feed = parse_feed(RDF.encode())
    assert (feed.kind, feed.title, len(feed.entries)) == ("rdf", "Old Style News", 1)
    only = article(items_of(RDF)[0])
    assert (only.title, only.url, only.published, only.text) == (
        "RDF item",
        "https://old.example.org/a",
        "2022-02-14",
        P1,
    )


def test_declared_encoding_is_honoured() -> None:
    latin = RSS.replace("UTF-8", "ISO-8859-1").replace("Example Wire", "Café Wire")
    assert article(items_of(latin.encode("latin-1"))[0]).outlet == "Café Wire"


# --------------------------------------------------------------------------- refusals


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    got = items_of(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0
    assert len(got) == 1
    assert rejected(got[0]).reason.startswith("refused: the XML declares entities")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss [<!ENTITY big "' + "x" * 10_000 + '">]>',  # quadratic blow-up
        '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',  # external entity
        '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>',
    ],
)
def test_entity_declarations_refuse_the_feed(doctype: str) -> None:
    ref = "&secret;" if "secret" in doctype else "&big;" if "big" in doctype else "x"
    document = f'<?xml version="1.0"?>{doctype}<rss><channel><title>{ref}</title></channel></rss>'
    with pytest.raises(FeedError, match=r"^refused: "):
        parse_xml(document.encode())


def test_doctype_without_entities_is_fine() -> None:
    legacy = RSS.replace(
        "<rss version",
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version',
    )
    assert isinstance(items_of(legacy)[0], Article)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss><channel><item></channel></rss>", "malformed XML (mismatched tag"),
        (b"", "malformed XML (no element found"),
        (b"\xff\xfe\x00garbage", "malformed XML"),
        (b"<rss><channel><title>No items</title></channel></rss>", "RSS feed has no items"),
        (b"<note><to>you</to></note>", "not an RSS or Atom feed (root element <note>)"),
    ],
)
def test_broken_feed_is_one_rejected(data: bytes, reason: str) -> None:
    got = items_of(data)
    assert len(got) == 1
    assert reason in rejected(got[0]).reason


def test_not_a_feed_names_the_root() -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')
    assert caught.value.root == "html"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: f"<rss>{t}</rss>"))
def test_any_input_gives_items_or_one_rejection_never_an_exception(data: bytes | str) -> None:
    got = items_of(data)
    assert got
    assert all(isinstance(item, Article | Rejected) for item in got)


def test_looks_like_xml() -> None:
    assert looks_like_xml(b'\xef\xbb\xbf <?xml version="1.0"?><rss/>')
    assert looks_like_xml(b"\n<feed xmlns='http://www.w3.org/2005/Atom'>")
    assert not looks_like_xml(b"<!doctype html><html>")
    assert not looks_like_xml(b"plain text <rss> later")


# --------------------------------------------------------------------------- follow links


def test_follow_fetches_each_link_and_fills_missing_title() -> None:
    calls: list[tuple[str, str, Defaults]] = []

    def follow(link: str, source: str, defaults: Defaults) -> Item:
        calls.append((link, source, defaults))
        if link.endswith("ministers"):
            return Article(id="x", text=P1 + " " + P2, url=link, outlet=defaults.outlet)
        return Rejected(source, "HTTP 404 Not Found")

    got = list(feed_items(parse_feed(RSS), "feed.rss", Defaults(), follow=follow))
    assert [call[0] for call in calls] == [
        "https://wire.example.org/2022/02/15/ministers",
        "https://wire.example.org/2022/02/16/talks",
        "https://wire.example.org/teaser",
    ]
    assert calls[0][2] == Defaults(published="2022-02-15", outlet="Example Wire")
    first = article(got[0])
    assert first.title == "Ministers see no sign of withdrawal"
    assert rejected(got[1]).reason == "HTTP 404 Not Found"
    assert "no http(s) link" in rejected(got[3]).reason  # javascript: link is never followed
    assert len(got) == 5


# --------------------------------------------------------------------------- feed files


def test_feed_files_through_read_sources(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "daily.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "old.xml").write_text(RDF, encoding="utf-8")
    (tmp_path / "note.xml").write_text("<note>not a feed</note>", encoding="utf-8")
    (tmp_path / "laughs.rss").write_bytes(BILLION_LAUGHS)
    got = list(read_sources([str(tmp_path)]))
    assert len(got) == count_sources([str(tmp_path)]) == 4 + 1 + 1 + 1 + 5
    articles = [item for item in got if isinstance(item, Article)]
    assert {a.outlet for a in articles} == {"Example Daily", "Old Style News", "Example Wire"}
    reasons = {Path(r.source).name: r.reason for r in got if isinstance(r, Rejected)}
    assert reasons["laughs.rss"].startswith("refused:")
    assert "root element <note>" in reasons["note.xml"]
    assert all(a.path and a.path.endswith((".rss", ".atom", ".xml")) for a in articles)
