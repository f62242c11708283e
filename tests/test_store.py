"""The corpus store: flatten, idempotent writes, URL replacement, story linking, errors, Parquet.

These tests build Analysis records by hand (no spaCy), so they run in about a second.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from wirelens.ingest.article import make_article
from wirelens.model import (
    Actor,
    Analysis,
    Claim,
    Cue,
    Event,
    EventParticipant,
    Evidence,
    Place,
    Quantity,
    Quote,
    QuoteContent,
    QuoteSource,
    TextSpan,
    Time,
)
from wirelens.store import (
    DATA_TABLES,
    GDELT_QUERY,
    SCHEMA,
    Store,
    StoreError,
    attach_parquet,
    flatten,
    minhash,
    to_arrow,
)

STORY = (
    "Defence ministers from the Baltic states met in Tallinn on Thursday to discuss air defence. "
    "Estonia's minister, Kaja Parts, told reporters that the three countries would buy radar "
    'systems together. "We cannot wait for another winter," Parts said. Latvia confirmed that '
    "it would send 40 engineers to the joint command. Lithuania's delegation said in a statement "
    "that funding for the project had not yet been approved by its parliament. Officials expect "
    "the first radars to be delivered in the spring of next year, according to the ministry."
)
UNRELATED = (
    "Farmers in the Po valley reported a poor maize harvest after a dry summer. The regional "
    "government said it would compensate growers for part of their losses, and a spokesperson "
    "for the farmers' union called the plan a good first step."
)


def _span(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(part), text)]
    start = starts[occurrence]
    return start, start + len(part)


def analysis_of(
    text: str, *, url: str | None = None, published: str | None = "2022-02-17", outlet: str = "X"
) -> Analysis:
    """A hand-made analysis with one record of every kind, spans taken from ``text``."""
    article = make_article(text, published=published, url=url, outlet=outlet, path=url)
    analysis = Analysis(article=article)
    if "Parts" not in text:
        return analysis
    s, e = _span(text, "Kaja Parts")
    analysis.actors.append(
        Actor(
            id="A1",
            name="Kaja Parts",
            kind="person",
            country="EST",
            sector="GOV",
            roles=["minister"],
            aliases=["Parts"],
            mentions=[(s, e), _span(text, "Parts", 1)],
        )
    )
    cs, ce = _span(text, "told")
    qs, qe = _span(text, "the three countries would buy radar systems together")
    analysis.quotes.append(
        Quote(
            id="Q1",
            kind="indirect",
            source=QuoteSource(text="Kaja Parts", start=s, end=e, actor_id="A1"),
            cue=Cue(text="told", start=cs, end=ce, lemma="tell"),
            content=QuoteContent(text=text[qs:qe], spans=[(qs, qe)]),
            channel="told reporters",
        )
    )
    ps, pe = _span(text, "Tallinn")
    analysis.places.append(
        Place(
            id="P1",
            text="Tallinn",
            start=ps,
            end=pe,
            name="Tallinn",
            country="EST",
            lat=59.437,
            lon=24.7535,
            geonameid=588409,
            feature="PPLC",
        )
    )
    ts, te = _span(text, "Thursday")
    analysis.times.append(Time(text="Thursday", start=ts, end=te, type="DATE", value="2022-02-17"))
    fs, fe = _span(text, "funding for the project had not yet been approved by its parliament")
    ns, ne = _span(text, "not yet")
    analysis.claims.append(
        Claim(
            id="C1",
            text=text[fs:fe],
            span=(fs, fe),
            status="unconfirmed",
            evidence=[Evidence(text="not yet", start=ns, end=ne, relation="qualifies")],
            checkworthiness=0.7,
        )
    )
    ls, le = _span(text, "Latvia")
    gs, ge = _span(text, "send")
    analysis.events.append(
        Event(
            id="E1",
            type="AID",
            mode="military",
            cameo="0712",
            goldstein=7.4,
            quad="material_cooperation",
            actor=EventParticipant(
                text="Latvia", start=ls, end=le, actor_id=None, country="LVA", sector="GOV"
            ),
            target=None,
            trigger=TextSpan(text="send", start=gs, end=ge),
            modality="planned",
            date=None,
            place_id="P1",
            quantity=Quantity(value=40, unit="engineers"),
        )
    )
    return analysis


def count(store: Store, sql: str) -> int:
    row = store.con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "s.duckdb") as opened:
        yield opened


def test_flatten_columns_follow_the_schema_and_spans_point_into_the_text() -> None:
    analysis = analysis_of(STORY)
    rows = flatten(analysis)
    assert set(rows) == set(SCHEMA)
    text = analysis.article.text
    for table, table_rows in rows.items():
        assert table_rows, table
        for row in table_rows:
            assert list(row) == [c for c, _ in SCHEMA[table]]
            assert row["article_id"] == analysis.article.id
    quote = rows["quotes"][0]
    assert text[quote["source_start"] : quote["source_end"]] == quote["source_text"]
    assert text[quote["cue_start"] : quote["cue_end"]] == quote["cue_text"]
    for table in ("times", "places"):
        row = rows[table][0]
        assert text[row["start"] : row["end"]] == row["text"]
    event = rows["events"][0]
    assert text[event["trigger_start"] : event["trigger_end"]] == event["trigger_text"]
    assert event["quad_class"] == 2 and event["cameo_root"] == "07"
    assert event["place_name"] == "Tallinn" and event["quantity_unit"] == "engineers"
    for table, table_rows in rows.items():  # every row fits the Arrow/Parquet schema
        assert to_arrow(table, table_rows).num_rows == len(table_rows)


def test_same_article_twice_is_stored_once(store: Store) -> None:
    rows = flatten(analysis_of(STORY))
    first = store.write_batch([rows])
    before = store.counts()
    second = store.write_batch([rows, rows])
    assert first.stored == [rows["articles"][0]["article_id"]]
    assert second.stored == [] and len(second.present) == 2
    assert store.counts() == before
    assert before["articles"] == 1 and before["quotes"] == 1


def test_updated_url_replaces_the_old_version_and_all_its_rows(store: Store) -> None:
    url = "https://example.org/baltic-radar"
    old = analysis_of(STORY, url=url)
    new = analysis_of(STORY.replace("40 engineers", "45 engineers"), url=url)
    store.write_batch([flatten(old)])
    result = store.write_batch([flatten(new)])
    assert result.stored == [new.article.id] and result.replaced == [old.article.id]
    for table in DATA_TABLES:
        gone = count(store, f"SELECT count(*) FROM {table} WHERE article_id = '{old.article.id}'")
        assert gone == 0, table
        kept = count(store, f"SELECT count(*) FROM {table} WHERE article_id = '{new.article.id}'")
        assert kept == 1, table
    assert store.stored_ids() == {new.article.id}


def test_near_duplicate_wire_copies_share_a_story(store: Store) -> None:
    first = analysis_of(STORY, outlet="Wire")
    # The same agency story in another outlet: a dateline added, one sentence trimmed.
    copy = analysis_of(
        "TALLINN (Wire) - " + STORY.replace(" according to the ministry", ""), outlet="Daily"
    )
    other = analysis_of(UNRELATED, outlet="Farm News")
    store.write_batch([flatten(first)])
    store.write_batch([flatten(copy), flatten(other)])
    stories = dict(store.con.execute("SELECT article_id, story_id FROM articles").fetchall())
    assert stories[first.article.id] == first.article.id
    assert stories[copy.article.id] == first.article.id
    assert stories[other.article.id] == other.article.id


def test_replacing_a_storys_first_article_repoints_the_story(store: Store) -> None:
    url = "https://example.org/baltic-radar"
    first = analysis_of(STORY, outlet="Wire", url=url)
    copy = analysis_of("TALLINN (Wire) - " + STORY, outlet="Daily")
    store.write_batch([flatten(first)])
    store.write_batch([flatten(copy)])
    updated = analysis_of(STORY.replace("40 engineers", "45 engineers"), outlet="Wire", url=url)
    result = store.write_batch([flatten(updated)])
    assert result.replaced == [first.article.id]
    stories = dict(store.con.execute("SELECT article_id, story_id FROM articles").fetchall())
    # the copy now names the story; the new version joins it; nothing points at the old id
    assert stories == {copy.article.id: copy.article.id, updated.article.id: copy.article.id}


def test_minhash_estimates_word_5gram_jaccard() -> None:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    variant = STORY.replace("Thursday", "Friday").replace("40", "60")
    exact = len(shingles(STORY) & shingles(variant)) / len(shingles(STORY) | shingles(variant))
    estimate = float((minhash(STORY) == minhash(variant)).mean())
    assert abs(estimate - exact) < 0.12
    assert (minhash(STORY) == minhash(STORY)).all()
    assert float((minhash(STORY) == minhash(UNRELATED)).mean()) < 0.1


def test_a_failing_batch_leaves_nothing(store: Store) -> None:
    good = flatten(analysis_of(STORY))
    bad = flatten(analysis_of(UNRELATED))
    bad["articles"][0]["n_chars"] = "not a number"  # fails while inserting, after `good`
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll the batch back
        store.write_batch([good, bad])
    assert all(n == 0 for n in store.counts().values())
    assert store.write_batch([good]).stored  # the store is still usable


def test_errors_are_upserted_and_cleared_when_the_input_is_stored(store: Store) -> None:
    store.record_errors([("a.txt", "empty"), ("b.txt", "binary")])
    store.record_errors([("a.txt", "still empty")])
    reasons = dict(store.con.execute("SELECT source, reason FROM ingest_errors").fetchall())
    assert reasons == {"a.txt": "still empty", "b.txt": "binary"}
    store.write_batch([flatten(analysis_of(STORY, url="b.txt"))])  # path b.txt now stored
    assert count(store, "SELECT count(*) FROM ingest_errors") == 1


def test_gdelt_export_columns_and_values(store: Store) -> None:
    analysis = analysis_of(STORY, url="https://example.org/r")
    store.write_batch([flatten(analysis)])
    cursor = store.con.execute(GDELT_QUERY)
    columns = [d[0] for d in cursor.description]
    row = dict(zip(columns, cursor.fetchone(), strict=True))
    for name in ("GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor1CountryCode", "EventCode",
                 "EventRootCode", "QuadClass", "GoldsteinScale", "ActionGeo_Lat", "SOURCEURL",
                 "plover_event_type", "plover_modality"):  # fmt: skip
        assert name in columns
    assert row["SQLDATE"] == 20220217  # no event date: the story's publication date
    assert row["DateSource"] == "story"
    assert row["Actor1Code"] == "LVAGOV" and row["Actor2Name"] is None
    assert row["EventRootCode"] == "07" and row["EventBaseCode"] == "071"
    assert row["QuadClass"] == 2 and row["GoldsteinScale"] == pytest.approx(7.4)
    assert row["ActionGeo_FullName"] == "Tallinn" and row["SOURCEURL"] == "https://example.org/r"


def test_read_only_store_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_attach_parquet_creates_views_over_the_dataset(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    rows = flatten(analysis_of(STORY))
    for table, table_rows in rows.items():
        target = tmp_path / "ds" / table / "month=2022-02" / "part-1.parquet"
        target.parent.mkdir(parents=True)
        pq.write_table(to_arrow(table, table_rows), target)
    con = duckdb.connect(str(tmp_path / "v.duckdb"))
    views = attach_parquet(con, tmp_path / "ds")
    assert sorted(views) == sorted(f"parquet.{t}" for t in SCHEMA)
    got = con.execute("SELECT article_id, month FROM parquet.quotes").fetchall()
    assert got == [(rows["quotes"][0]["article_id"], "2022-02")]
