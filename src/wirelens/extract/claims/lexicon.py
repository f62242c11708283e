"""The claim-status lexicons (``resources/claims/``), loaded once."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "claims"

# Kinds of phrase cue; the first two qualify the statement they are in, the rest bear on another.
SELF_KINDS = ("hedge", "alleged")
OTHER_KINDS = ("unconfirmed", "dispute", "denial", "unsupported", "retraction")


@dataclass
class Lexicon:
    """Phrase cues by kind, word classes for the structural rules, topic patterns."""

    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    words: dict[str, set[str]] = field(default_factory=dict)
    ordinals: dict[str, int] = field(default_factory=dict)
    topics: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    # group -> its patterns as one alternation: one search per group instead of one per pattern
    topic_any: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # group -> words one of which a match must contain (None: no such list; always search)
    topic_keys: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    # first word of a phrase -> [(kind, phrase)], longest phrase first, for one pass over tokens
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@lru_cache(maxsize=1)
def load_lexicon(directory: Path = RESOURCES) -> Lexicon:
    """Read ``cues.tsv`` and ``topics.tsv`` (cached)."""
    lexicon = Lexicon()
    phrases: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    words: dict[str, set[str]] = defaultdict(set)
    for row in _rows(directory / "cues.tsv"):
        kind, entry = row[0].strip(), row[1].strip().lower()
        if kind in SELF_KINDS or kind in OTHER_KINDS:
            phrases[kind].append(tuple(entry.split()))
        elif kind == "ordinal":
            lexicon.ordinals[entry] = int(row[2])
        else:
            words[kind].add(entry)
    lexicon.phrases, lexicon.words = dict(phrases), dict(words)
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for kind, entries in phrases.items():
        for phrase in entries:
            by_first[phrase[0]].append((kind, phrase))
    lexicon.by_first = {k: sorted(v, key=lambda kp: -len(kp[1])) for k, v in by_first.items()}
    topics: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    for row in _rows(directory / "topics.tsv"):
        topics[row[0].strip()].append(re.compile(row[1].strip(), re.IGNORECASE))
    lexicon.topics = dict(topics)
    lexicon.topic_keys = {
        group: _required_words([p.pattern for p in patterns]) for group, patterns in topics.items()
    }
    lexicon.topic_any = {
        group: re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
        for group, patterns in topics.items()
    }
    return lexicon


def _literal_prefix(pattern: str) -> str | None:
    r"""The letters every match of ``pattern`` starts with (``withdr[ae]w\w*`` -> "withdr"),
    or None when the pattern does not start with ```` and letters or has a top-level ``|``."""
    depth = 0
    for char in pattern:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            return None
    found = re.match(r"\\b([A-Za-z]+)", pattern)
    if found is None:
        return None
    word = found.group(1)
    if pattern[found.end() : found.end() + 1] in ("?", "*", "{"):
        word = word[:-1]  # "troops?": the last letter is optional
    return word.lower() or None


def _required_words(patterns: list[str]) -> tuple[str, ...] | None:
    prefixes = [_literal_prefix(p) for p in patterns]
    return None if any(p is None for p in prefixes) else tuple(p for p in prefixes if p)


def topic_groups(text: str, lexicon: Lexicon | None = None) -> set[str]:
    """The topic groups whose patterns occur in ``text``.

    A group is searched only when ``text`` holds one of the literal words its patterns start
    with (a substring test is much cheaper than a regex search at every position).
    """
    lexicon = lexicon or load_lexicon()
    lowered = text.lower()
    found = set()
    for group, pattern in lexicon.topic_any.items():
        keys = lexicon.topic_keys.get(group)
        if keys is not None and not any(key in lowered for key in keys):
            continue
        if pattern.search(text):
            found.add(group)
    return found
