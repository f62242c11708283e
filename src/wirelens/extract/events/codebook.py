"""Training-time builder of ``codebook_lexicon.tsv``: lemma -> PLV type association weights.

Reads the CAMEO code names and descriptions (cameo_codebook_merged.csv) and the PLOVER event and
mode definitions (ngec_PLOVER_structured_codebook_updated.csv) in ../shared/data/ontology, in place.
Each definition votes for its PLV type with its lemmas: the main verb(s) of the definition
("*Expel* or *withdraw* inspectors") in the ``head`` table, its other content words in the ``word``
table. Only the normalised vote shares are written, never the codebook text. The codebook's example
sentences are not used: they are near-copies of PLOVER gold-standard sentences, which PLV's test
split contains.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language

# CAMEO root -> PLV label (PLV follows CAMEO's roots; 01 statements have no PLV type)
CAMEO_ROOT_TO_PLV = {
    "02": "REQUEST",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "08": "YIELD",
    "09": "ACCUSE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
}
PLOVER_TO_PLV = {"RETREAT": "YIELD", "CONCEDE": "YIELD"}
CAMEO_FILE = Path("cameo") / "cameo_codebook_merged.csv"
PLOVER_FILE = Path("plover") / "ngec_PLOVER_structured_codebook_updated.csv"
LEXICON_FILE = "codebook_lexicon.tsv"


def definitions(ontology: Path) -> Iterator[tuple[str, str]]:
    """(PLV type, definition text) pairs from the CAMEO and PLOVER codebooks."""
    with (ontology / CAMEO_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = CAMEO_ROOT_TO_PLV.get(row["root_code"])
            if label:
                yield label, row["name"]
                if row["description"]:
                    yield label, row["description"]
    seen: set[tuple[str, str]] = set()
    with (ontology / PLOVER_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = PLOVER_TO_PLV.get(row["event"], row["event"])
            for text in (row["event_def"], row["mode_def"]):
                if text and (label, text) not in seen:
                    seen.add((label, text))
                    yield label, text


def build(nlp: Language, ontology: Path) -> dict[str, dict[str, dict[str, float]]]:
    """``{"head"|"word": {lemma: {type: share}}}`` from the codebook definitions."""
    votes: dict[str, defaultdict[str, Counter[str]]] = {
        "head": defaultdict(Counter),
        "word": defaultdict(Counter),
    }
    items = list(definitions(ontology))
    for (label, _), doc in zip(items, nlp.pipe(text for _, text in items), strict=True):
        for sent in doc.sents:
            heads = {sent.root.i} | {c.i for c in sent.root.children if c.dep_ == "conj"}
            for tok in sent:
                if not tok.is_alpha or tok.is_stop or len(tok) < 3:
                    continue
                if tok.i in heads:
                    votes["head"][tok.lemma_.lower()][label] += 1
                elif tok.pos_ in {"VERB", "NOUN", "ADJ"}:
                    votes["word"][tok.lemma_.lower()][label] += 1
    return {
        role: {
            lemma: {t: n / sum(c.values()) for t, n in sorted(c.items())}
            for lemma, c in sorted(table.items())
        }
        for role, table in votes.items()
    }


def write(lexicon: dict[str, dict[str, dict[str, float]]], path: Path) -> int:
    """Write the lexicon as ``role<TAB>lemma<TAB>type<TAB>share`` rows; returns the row count."""
    lines = [
        "# role\tlemma\ttype\tshare",
        "# Derived by wirelens.extract.events.codebook from the CAMEO and PLOVER codebook"
        " definitions (vote shares only, no codebook text); rebuilt by scripts/train_events.py.",
    ]
    for role, table in lexicon.items():
        for lemma, shares in table.items():
            lines.extend(f"{role}\t{lemma}\t{t}\t{s:.3f}" for t, s in shares.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 2
