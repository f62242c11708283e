"""The corpus store: analyses flattened into DuckDB tables, written idempotently in batches.

>>> from wirelens.store import Store, flatten
>>> with Store("wirelens.duckdb") as store:  # doctest: +SKIP
...     store.write_batch([flatten(analysis)])

Every record type of the JSON contract becomes one table (``articles``, ``actors``, ``quotes``,
``claims``, ``events``, ``times``, ``places``), every row carries ``article_id``, and the column
names are documented in docs/STORE.md. :func:`flatten` is the one mapping from an
:class:`~wirelens.model.Analysis` to rows: the DuckDB writer here and the Parquet writer of the
Dask runner (:mod:`wirelens.scale`) both use it, so results agree wherever they were computed.

Writes are idempotent: an article is identified by the hash of its normalised text
(``Article.id``), one already stored is skipped, and a new text at a URL already stored replaces
the old article and all its rows in the same transaction. Near-duplicate copies of one wire story
(word 5-gram Jaccard >= 0.8, estimated with MinHash and found with LSH bands) share
``articles.story_id``: the id of the first stored article of the story (of the first one left,
once that one has been replaced by a newer version of its URL).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import uuid
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .model import Analysis, Quad

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = [
    "DATA_TABLES",
    "DEFAULT_DB",
    "GDELT_QUERY",
    "SCHEMA",
    "BatchResult",
    "Rows",
    "Store",
    "StoreError",
    "arrow_schema",
    "attach_parquet",
    "flatten",
    "minhash",
    "to_arrow",
]

DEFAULT_DB = "wirelens.duckdb"
Rows = dict[str, list[dict[str, Any]]]

# --- schema -------------------------------------------------------------------------------------
# One list of (column, DuckDB type) per table: the DDL, the Arrow/Parquet schema and the docs all
# come from here. JSON columns hold nested lists/objects as JSON text.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("article_id", "VARCHAR"),
        ("title", "VARCHAR"),
        ("url", "VARCHAR"),
        ("outlet", "VARCHAR"),
        ("published", "DATE"),
        ("published_source", "VARCHAR"),
        ("language", "VARCHAR"),
        ("path", "VARCHAR"),
        ("text", "VARCHAR"),
        ("n_chars", "INTEGER"),
        ("n_actors", "INTEGER"),
        ("n_quotes", "INTEGER"),
        ("n_claims", "INTEGER"),
        ("n_events", "INTEGER"),
    ],
    "actors": [
        ("article_id", "VARCHAR"),
        ("actor_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("country", "VARCHAR"),
        ("sector", "VARCHAR"),
        ("organization", "VARCHAR"),
        ("roles", "VARCHAR[]"),
        ("aliases", "VARCHAR[]"),
        ("n_mentions", "INTEGER"),
        ("mentions", "JSON"),
    ],
    "quotes": [
        ("article_id", "VARCHAR"),
        ("quote_id", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("source_text", "VARCHAR"),
        ("source_start", "INTEGER"),
        ("source_end", "INTEGER"),
        ("source_actor_id", "VARCHAR"),
        ("cue_text", "VARCHAR"),
        ("cue_start", "INTEGER"),
        ("cue_end", "INTEGER"),
        ("cue_lemma", "VARCHAR"),
        ("content_text", "VARCHAR"),
        ("content_spans", "JSON"),
        ("channel", "VARCHAR"),
        ("via", "VARCHAR"),
        ("negated", "BOOLEAN"),
        ("date", "DATE"),
        ("place_id", "VARCHAR"),
    ],
    "claims": [
        ("article_id", "VARCHAR"),
        ("claim_id", "VARCHAR"),
        ("text", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
        ("source_actor_id", "VARCHAR"),
        ("quote_id", "VARCHAR"),
        ("status", "VARCHAR"),
        ("checkworthiness", "DOUBLE"),
        ("date", "DATE"),
        ("place_id", "VARCHAR"),
        ("evidence", "JSON"),
    ],
    "events": [
        ("article_id", "VARCHAR"),
        ("event_id", "VARCHAR"),
        ("date", "DATE"),
        ("type", "VARCHAR"),
        ("mode", "VARCHAR"),
        ("cameo", "VARCHAR"),
        ("cameo_root", "VARCHAR"),
        ("goldstein", "DOUBLE"),
        ("quad", "VARCHAR"),
        ("quad_class", "INTEGER"),
        ("modality", "VARCHAR"),
        ("actor_text", "VARCHAR"),
        ("actor_start", "INTEGER"),
        ("actor_end", "INTEGER"),
        ("actor_id", "VARCHAR"),
        ("actor_country", "VARCHAR"),
        ("actor_sector", "VARCHAR"),
        ("target_text", "VARCHAR"),
        ("target_start", "INTEGER"),
        ("target_end", "INTEGER"),
        ("target_id", "VARCHAR"),
        ("target_country", "VARCHAR"),
        ("target_sector", "VARCHAR"),
        ("trigger_text", "VARCHAR"),
        ("trigger_start", "INTEGER"),
        ("trigger_end", "INTEGER"),
        ("place_id", "VARCHAR"),
        ("place_name", "VARCHAR"),
        ("place_country", "VARCHAR"),
        ("place_lat", "DOUBLE"),
        ("place_lon", "DOUBLE"),
        ("place_geonameid", "BIGINT"),
        ("quantity_value", "DOUBLE"),
        ("quantity_unit", "VARCHAR"),
    ],
    "times": [
        ("article_id", "VARCHAR"),
        ("time_id", "VARCHAR"),
        ("text", "VARCHAR"),
        ("start", "INTEGER"),
        ("end", "INTEGER"),
        ("type", "VARCHAR"),
        ("value", "VARCHAR"),
    ],
    "places": [
        ("article_id", "VARCHAR"),
        ("place_id", "VARCHAR"),
        ("text", "VARCHAR"),
        ("start", "INTEGER"),
        ("end", "INTEGER"),
        ("name", "VARCHAR"),
        ("country", "VARCHAR"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("geonameid", "BIGINT"),
        ("feature", "VARCHAR"),
    ],
}
# Tables holding one article's records (deleted together when the article is replaced).
DATA_TABLES: tuple[str, ...] = tuple(SCHEMA)

# Columns the store adds to what flatten() produces (not in the Parquet dataset).
_STORE_ONLY_DDL = """
ALTER TABLE articles ADD COLUMN IF NOT EXISTS story_id VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS run_id VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS ingested_at TIMESTAMP;
"""

_SUPPORT_DDL = """
CREATE TABLE IF NOT EXISTS claim_groups (
    group_id VARCHAR, claim_id VARCHAR, article_id VARCHAR, role VARCHAR, status VARCHAR,
    similarity DOUBLE, grouped_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS ingest_errors (
    source VARCHAR PRIMARY KEY, reason VARCHAR, "at" TIMESTAMP, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR,
    inputs JSON, stored INTEGER, present INTEGER, replaced INTEGER, rejected INTEGER);
CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR, signature BLOB);
CREATE TABLE IF NOT EXISTS story_bands (band_key BIGINT, article_id VARCHAR);
"""

_ARROW_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "INTEGER": "int32",
    "BIGINT": "int64",
    "DOUBLE": "float64",
    "BOOLEAN": "bool_",
    "DATE": "date32",
}

QUAD_CLASS: dict[Quad, int] = {  # GDELT QuadClass numbering
    "verbal_cooperation": 1,
    "material_cooperation": 2,
    "verbal_conflict": 3,
    "material_conflict": 4,
}


class StoreError(RuntimeError):
    """A store that cannot be opened or queried; ``str(error)`` is a user-facing reason."""


# Phrases in DuckDB's errors that mean the file itself is damaged (not locked, not missing).
_DAMAGE_SIGNS = (
    "not a valid DuckDB database",
    "Corrupt database file",
    "Could not read enough bytes",
    "checksum",
    "INTERNAL Error",
)


def _reason(error: BaseException) -> str:
    """DuckDB's message without its error-class prefix, on one line."""
    text = " ".join(str(error).split())
    return text.removeprefix("TransactionContext Error: ").removeprefix("Failed to commit: ")


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow (and Parquet) schema of one flattened table."""
    import pyarrow as pa

    fields = []
    for name, kind in SCHEMA[table]:
        if kind.endswith("[]"):
            fields.append(pa.field(name, pa.list_(pa.string())))
        else:
            fields.append(pa.field(name, getattr(pa, _ARROW_TYPES[kind])()))
    return pa.schema(fields)


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of one table (as flatten() makes them) as an Arrow table with the documented schema."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=arrow_schema(table))


# --- flatten ------------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    """An ISO date, or None for a missing or partial one (e.g. a month): DATE columns are exact."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def flatten(analysis: Analysis) -> Rows:
    """One list of row dicts per table; column names and order as in :data:`SCHEMA`."""
    art = analysis.article
    aid = art.id
    places = {p.id: p for p in analysis.places}
    rows: Rows = {name: [] for name in SCHEMA}
    rows["articles"].append(
        {
            "article_id": aid,
            "title": art.title,
            "url": art.url,
            "outlet": art.outlet,
            "published": _date(art.published),
            "published_source": art.published_source,
            "language": art.language,
            "path": art.path,
            "text": art.text,
            "n_chars": len(art.text),
            "n_actors": len(analysis.actors),
            "n_quotes": len(analysis.quotes),
            "n_claims": len(analysis.claims),
            "n_events": len(analysis.events),
        }
    )
    for a in analysis.actors:
        rows["actors"].append(
            {
                "article_id": aid,
                "actor_id": a.id,
                "name": a.name,
                "kind": a.kind,
                "country": a.country,
                "sector": a.sector,
                "organization": a.organization,
                "roles": list(a.roles),
                "aliases": list(a.aliases),
                "n_mentions": len(a.mentions),
                "mentions": _json([list(m) for m in a.mentions]),
            }
        )
    for q in analysis.quotes:
        src, cue = q.source, q.cue
        rows["quotes"].append(
            {
                "article_id": aid,
                "quote_id": q.id,
                "kind": q.kind,
                "source_text": src.text if src else None,
                "source_start": src.start if src else None,
                "source_end": src.end if src else None,
                "source_actor_id": src.actor_id if src else None,
                "cue_text": cue.text if cue else None,
                "cue_start": cue.start if cue else None,
                "cue_end": cue.end if cue else None,
                "cue_lemma": cue.lemma if cue else None,
                "content_text": q.content.text,
                "content_spans": _json([list(s) for s in q.content.spans]),
                "channel": q.channel,
                "via": q.via,
                "negated": q.negated,
                "date": _date(q.date),
                "place_id": q.place_id,
            }
        )
    for c in analysis.claims:
        rows["claims"].append(
            {
                "article_id": aid,
                "claim_id": c.id,
                "text": c.text,
                "span_start": c.span[0],
                "span_end": c.span[1],
                "source_actor_id": c.source_actor_id,
                "quote_id": c.quote_id,
                "status": c.status,
                "checkworthiness": c.checkworthiness,
                "date": _date(c.date),
                "place_id": c.place_id,
                "evidence": _json([e.model_dump() for e in c.evidence]),
            }
        )
    for e in analysis.events:
        target, place, qty = e.target, places.get(e.place_id or ""), e.quantity
        rows["events"].append(
            {
                "article_id": aid,
                "event_id": e.id,
                "date": _date(e.date),
                "type": e.type,
                "mode": e.mode,
                "cameo": e.cameo,
                "cameo_root": e.cameo[:2] or None,
                "goldstein": e.goldstein,
                "quad": e.quad,
                "quad_class": QUAD_CLASS[e.quad],
                "modality": e.modality,
                "actor_text": e.actor.text,
                "actor_start": e.actor.start,
                "actor_end": e.actor.end,
                "actor_id": e.actor.actor_id,
                "actor_country": e.actor.country,
                "actor_sector": e.actor.sector,
                "target_text": target.text if target else None,
                "target_start": target.start if target else None,
                "target_end": target.end if target else None,
                "target_id": target.actor_id if target else None,
                "target_country": target.country if target else None,
                "target_sector": target.sector if target else None,
                "trigger_text": e.trigger.text,
                "trigger_start": e.trigger.start,
                "trigger_end": e.trigger.end,
                "place_id": e.place_id,
                "place_name": place.name if place else None,
                "place_country": place.country if place else None,
                "place_lat": place.lat if place else None,
                "place_lon": place.lon if place else None,
                "place_geonameid": place.geonameid if place else None,
                "quantity_value": qty.value if qty else None,
                "quantity_unit": qty.unit if qty else None,
            }
        )
    for i, t in enumerate(analysis.times, 1):
        rows["times"].append(
            {
                "article_id": aid,
                "time_id": f"T{i}",  # times carry no id in the contract: number them in order
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "type": t.type,
                "value": t.value,
            }
        )
    for p in analysis.places:
        rows["places"].append(
            {
                "article_id": aid,
                "place_id": p.id,
                "text": p.text,
                "start": p.start,
                "end": p.end,
                "name": p.name,
                "country": p.country,
                "lat": p.lat,
                "lon": p.lon,
                "geonameid": p.geonameid,
                "feature": p.feature,
            }
        )
    return rows


# --- near-duplicates: MinHash over word 5-grams, LSH bands ----------------------------------------

NUM_PERM = 128
BAND_ROWS = 4  # 32 bands of 4: a pair at Jaccard 0.8 shares a band with probability > 0.9999
DUPLICATE_JACCARD = 0.8
SHINGLE = 5
_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20220215)
# Multiply-shift hashing, (a*x + b) >> 32 over uint64 with odd a: a universal family that numpy
# computes for all permutations at once. Fixed seed: signatures are comparable across processes.
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15**k % 2**64 for k in range(SHINGLE)], dtype=np.uint64)


def minhash(text: str) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint32) of the text's lower-cased word 5-gram set."""
    words = _WORD.findall(text.lower())
    word_hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), np.uint64, len(words))
    if len(words) < SHINGLE:  # too short for a 5-gram: the whole text is the one shingle
        shingles = np.array([zlib.crc32(" ".join(words).encode())], dtype=np.uint64)
    else:
        n = len(words) - SHINGLE + 1
        shingles = np.zeros(n, dtype=np.uint64)
        for k in range(SHINGLE):  # a 5-gram's hash: its word hashes mixed by position
            shingles += word_hashes[k : k + n] * _MIX[k]
        shingles = np.unique(shingles)
    signature = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for chunk in range(0, len(shingles), 2048):  # bounded memory on very long articles
        block = shingles[chunk : chunk + 2048, None]
        hashed = (block * _A + _B) >> np.uint64(32)
        np.minimum(signature, hashed.min(axis=0), out=signature)
    return signature.astype(np.uint32)


def _band_keys(signature: np.ndarray) -> list[int]:
    keys = []
    for band in range(0, NUM_PERM, BAND_ROWS):
        digest = hashlib.blake2b(
            band.to_bytes(2, "little") + signature[band : band + BAND_ROWS].tobytes(),
            digest_size=8,
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


# --- the store ----------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """What one write_batch call did, by article id."""

    stored: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # old ids removed by a newer version


def _ddl() -> str:
    tables = []
    for name, columns in SCHEMA.items():
        cols = ", ".join(f'"{c}" {t}' for c, t in columns)
        if name == "articles":
            cols = cols.replace('"article_id" VARCHAR', '"article_id" VARCHAR PRIMARY KEY', 1)
        tables.append(f"CREATE TABLE IF NOT EXISTS {name} ({cols});")
    return "\n".join(tables) + _STORE_ONLY_DDL + _SUPPORT_DDL


class Store:
    """A DuckDB file holding analysed articles; one writer process at a time.

    ``read_only`` opens it for queries (fails cleanly when the file does not exist).
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path} (create one with `wirelens ingest`)")
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(
                str(self.path), read_only=read_only
            )
        except duckdb.Error as error:
            raise StoreError(f"cannot open store {self.path}: {self._explain(error)}") from error
        if not read_only:
            try:
                self.con.execute(_ddl())
            except duckdb.Error as error:
                self.con.close()
                raise StoreError(
                    f"cannot open store {self.path}: {self._explain(error)}"
                ) from error

    def _explain(self, error: BaseException) -> str:
        """DuckDB's reason, plus how to recover when it says the file is damaged."""
        reason = _reason(error)
        if any(sign in reason for sign in _DAMAGE_SIGNS):
            reason = reason.rstrip("!. ") + (
                f". The store file looks damaged; wirelens has not changed it. To recover, move "
                f"it aside (mv {self.path} {self.path}.damaged) and rebuild the store from the "
                "inputs with `wirelens ingest` (an ingest is idempotent and can be rerun)"
            )
        return reason

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # runs and errors

    def start_run(self, inputs: Sequence[str]) -> str:
        """Record the start of an ingest run; returns its id."""
        import duckdb

        run_id = uuid.uuid4().hex[:12]
        try:
            self.con.execute(
                "INSERT INTO ingest_runs VALUES (?, ?, NULL, 'running', ?, 0, 0, 0, 0)",
                [run_id, datetime.now(), _json(list(inputs))],
            )
        except duckdb.Error as error:
            raise StoreError(
                f"cannot write to store {self.path}: {self._explain(error)}"
            ) from error
        return run_id

    def finish_run(
        self, run_id: str, status: str, stored: int, present: int, replaced: int, rejected: int
    ) -> None:
        self.con.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = ?, stored = ?, present = ?, "
            "replaced = ?, rejected = ? WHERE run_id = ?",
            [datetime.now(), status, stored, present, replaced, rejected, run_id],
        )

    def record_errors(self, errors: Iterable[tuple[str, str]], run_id: str | None = None) -> None:
        """Upsert (source, reason) rows: the latest reason for a source wins."""
        import duckdb

        rows = [(s, r, datetime.now(), run_id) for s, r in errors]
        if not rows:
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.executemany(
                "INSERT INTO ingest_errors VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE "
                'SET reason = excluded.reason, "at" = excluded."at", run_id = excluded.run_id',
                rows,
            )
            self.con.execute("COMMIT")
        except duckdb.Error as error:
            self._rollback()
            raise StoreError(
                f"cannot write to store {self.path}: {self._explain(error)}"
            ) from error
        except BaseException:
            self._rollback()
            raise

    def stored_ids(self) -> set[str]:
        """Ids of every stored article (read once per ingest so resume skips them unparsed)."""
        import duckdb

        try:
            found = self.con.execute("SELECT article_id FROM articles").fetchall()
        except duckdb.Error as error:
            raise StoreError(f"cannot read store {self.path}: {self._explain(error)}") from error
        return {row[0] for row in found}

    # writing

    def write_batch(self, batch: Sequence[Rows], run_id: str | None = None) -> BatchResult:
        """Store flattened articles in ONE transaction: all of them, or none on failure.

        Already stored ids (and repeats inside the batch) are skipped; an article whose URL is
        already stored under another id replaces that article (later in the batch wins).
        """
        result = BatchResult()
        if not batch:
            return result
        import duckdb

        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            self._write(batch, run_id, result)
            con.execute("COMMIT")
        except duckdb.Error as error:  # e.g. a full disk: the WAL write in COMMIT fails
            self._rollback()
            raise StoreError(
                f"cannot write to store {self.path}: {self._explain(error)}"
            ) from error
        except BaseException:  # Ctrl-C included: leave nothing of a half-written batch
            self._rollback()
            raise
        return result

    def _rollback(self) -> None:
        """Roll back the open transaction; a failed COMMIT has already ended it (no error)."""
        import duckdb

        # Nothing to roll back, or the database is unusable: the caller reports why.
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def _write(self, batch: Sequence[Rows], run_id: str | None, result: BatchResult) -> None:
        con = self.con
        ids = [rows["articles"][0]["article_id"] for rows in batch]
        existing = self._existing(ids)
        chosen: dict[str, Rows] = {}
        by_url: dict[str, str] = {}
        for aid, rows in zip(ids, batch, strict=True):
            if aid in existing or aid in chosen:
                result.present.append(aid)
                continue
            url = rows["articles"][0]["url"]
            if url and url in by_url:  # a newer version of a URL met earlier in this batch
                result.replaced.append(chosen.pop(by_url[url])["articles"][0]["article_id"])
            if url:
                by_url[url] = aid
            chosen[aid] = rows
        if not chosen:
            return
        if by_url:
            old = con.execute(
                "SELECT article_id FROM articles WHERE url IN (SELECT unnest(?))",
                [list(by_url)],
            ).fetchall()
            old_ids = [row[0] for row in old]
            if old_ids:
                self._delete(old_ids)
                self._repoint_stories(old_ids)
                result.replaced.extend(old_ids)
        stories = self._link_stories(chosen)
        now = datetime.now()
        for table in SCHEMA:
            table_rows = [row for article in chosen.values() for row in article[table]]
            if not table_rows:
                continue
            arrow = to_arrow(table, table_rows)
            con.register("_wirelens_batch", arrow)
            cols = ", ".join(f'"{c}"' for c, _ in SCHEMA[table])
            if table == "articles":
                con.execute(
                    f"INSERT INTO articles ({cols}, story_id, run_id, ingested_at) "
                    f"SELECT {cols}, s.story_id, ?, ? FROM _wirelens_batch b "
                    "JOIN (SELECT unnest(?) AS aid, unnest(?) AS story_id) s "
                    "ON s.aid = b.article_id",
                    [run_id, now, list(stories), list(stories.values())],
                )
            else:
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _wirelens_batch")
            con.unregister("_wirelens_batch")
        paths = [r["articles"][0]["path"] for r in chosen.values() if r["articles"][0]["path"]]
        if paths:  # an input stored now is no longer an error
            con.execute("DELETE FROM ingest_errors WHERE source IN (SELECT unnest(?))", [paths])
        result.stored.extend(chosen)

    def _existing(self, ids: list[str]) -> set[str]:
        found = self.con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
        return {row[0] for row in found}

    def _delete(self, article_ids: list[str]) -> None:
        for table in (*DATA_TABLES, "article_signatures", "story_bands", "claim_groups"):
            self.con.execute(
                f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [article_ids]
            )

    def _repoint_stories(self, deleted: list[str]) -> None:
        """Stories named after a deleted article take the id of their first remaining one.

        A story's id is its first stored article's; when that article is replaced (a newer
        version of its URL), the other copies would otherwise point at an id no longer stored.
        """
        self.con.execute(
            "UPDATE articles SET story_id = r.first_id FROM ("
            "  SELECT story_id AS old_id, first(article_id ORDER BY ingested_at, article_id)"
            "  AS first_id FROM articles WHERE story_id IN (SELECT unnest(?)) GROUP BY story_id"
            ") r WHERE articles.story_id = r.old_id",
            [deleted],
        )

    def _link_stories(self, chosen: dict[str, Rows]) -> dict[str, str]:
        """story_id per new article: that of its closest near-duplicate, else its own id."""
        con = self.con
        signatures = {aid: minhash(r["articles"][0]["text"]) for aid, r in chosen.items()}
        keys = {aid: _band_keys(sig) for aid, sig in signatures.items()}
        all_keys = sorted({k for ks in keys.values() for k in ks})
        stored_candidates = con.execute(
            "SELECT DISTINCT b.band_key, b.article_id, s.signature, a.story_id "
            "FROM story_bands b JOIN article_signatures s USING (article_id) "
            "JOIN articles a USING (article_id) WHERE b.band_key IN (SELECT unnest(?))",
            [all_keys],
        ).fetchall()
        # band key -> [(article id, signature, story id)], stored ones first, then this batch's
        buckets: dict[int, list[tuple[str, np.ndarray, str]]] = {}
        for key, aid, blob, story in stored_candidates:
            sig = np.frombuffer(blob, dtype=np.uint32)
            buckets.setdefault(key, []).append((aid, sig, story or aid))
        stories: dict[str, str] = {}
        for aid, sig in signatures.items():
            best, best_j = aid, DUPLICATE_JACCARD
            seen: set[str] = set()
            for key in keys[aid]:
                for other, other_sig, story in buckets.get(key, []):
                    if other in seen:
                        continue
                    seen.add(other)
                    j = _jaccard(sig, other_sig)
                    if j >= best_j:
                        best, best_j = story, j
            stories[aid] = best
            for key in keys[aid]:
                buckets.setdefault(key, []).append((aid, sig, best))
        con.executemany(
            "INSERT INTO article_signatures VALUES (?, ?)",
            [(aid, sig.tobytes()) for aid, sig in signatures.items()],
        )
        band_rows = [(k, aid) for aid, ks in keys.items() for k in ks]
        con.register(
            "_wirelens_bands",
            _pa().table(
                {"band_key": [k for k, _ in band_rows], "article_id": [a for _, a in band_rows]}
            ),
        )
        con.execute("INSERT INTO story_bands SELECT band_key, article_id FROM _wirelens_bands")
        con.unregister("_wirelens_bands")
        return stories

    # reading

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a SQL query; StoreError with DuckDB's message on bad SQL."""
        import duckdb

        try:
            cursor = self.con.execute(sql)
            if cursor.description is None:
                return [], []
            columns = [d[0] for d in cursor.description]
            return columns, cursor.fetchall()
        except duckdb.Error as error:
            raise StoreError(self._explain(error)) from error

    def counts(self) -> dict[str, int]:
        """Rows per data table."""
        return {
            t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in (*DATA_TABLES, "ingest_errors")
        }


def _pa() -> Any:
    import pyarrow as pa

    return pa


# --- GDELT/POLECAT-style events export ------------------------------------------------------------

GDELT_QUERY = """
SELECT
    e.article_id || '-' || e.event_id AS GLOBALEVENTID,
    CAST(strftime(coalesce(e.date, a.published), '%Y%m%d') AS INTEGER) AS SQLDATE,
    CAST(strftime(coalesce(e.date, a.published), '%Y%m') AS INTEGER) AS MonthYear,
    CAST(strftime(coalesce(e.date, a.published), '%Y') AS INTEGER) AS Year,
    CASE WHEN e.date IS NOT NULL THEN 'event' WHEN a.published IS NOT NULL THEN 'story'
    END AS DateSource,
    nullif(concat(e.actor_country, e.actor_sector), '') AS Actor1Code,
    e.actor_text AS Actor1Name,
    e.actor_country AS Actor1CountryCode,
    e.actor_sector AS Actor1Type1Code,
    nullif(concat(e.target_country, e.target_sector), '') AS Actor2Code,
    e.target_text AS Actor2Name,
    e.target_country AS Actor2CountryCode,
    e.target_sector AS Actor2Type1Code,
    e.cameo AS EventCode,
    left(e.cameo, 3) AS EventBaseCode,
    left(e.cameo, 2) AS EventRootCode,
    e.quad_class AS QuadClass,
    e.goldstein AS GoldsteinScale,
    e.place_name AS ActionGeo_FullName,
    e.place_country AS ActionGeo_CountryCode,
    e.place_lat AS ActionGeo_Lat,
    e.place_lon AS ActionGeo_Long,
    e.place_geonameid AS ActionGeo_FeatureID,
    coalesce(a.url, a.path) AS SOURCEURL,
    a.outlet AS Outlet,
    a.story_id AS StoryID,
    e.type AS plover_event_type,
    e.mode AS plover_mode,
    e.modality AS plover_modality,
    e.quad AS plover_quad,
    e.actor_id AS plover_actor_id,
    e.target_id AS plover_target_id,
    e.trigger_text AS plover_trigger,
    e.quantity_value AS plover_quantity,
    e.quantity_unit AS plover_quantity_unit,
    e.article_id AS article_id,
    e.event_id AS event_id
FROM events e JOIN articles a USING (article_id)
ORDER BY SQLDATE NULLS LAST, GLOBALEVENTID
"""


# --- Parquet datasets ---------------------------------------------------------------------------


def attach_parquet(db: str | Path | duckdb.DuckDBPyConnection, directory: str | Path) -> list[str]:
    """Create views ``parquet.<table>`` over a dataset written by :mod:`wirelens.scale`.

    Views, not a copy: queries read the Parquet files in place (hive-partitioned by ``month``).
    Tables with no files yet get no view. Returns the names of the views created.
    """
    import duckdb

    con = duckdb.connect(str(db)) if isinstance(db, str | Path) else db
    root = Path(directory).resolve()
    created = []
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS parquet")
        for table in SCHEMA:
            if not any((root / table).glob("month=*/*.parquet")):
                continue
            pattern = str(root / table / "month=*" / "*.parquet").replace("'", "''")
            con.execute(
                f"CREATE OR REPLACE VIEW parquet.{table} AS SELECT * FROM read_parquet("
                f"'{pattern}', hive_partitioning = true, union_by_name = true)"
            )
            created.append(f"parquet.{table}")
    finally:
        if isinstance(db, str | Path):
            con.close()
    return created
