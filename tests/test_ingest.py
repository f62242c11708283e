"""Ingestion: every input kind becomes an Article or a Rejected with a clear reason.

No spaCy here: these tests exercise reading, decoding, validation and metadata only. The English,
German and French fixture texts in tests/fixtures/ingest were written for these tests.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirelens.ingest import (
    MAX_TEXT_BYTES,
    InputError,
    Rejected,
    check_bytes,
    check_text,
    count_sources,
    make_article,
    read_sources,
)
from wirelens.ingest.article import article_id
from wirelens.ingest.validate import MIN_ENGLISH_SHARE, english_share
from wirelens.model import Article

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ENGLISH = (FIXTURES / "english.txt").read_text(encoding="utf-8")
MIXED = (FIXTURES / "mixed.txt").read_text(encoding="utf-8")
GERMAN = (FIXTURES / "german.txt").read_text(encoding="utf-8")
FRENCH = (FIXTURES / "french.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p.strip() for p in ENGLISH.split("\n\n") if p.strip()]


def items(paths: list[str], **kwargs: object) -> list[Article | Rejected]:
    return list(read_sources(paths, **kwargs))  # type: ignore[arg-type]


def only(paths: list[str], **kwargs: object) -> Article | Rejected:
    found = items(paths, **kwargs)
    assert len(found) == 1, found
    return found[0]


def article(item: Article | Rejected) -> Article:
    assert isinstance(item, Article), item
    return item


def rejected(item: Article | Rejected) -> Rejected:
    assert isinstance(item, Rejected), item
    assert "\n" not in item.reason and item.reason
    return item


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


ARTICLE_HTML = page(
    head=(
        "<title>Troops stay at the border | Example Wire</title>"
        '<meta property="og:site_name" content="Example Wire">'
        '<meta property="article:published_time" content="2022-02-15T09:30:00+01:00">'
        '<link rel="canonical" href="https://example.org/world/troops-border">'
        "<script>window.tracker = function () { document.title = 'pwned'; };</script>"
    ),
    body=(
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        "<article><h1>Troops stay at the border</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article><footer>Copyright Example Wire. All rights reserved.</footer>"
        "<script>alert('tracking')</script>"
    ),
)


# --- make_article: ids and dates ------------------------------------------------------------


def test_id_is_stable_under_whitespace_and_unicode_normalisation() -> None:
    base = make_article("NATO said on Tuesday that it saw no pullback.")
    respaced = make_article("  NATO  said on\r\nTuesday\tthat it saw\n\nno pullback.\n")
    assert re.fullmatch(r"[0-9a-f]{16}", base.id)
    assert respaced.id == base.id
    assert respaced.text.startswith("  NATO  said")  # the text itself is kept exactly
    # NFC and NFD spellings of the same word are the same article.
    assert article_id("Caf\u00e9 talks") == article_id("Cafe\u0301 talks")
    assert make_article("NATO said on Wednesday that it saw no pullback.").id != base.id


@pytest.mark.parametrize(
    "raw",
    [
        "2022-02-15",
        "2022-02-15T10:00:00Z",
        "2022-02-15T10:00:00.123456+00:00",
        "2022-02-15T23:30:00-05:00",  # the outlet's own calendar day, not converted to UTC
        "2022-02-15 10:00",
        "Tue, 15 Feb 2022 10:00:00 +0000",
        "Tue, 15 Feb 2022 10:00:00 GMT",
        "15 February 2022",
        "Feb. 15, 2022",
        " 2022-02-15 ",
    ],
)
def test_publication_dates_are_normalised(raw: str) -> None:
    made = make_article("Some text.", published=raw)
    assert made.published == "2022-02-15"
    assert made.published_source == "given"


@pytest.mark.parametrize(
    "raw", ["garbage", "yesterday", "02/03/2022", "February 2022", "2022-13-45", "", "15"]
)
def test_unreadable_dates_raise_a_clear_error(raw: str) -> None:
    with pytest.raises(InputError, match=r"publication date '"):
        make_article("Some text.", published=raw)


def test_published_source_is_unknown_without_a_date() -> None:
    assert make_article("Some text.").published_source == "unknown"
    assert make_article("Some text.").published is None
    inferred = make_article("Some text.", published="2022-02-15", published_source="inferred")
    assert inferred.published_source == "inferred"


# --- check_bytes / check_text ---------------------------------------------------------------


def test_check_bytes_decodes_utf8_and_strips_bom() -> None:
    assert check_bytes("Kyiv – Kyjiw".encode(), "x") == "Kyiv – Kyjiw"
    assert check_bytes(b"\xef\xbb\xbfHello", "x") == "Hello"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"", r"^empty file$"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary file \(NUL byte at byte offset 8\)"),
        (bytes(range(1, 9)) * 50 + b"abc", r"binary file \(\d+% control characters\)"),
        (b"Kyiv said " + "–".encode()[:2], r"truncated character at byte offset 10"),
        (b"caf\xe9 au lait", r"not valid UTF-8: byte 0xe9 at byte offset 3"),
        ("text".encode("utf-16"), r"UTF-16"),
    ],
)
def test_check_bytes_rejects_with_reason(data: bytes, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        check_bytes(data, "x")


def test_check_bytes_rejects_oversized_input_with_size_and_limit() -> None:
    data = b"a" * (MAX_TEXT_BYTES + 1)
    with pytest.raises(InputError, match=r"too large: 5,000,001 bytes \(limit 5,000,000 bytes\)"):
        check_bytes(data, "x")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", r"^empty text$"),
        (" \n\t\u00a0 \r\n", r"empty text \(whitespace only\)"),
        ("1234 5678 -- 99.5% !!!", r"no letters"),
        (GERMAN, r"not English \(\d+% English function words\)"),
        (FRENCH, r"not English \(\d+% English function words\)"),
        ("Правительство заявило во вторник, что продолжит следить за ситуацией. " * 3, "Latin"),
        ("政府周二表示，将继续密切关注边境局势，目前没有证据表明部队已经撤离。" * 3, "Latin"),
    ],
)
def test_check_text_rejects_with_reason(text: str, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        check_text(text)


def test_check_text_accepts_english_mixed_and_short_texts() -> None:
    check_text(ENGLISH)
    check_text(MIXED)  # English article quoting a German sentence
    check_text("Der Minister sagte nichts.")  # short: too little evidence to judge the language
    assert english_share(MIXED)[0] > 2 * MIN_ENGLISH_SHARE
    assert english_share(GERMAN)[0] < MIN_ENGLISH_SHARE


def test_check_text_reports_the_measured_share() -> None:
    # 2 English function words in 50: the reason states the share it measured.
    german = ["Regierung", "Grenze", "Truppen", "Lage", "Sprecher", "Hinweise", "Partner", "Bilder"]
    text = " ".join(["the", "with"] + [german[i % len(german)] for i in range(48)])
    share, words = english_share(text)
    assert words == 50 and share == pytest.approx(0.04)
    with pytest.raises(InputError, match=r"^not English \(4% English function words\)$"):
        check_text(text)


def test_check_text_rejects_oversized_text() -> None:
    with pytest.raises(InputError, match=r"too large: 6,000,000 bytes"):
        check_text("the word " * 666_666 + "xxxxxx")


# --- readers --------------------------------------------------------------------------------


def test_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", ENGLISH)
    got = article(only([path]))
    assert got.text == ENGLISH
    assert got.path == path
    assert got.published is None and got.published_source == "unknown"
    assert got.id == article_id(ENGLISH)


def test_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    got = article(only([write(tmp_path / "story.article", ENGLISH)]))
    assert got.text == ENGLISH


def test_cli_defaults_fill_in_missing_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", ENGLISH)
    got = article(only([path], published="Tue, 15 Feb 2022 08:00:00 +0000", outlet="Wire"))
    assert (got.published, got.published_source, got.outlet) == ("2022-02-15", "given", "Wire")
    bad = rejected(only([path], published="someday"))
    assert "unreadable publication date 'someday'" in bad.reason


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "empty file"),
        (b"   \n\n\t  \n", r"empty text \(whitespace only\)"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(200), "binary file"),
        (ENGLISH.encode()[:-2] + "é".encode()[:1], r"truncated character at byte offset \d+"),
        (GERMAN.encode(), r"not English \(\d+% English function words\)"),
        (FRENCH.encode(), r"not English \(\d+% English function words\)"),
    ],
)
def test_bad_text_files_are_rejected(tmp_path: Path, content: bytes, pattern: str) -> None:
    path = write(tmp_path / "bad.txt", content)
    got = rejected(only([path]))
    assert got.source == path
    assert re.search(pattern, got.reason), got.reason


def test_six_megabyte_file_is_rejected_with_its_size(tmp_path: Path) -> None:
    line = (PARAGRAPHS[0] + "\n").encode()
    path = write(tmp_path / "huge.txt", line * (6_000_000 // len(line) + 1))
    reason = rejected(only([path])).reason
    assert re.search(r"too large: 6,\d{3},\d{3} bytes \(limit 5,000,000 bytes\)", reason)


def test_missing_path_and_private_url_are_rejected(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    assert rejected(only([missing])) == Rejected(missing, "no such file")
    # A loopback URL is refused before any connection (no DNS needed for a literal address).
    reason = rejected(only(["http://127.0.0.1/story"])).reason
    assert reason == "refused: 127.0.0.1 is a loopback address"


def test_html_page_text_and_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "story.html", ARTICLE_HTML)
    got = article(only([path]))
    assert PARAGRAPHS[0] in got.text and PARAGRAPHS[-1] in got.text
    for boilerplate in ("tracking", "pwned", "All rights reserved", "Sport"):
        assert boilerplate not in got.text
    assert got.title == "Troops stay at the border"
    assert got.url == "https://example.org/world/troops-border"
    assert got.outlet == "Example Wire"
    assert (got.published, got.published_source) == ("2022-02-15", "given")
    assert got.path == path


def test_html_metadata_wins_over_cli_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "story.htm", ARTICLE_HTML)
    got = article(only([path], published="2030-01-01", outlet="Other"))
    assert (got.published, got.outlet) == ("2022-02-15", "Example Wire")


def test_html_without_metadata_takes_defaults_and_never_guesses_dates(tmp_path: Path) -> None:
    body = (
        "<article>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "<p>On 3 March 2021 it rained.</p></article>"
    )
    path = write(tmp_path / "bare.html", page(body))
    got = article(only([path]))
    assert got.published is None and got.published_source == "unknown"  # no date from the body
    assert article(only([path], outlet="Wire")).outlet == "Wire"


@pytest.mark.parametrize(
    "html",
    [
        page("<nav><a href='/'>Home</a> <a href='/w'>World</a> <a href='/s'>Sport</a></nav>"),
        page(
            "<script>document.write('hello');</script>"
            "<noscript>Please enable JavaScript to view this site.</noscript>",
            head="<title>App</title><script src='app.js'></script>",
        ),
        page(""),
    ],
)
def test_html_without_article_text_is_rejected(tmp_path: Path, html: str) -> None:
    got = rejected(only([write(tmp_path / "empty.html", html)]))
    assert got.reason == "HTML page has no article text"


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    depth = 100_000
    html = page("<div>" * depth + f"<p>{PARAGRAPHS[0]}</p>" + "</div>" * depth)
    got = only([write(tmp_path / "deep.html", html)])
    assert isinstance(got, Article | Rejected)  # either outcome is fine; a crash is not
    if isinstance(got, Rejected):
        assert "HTML" in got.reason


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    head = '<meta charset="windows-1252"><title>Caf\u00e9 talks</title>'
    body = "<article>" + "".join(f"<p>{p} Caf\u00e9.</p>" for p in PARAGRAPHS) + "</article>"
    path = write(tmp_path / "legacy.html", page(body, head).encode("cp1252"))
    assert "Caf\u00e9." in article(only([path])).text
    # Without the declaration the same bytes are not UTF-8, and the reason says where.
    plain = write(tmp_path / "plain.html", page(body).encode("cp1252"))
    assert re.search(
        r"not valid UTF-8: byte 0xe9 at byte offset \d+", rejected(only([plain])).reason
    )


def test_jsonl_records_broken_lines_and_missing_fields(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": PARAGRAPHS[0], "title": "One", "published": "2022-02-15T10:00:00Z"}),
        "",
        '{"text": "broken',
        json.dumps({"title": "no text here"}),
        "   ",
        json.dumps({"text": PARAGRAPHS[1], "date": "15 February 2022", "outlet": "Wire"}),
        json.dumps({"text": PARAGRAPHS[2], "published_at": "Tue, 15 Feb 2022 10:00:00 +0000"}),
        json.dumps({"text": PARAGRAPHS[2], "published": "whenever"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": 42}),
        json.dumps({"text": GERMAN}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    got = items([path], outlet="Default")
    assert len(got) == 9 == count_sources([path])  # two blank lines skipped silently
    one, broken, no_text, two, three, bad_date, not_object, not_string, german = got
    assert (article(one).title, article(one).published, article(one).outlet) == (
        "One",
        "2022-02-15",
        "Default",
    )
    assert rejected(broken).source == f"{path}:line 3"
    assert rejected(broken).reason.startswith("invalid JSON")
    assert rejected(no_text) == Rejected(f"{path}:line 4", "missing 'text' field (fields: title)")
    assert (article(two).published, article(two).outlet) == ("2022-02-15", "Wire")
    assert article(three).published == "2022-02-15"
    assert rejected(bad_date).source == f"{path}:line 8"
    assert "unreadable publication date 'whenever'" in rejected(bad_date).reason
    assert "expected a JSON object" in rejected(not_object).reason
    assert "must be a string" in rejected(not_string).reason
    assert rejected(german).reason.startswith("not English")
    assert {article(a).path for a in (one, two, three)} == {path}


def test_jsonl_with_a_bad_utf8_line_keeps_the_other_lines(tmp_path: Path) -> None:
    good = json.dumps({"text": PARAGRAPHS[0]}).encode()
    path = write(tmp_path / "b.ndjson", good + b"\n" + b'{"text": "caf\xe9"}\n' + good + b"\n")
    first, bad, last = items([path])
    assert article(first).id == article(last).id
    assert rejected(bad).source == f"{path}:line 2"
    assert "not valid UTF-8: byte 0xe9 at byte offset 13" in rejected(bad).reason


def test_json_list_and_single_object(tmp_path: Path) -> None:
    records = [{"text": PARAGRAPHS[0], "url": "https://example.org/1"}, {"title": "x"}]
    listed = items([write(tmp_path / "list.json", json.dumps(records))])
    assert article(listed[0]).url == "https://example.org/1"
    assert rejected(listed[1]).source.endswith("list.json:item 2")
    single = only([write(tmp_path / "one.json", json.dumps({"text": ENGLISH}))])
    assert article(single).text == ENGLISH
    assert "invalid JSON" in rejected(only([write(tmp_path / "bad.json", "{nope")])).reason


def test_csv_with_embedded_newlines_and_bad_rows(tmp_path: Path) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Title", "text", "published", "outlet"])
    writer.writerow(["Multi", ENGLISH, "2022-02-15", "Wire"])  # quoted, with blank lines inside
    writer.writerow(["Empty", "   ", "2022-02-15", ""])
    writer.writerow(["Bad date", PARAGRAPHS[0], "32/13/2022", ""])
    writer.writerow(["Last", PARAGRAPHS[1], "", ""])
    path = write(tmp_path / "batch.csv", "\ufeff" + buffer.getvalue())
    got = items([path], published="2022-02-16", outlet="Default")
    assert len(got) == 4 == count_sources([path])
    multi, empty, bad_date, last = got
    assert article(multi).text == ENGLISH and article(multi).title == "Multi"
    assert (article(multi).published, article(multi).outlet) == ("2022-02-15", "Wire")
    assert rejected(empty).source == f"{path}:row 2"
    assert "whitespace only" in rejected(empty).reason
    assert rejected(bad_date).source == f"{path}:row 3"
    assert (article(last).published, article(last).outlet) == ("2022-02-16", "Default")


def test_csv_without_text_column_is_rejected_once(tmp_path: Path) -> None:
    path = write(tmp_path / "wrong.csv", "title,body\nA,Some body text\n")
    assert rejected(only([path])) == Rejected(path, "no 'text' column (columns: title, body)")


def test_directory_recursive_sorted_hidden_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", PARAGRAPHS[1])
    write(root / "a.txt", PARAGRAPHS[0])
    write(root / "sub" / "c.jsonl", json.dumps({"text": PARAGRAPHS[2]}) + "\n")
    write(root / ".hidden.txt", "should not be read")
    write(root / ".git" / "config.txt", "should not be read")
    got = items([str(root)])
    assert [article(a).path for a in got] == [
        str(root / "a.txt"),
        str(root / "b.txt"),
        str(root / "sub" / "c.jsonl"),
    ]
    assert count_sources([str(root)]) == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no files" in rejected(only([str(empty)])).reason


def test_stdin_text_and_html() -> None:
    got = article(only(["-"], stdin=io.StringIO(ENGLISH), published="2022-02-15"))
    assert got.text == ENGLISH and got.published == "2022-02-15" and got.path is None
    html = article(only(["-"], stdin=io.StringIO(ARTICLE_HTML)))
    assert html.title == "Troops stay at the border"
    assert rejected(only(["-"], stdin=io.StringIO(""))) == Rejected("-", "empty input")
    assert count_sources(["-"]) is None


def test_mixed_batch_yields_every_good_article_and_one_rejection_per_bad_input(
    tmp_path: Path,
) -> None:
    good = [
        write(tmp_path / "good1.txt", ENGLISH),
        write(tmp_path / "good2.txt", MIXED),
        write(tmp_path / "good3.html", ARTICLE_HTML),
    ]
    bad = [
        write(tmp_path / "empty.txt", b""),
        write(tmp_path / "blank.txt", "  \n "),
        write(tmp_path / "binary.txt", b"\x00\x01\x02" * 100),
        write(tmp_path / "german.txt", GERMAN),
        write(tmp_path / "nav.html", page("<nav><a href='/'>Home</a></nav>")),
        write(tmp_path / "report.pdf", b"%PDF-1.7\n"),
        str(tmp_path / "missing.txt"),
    ]
    inputs = sorted(good + bad)  # good and bad interleaved
    got = items(inputs)
    articles = [g for g in got if isinstance(g, Article)]
    rejections = [g for g in got if isinstance(g, Rejected)]
    assert len(inputs) == len(got) == len(articles) + len(rejections) == count_sources(inputs)
    assert sorted(a.path or "" for a in articles) == sorted(good)
    assert sorted(r.source for r in rejections) == sorted(bad)
    assert all(r.reason and "\n" not in r.reason for r in rejections)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=400),
    suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".csv"]),
)
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = write(tmp_path / f"fuzz{suffix}", data)
    got = items([path])
    assert got and all(isinstance(g, Article | Rejected) for g in got)
    if suffix in (".txt", ".html"):
        assert len(got) == 1


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abcdeé", min_size=1, max_size=6), min_size=1, max_size=12),
    seps=st.lists(
        st.sampled_from([" ", "  ", "\n", "\t", "\r\n", " \n "]), min_size=12, max_size=12
    ),
)
def test_id_ignores_how_words_are_spaced(words: list[str], seps: list[str]) -> None:
    spaced = "".join(w + s for w, s in zip(words, seps, strict=False))
    assert article_id(spaced) == article_id(" ".join(words))


def test_overlong_jsonl_line_is_rejected_without_losing_its_neighbours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wirelens.ingest import records

    monkeypatch.setattr(records, "_MAX_LINE_BYTES", 100)
    long_line = json.dumps({"text": "x" * 300})
    short = json.dumps({"text": "Troops moved."})
    path = write(tmp_path / "long.jsonl", f"{short}\n{long_line}\n{short}\n")
    first, long, last = items([path])
    assert article(first).text == article(last).text == "Troops moved."
    assert rejected(long).source == f"{path}:line 2"
    assert rejected(long).reason == f"too large: {len(long_line) + 1} bytes (limit 100 bytes)"


def test_a_failing_file_does_not_abort_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wirelens.ingest as ingest

    def broken_reader(*args: object) -> None:
        raise OSError("device vanished")

    monkeypatch.setattr(ingest, "read_html", broken_reader)
    write(tmp_path / "a.html", ARTICLE_HTML)
    write(tmp_path / "b.txt", ENGLISH)
    first, second = items([str(tmp_path)])
    assert rejected(first).source == str(tmp_path / "a.html")
    assert "device vanished" in rejected(first).reason
    assert article(second).text == ENGLISH


def test_oversized_stdin_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirelens.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_HTML_BYTES", 1000)
    got = rejected(only(["-"], stdin=io.StringIO("word " * 1000)))
    assert got == Rejected("-", "too large: more than 1,000 bytes")


def test_count_sources_counts_unreadable_inputs_once(tmp_path: Path) -> None:
    assert count_sources([str(tmp_path / "missing.txt"), "https://example.org/x"]) == 2
    no_text_column = write(tmp_path / "meta.tsv", "name\tsize\na\t1\nb\t2\nc\t3\n")
    assert count_sources([no_text_column]) == len(items([no_text_column])) == 1
