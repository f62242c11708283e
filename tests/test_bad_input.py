"""A corpus of bad inputs, run as ONE batch through `wirelens ingest` and `wirelens analyze --json`.

The corpus is generated here (in tmp_path) from texts written for this test. Every input is listed
with what must happen to it: stored (an article in the store) or rejected (one ingest_errors row
whose reason matches a pattern). The batch must never crash, and inputs in = stored + rejected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jsonschema
import pytest
from typer.testing import CliRunner

from wirelens.cli import app
from wirelens.model import json_schema

pytestmark = pytest.mark.slow  # runs the spaCy pipeline

SCRIPT_MARKER = "wirelensScriptMarker"

ENGLISH = (
    "Officials in the regional capital said on Monday that the bridge over the river would reopen "
    "next week after repairs. The transport minister told reporters that engineers had checked "
    "every span and found no new damage. Traders said the closure had cost them about a third of "
    "their usual business since the flood in March."
)
ENGLISH_2 = (
    "The port authority said on Thursday that grain shipments had resumed after a pause of three "
    "days. A spokesman for the authority told a news conference that inspections would now take "
    "place at sea, and that the first ship had left with 40,000 tonnes of wheat for Egypt."
)
GERMAN = (
    "Die Regierung hat am Montag erklärt, dass die Brücke über den Fluss nächste Woche wieder "
    "geöffnet wird. Der Verkehrsminister sagte vor Journalisten, die Ingenieure hätten jeden "
    "Abschnitt geprüft und keine neuen Schäden gefunden. Händler sagten, die Sperrung habe sie "
    "seit dem Hochwasser im März etwa ein Drittel ihres Geschäfts gekostet."
)
MIXED = (
    "The German chancellor spoke in Berlin on Tuesday. \u201cWir werden die Ukraine weiter "
    "unterst\u00fctzen,\u201d he said, meaning that Germany would keep supporting Ukraine. "
    "He added that the government had agreed a new package of aid with its partners and "
    "would present it to parliament next month, after talks about the cost."
)


@dataclass(frozen=True)
class Expect:
    """What must become of one input (a file, or a record inside a batch file)."""

    source: str  # the file name, or "name:line N" / "name:row N" for records
    stored: bool
    reason: str = ""  # regex the rejection reason must match (rejections only)


def _nested(depth: int, paragraph: str) -> str:
    inner = "<div>" * depth + f"<p>{paragraph}</p>" + "</div>" * depth
    return f"<!DOCTYPE html><html><body>{inner}</body></html>"


def build_corpus(root: Path) -> list[Expect]:
    """Write every bad (and a few good) inputs under ``root``; return what must happen to each."""
    root.mkdir(parents=True, exist_ok=True)
    expect: list[Expect] = []

    def put(name: str, data: str | bytes, stored: bool, reason: str = "") -> None:
        path = root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect.append(Expect(name, stored, reason))

    # A control: a plain good article.
    put("good.txt", ENGLISH, True)
    put("empty.txt", b"", False, r"^empty file$")
    put("whitespace.txt", " \n\t \r\n  \n", False, r"empty text \(whitespace only\)")
    put("binary.txt", bytes(range(256)) * 64, False, r"^binary file")
    put("image.png", b"\x89PNG\r\n\x1a\n" + bytes(4000), False, r"^binary file")
    # A multi-byte character cut in half at the end of the file.
    put("truncated.txt", (ENGLISH + " Kyiv \u2014 \u201c").encode()[:-2], False, r"truncated")
    # UTF-8 text with a Latin-1 paragraph pasted in (é as 0xe9).
    put(
        "mixed_encodings.txt",
        ENGLISH.encode() + "\n\nLe ministre a d\u00e9clar\u00e9.".encode("latin-1"),
        False,
        r"not valid UTF-8: byte 0xe9",
    )
    put("utf16.txt", ENGLISH.encode("utf-16"), False, r"UTF-16")
    # 20 MB of real text: rejected by size before it is read.
    put("huge.txt", (ENGLISH + "\n") * (20_000_000 // len(ENGLISH)), False, r"too large: 2\d,")
    # One 200,000-character line (no newline at all): a real, if odd, article, full of dates.
    line = (ENGLISH_2 + " ") * (200_000 // (len(ENGLISH_2) + 1) + 1)
    put("long_line.txt", line.strip(), True)
    # HTML: scripts and navigation only, no article.
    put(
        "scripts_only.html",
        "<!DOCTYPE html><html><head><title>App</title>"
        f"<script>var {SCRIPT_MARKER} = 1; document.write('pwned {SCRIPT_MARKER}');</script>"
        "</head><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
        f"<script>fetch('/steal?c=' + document.cookie); // {SCRIPT_MARKER}</script>"
        "<noscript>Please enable JavaScript</noscript></body></html>",
        False,
        r"^HTML page has no article text$",
    )
    # HTML: an article with scripts around and inside it; the script text must never come out.
    put(
        "article_with_scripts.html",
        "<!DOCTYPE html><html><head><title>Bridge to reopen</title>"
        f"<script>window.{SCRIPT_MARKER} = 'head script';</script></head><body><article>"
        f"<p>{ENGLISH_2}</p><script>alert('{SCRIPT_MARKER} in body');</script>"
        f"<p>{ENGLISH}</p><img src=x onerror=\"alert('{SCRIPT_MARKER}')\"></article>"
        "</body></html>",
        True,
    )
    # HTML nested 5,000 levels deep around the article: the parser cannot reach it (libxml2
    # stops at 255 levels), and the reason must say so rather than "no article text".
    put("deeply_nested.html", _nested(5000, MIXED), False, r"^HTML page is nested too deeply")
    # ... and 200 levels deep: still readable, so the article is stored.
    put("nested_200.html", _nested(200, MIXED + " It was nested."), True)
    put("german.txt", GERMAN, False, r"^not English \(\d+% English function words\)$")
    put("mixed_language.txt", MIXED, True)
    put(
        "chinese.txt", "政府周一表示，河上的大桥将于下周重新开放。" * 20, False, r"not Latin script"
    )
    # Hundreds of unbalanced quotation marks of every kind around real sentences.
    marks = ['"', "\u201c", "\u201d", "\u00ab", "'", "\u2018"]
    noisy = " ".join(
        f"{marks[i % len(marks)]}{sentence}." for i, sentence in enumerate(ENGLISH.split(". ") * 60)
    )
    put("unbalanced_quotes.txt", noisy + ' "' * 300, True)

    # JSON Lines: good records, broken lines, missing and mistyped fields, odd dates.
    records = [
        json.dumps({"text": ENGLISH_2, "published": "2022-02-15", "outlet": "Wire"}),
        '{"text": "broken line, no closing brace"',
        json.dumps({"title": "no text field", "published": "2022-02-15"}),
        json.dumps({"text": 12345}),
        json.dumps(["a list, not an object"]),
        "",  # blank lines are skipped, not records
        json.dumps({"text": ENGLISH_2 + " It was a future report.", "published": "2099-01-01"}),
        json.dumps({"text": ENGLISH_2 + " An old report.", "published": "1850-06-01"}),
        json.dumps({"text": ENGLISH_2 + " A very old one.", "published": "1492-10-12"}),
        json.dumps({"text": ENGLISH_2 + " Unreadable date.", "published": "soon"}),
        json.dumps({"text": GERMAN, "language": "de"}),
        json.dumps({"text": ""}),
    ]
    (root / "batch.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    for number, stored, reason in [
        (1, True, ""),
        (2, False, r"^invalid JSON \("),
        (3, False, r"^missing 'text' field \(fields: published, title\)$"),
        (4, False, r"^field 'text' must be a string, not int$"),
        (5, False, r"^expected a JSON object, got list$"),
        (7, True, ""),
        (8, True, ""),
        (9, False, r"^unreadable publication date '1492-10-12' \(year 1492 out of range\)$"),
        (10, False, r"^unreadable publication date 'soon'$"),
        (11, False, r"^not English \(record says language 'de'\)$"),
        (12, False, r"^empty text$"),
    ]:
        expect.append(Expect(f"batch.jsonl:line {number}", stored, reason))

    # CSV with newlines (and quotes) inside quoted fields.
    port_lines = ENGLISH_2.replace(". ", ".\n") + "\nThe port said so in a statement."
    csv_text = (
        "title,published,text\n"
        f'"Bridge, river",2022-02-14,"{ENGLISH}\n\nA second paragraph, after a blank line, '
        'says ""more"" work is due."\n'
        f'"Port",2022-02-16,"{port_lines}"\n'
        '"Empty",2022-02-16,"   \n  "\n'
    )
    (root / "embedded.csv").write_text(csv_text, encoding="utf-8")
    expect += [
        Expect("embedded.csv:row 1", True),
        Expect("embedded.csv:row 2", True),
        Expect("embedded.csv:row 3", False, r"whitespace only"),
    ]
    return expect


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash, not a clean exit: the test must fail
    return result.exit_code, result.stdout, result.stderr


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _relative(source: str, root: Path) -> str:
    return source.removeprefix(str(root) + "/")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Expect]]:
    root = tmp_path_factory.mktemp("bad") / "inputs"
    return root, build_corpus(root)


@pytest.fixture(scope="module")
def ingested(
    corpus: tuple[Path, list[Expect]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, str]:
    root, _ = corpus
    db = tmp_path_factory.mktemp("store") / "bad.duckdb"
    code, _, err = _invoke("ingest", str(root), "--db", str(db), "--published", "2022-02-15")
    return db, code, err


def test_ingest_stores_the_good_and_records_every_rejection(
    corpus: tuple[Path, list[Expect]], ingested: tuple[Path, int, str]
) -> None:
    root, expect = corpus
    db, code, err = ingested
    assert code == 0, err
    assert "Traceback" not in err
    stored = {_relative(str(p), root) for (p,) in _rows(db, "SELECT path FROM articles")}
    error_rows = _rows(db, "SELECT source, reason FROM ingest_errors")
    errors = {_relative(str(s), root): str(r) for s, r in error_rows}
    n_articles = int(str(_rows(db, "SELECT count(*) FROM articles")[0][0]))

    # inputs in = stored + rejected, and each input is where it belongs
    assert len(expect) == n_articles + len(errors), (n_articles, sorted(errors))
    want_rejected = {e.source: e.reason for e in expect if not e.stored}
    assert set(errors) == set(want_rejected)
    for source, pattern in want_rejected.items():
        assert re.search(pattern, errors[source]), (source, errors[source])
        assert "\n" not in errors[source] and "Traceback" not in errors[source]
    # Records of a batch file share the file's path; files stand for themselves.
    want_paths = {e.source.split(":")[0] for e in expect if e.stored}
    assert stored == want_paths
    summary = f"stored {n_articles}, already present 0, replaced 0, rejected {len(errors)}"
    assert summary in err


def test_stored_bad_inputs_keep_their_text_and_metadata(
    corpus: tuple[Path, list[Expect]], ingested: tuple[Path, int, str]
) -> None:
    root, _ = corpus
    db, _, _ = ingested
    rows = _rows(db, "SELECT path, published, n_chars, text FROM articles ORDER BY path, published")
    by_path: dict[str, list[tuple[object, ...]]] = {}
    for path, published, n_chars, text in rows:
        by_path.setdefault(_relative(str(path), root), []).append((published, n_chars, text))
    # the 200k-character line is stored whole
    ((_, n_chars, _),) = by_path["long_line.txt"]
    assert isinstance(n_chars, int) and n_chars >= 200_000
    # dates far in the future and before 1900 are kept as given, not clamped or dropped
    dates = sorted(str(d) for d, _, _ in by_path["batch.jsonl"])
    assert dates == ["1850-06-01", "2022-02-15", "2099-01-01"]
    # embedded newlines in CSV fields survive into the text
    csv_texts = [str(t) for _, _, t in by_path["embedded.csv"]]
    assert any("\n\nA second paragraph" in t for t in csv_texts)
    # no script source ever becomes article text
    for path, published, n_chars, text in rows:
        assert SCRIPT_MARKER not in str(text), path
        del published, n_chars
    (html_row,) = by_path["article_with_scripts.html"]
    assert "grain shipments had resumed" in str(html_row[2])


def test_rerun_of_the_bad_batch_adds_nothing(
    corpus: tuple[Path, list[Expect]], ingested: tuple[Path, int, str]
) -> None:
    root, expect = corpus
    db, _, _ = ingested
    before = _rows(db, "SELECT count(*) FROM articles")[0][0]
    code, _, err = _invoke("ingest", str(root), "--db", str(db), "--published", "2022-02-15")
    assert code == 0, err
    n_rejected = sum(1 for e in expect if not e.stored)
    assert f"stored 0, already present {before}, replaced 0, rejected {n_rejected}" in err
    assert _rows(db, "SELECT count(*) FROM articles")[0][0] == before
    assert _rows(db, "SELECT count(*) FROM ingest_errors")[0][0] == n_rejected


def test_analyze_json_emits_one_valid_record_per_good_input(
    corpus: tuple[Path, list[Expect]],
) -> None:
    root, expect = corpus
    code, out, err = _invoke("analyze", str(root), "--json", "--published", "2022-02-15")
    assert code == 0, err
    validator = jsonschema.Draft202012Validator(json_schema())
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == sum(1 for e in expect if e.stored)
    for line in lines:
        record = json.loads(line)
        validator.validate(record)
        text = record["article"]["text"]
        assert SCRIPT_MARKER not in text
        for item in [*record["times"], *record["places"]]:
            assert text[item["start"] : item["end"]] == item["text"]
    n_rejected = sum(1 for e in expect if not e.stored)
    assert f"skipped {n_rejected} input(s) (analysed {len(lines)}):" in err
    reported = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert len(reported) == n_rejected
    assert all(": " in line for line in reported)


def test_extractors_scale_linearly_with_text_length() -> None:
    """Eight times the text must cost the extractors well under 64 times the time.

    Guards against quadratic scans (spaCy rebuilds ``doc.text`` on every access: reading it per
    candidate made a 200,000-character dated article take minutes in the times extractor).
    """
    from wirelens.ingest.article import make_article
    from wirelens.pipeline import default_pipeline

    pipeline = default_pipeline()

    def extractor_seconds(n: int) -> float:
        text = ((ENGLISH_2 + " ") * (n // len(ENGLISH_2) + 1))[:n]
        pipeline.timings.clear()
        pipeline.analyze(make_article(text, published="2022-02-15"))
        return sum(v for k, v in pipeline.timings.items() if k != "parse")

    small = extractor_seconds(6_000)
    large = min(extractor_seconds(48_000) for _ in range(2))  # noise only ever adds time
    assert large < 24 * small, (small, large)
