"""Stage 1: cue detection — the verbs and phrases that introduce attributed content.

A cue is a verb whose lemma is in the cue lexicon (``resources/quotes/cue_verbs.txt``), or the
phrase "according to". When a trained lemma model exists (``models/quotes/cue_lemmas.json``) its
per-lemma cue probabilities extend and filter the hand lexicon.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from spacy.tokens import Doc, Token

from ..doctext import doc_text, token_indices
from .marks import RegionIndex
from .turns import find_turns, turn_source

# Adverbs that attribute the clause to an unnamed source ("was reportedly targeted").
EVIDENTIAL_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "supposedly"})
# "In a poll/survey, …" frames the clause as the poll's finding.
POLL_NOUNS = frozenset({"poll", "survey"})
# Nouns that attribute a that-clause ("his claim that …", "warnings that …").
NOUN_CUES = frozenset(
    {
        "claim", "statement", "assertion", "allegation", "accusation", "warning", "promise",
        "pledge", "suggestion", "argument", "belief", "view", "assessment", "report", "hope",
        "fear", "concern", "insistence", "announcement", "prediction", "admission", "denial",
        "charge", "complaint", "remark", "comment", "vow", "threat", "conclusion", "finding",
    }
)  # fmt: skip
# The words other than nouns, adjectives and verbs that the cue scan looks at.
SCANNED_WORDS = frozenset({"according", "in"} | EVIDENTIAL_ADVERBS)
PACKAGE = Path(__file__).resolve().parents[2]
RESOURCES = PACKAGE / "resources" / "quotes"
MODELS = PACKAGE / "models" / "quotes"
# Minimum trained probability that a verb lemma heads an attribution for it to count as a cue.
MIN_LEARNED_PROB = 0.22
MIN_LEARNED_COUNT = 3
# Nouns need this much more than the verb threshold (their content/source rules are rougher).
NOUN_MARGIN = 0.1
# Nouns whose training cue rate is below this are not scored at all (speed: most nouns never are).
MIN_NOUN_PROB = 0.05
# Adjectives are scored when at least this many of their training uses were gold cues.
MIN_ADJECTIVE_CUES = 2


@dataclass
class Attribution:
    """Internal working record shared by the stages (converted to ``Quote`` at the end)."""

    cue: Token
    cue_span: tuple[int, int]
    lemma: str
    cue_class: str
    content: list[tuple[int, int]] = field(default_factory=list)
    source: tuple[int, int] | None = None
    source_head: Token | None = None
    according: bool = False
    channel: str | None = None
    via: str | None = None
    negated: bool = False
    prob: float = 1.0
    bound: int | None = None  # a speaker turn's content stops here (the next turn's start)


def _read_lines(name: str) -> list[str]:
    path = RESOURCES / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln for ln in (x.strip() for x in lines) if ln and not ln.startswith("#")]


@lru_cache(maxsize=1)
def hand_lexicon() -> dict[str, str]:
    """Cue lemma -> class (speech, write, belief, evidence, intent) from the hand lexicon."""
    lex: dict[str, str] = {}
    for line in _read_lines("cue_verbs.txt"):
        lemma, _, cls = line.partition("\t")
        lex[lemma.strip()] = cls.strip() or "speech"
    return lex


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, str]:
    """The hand lexicon extended with the trained lemmas (class "learned")."""
    lex = dict(hand_lexicon())
    for lemma, prob in learned_lemmas().items():
        if prob >= MIN_LEARNED_PROB:
            lex.setdefault(lemma, "learned")
    return lex


@lru_cache(maxsize=1)
def learned_lemmas() -> dict[str, float]:
    """Per-lemma cue probability from ``models/quotes/cue_lemmas.json`` (empty if absent)."""
    try:
        data = json.loads((MODELS / "cue_lemmas.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        lemma: float(v["p"])
        for lemma, v in data.get("lemmas", {}).items()
        if int(v.get("n", 0)) >= MIN_LEARNED_COUNT
    }


@lru_cache(maxsize=1)
def learned_nouns() -> frozenset[str]:
    """Noun lemmas seen as gold cues in training ("claim", "criticism", "attack"): the only
    nouns the classifier scores (keeps the per-token cost of nouns small)."""
    try:
        data = json.loads((MODELS / "cue_lemmas.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(
        lemma for lemma, v in data.get("nouns", {}).items() if float(v["p"]) >= MIN_NOUN_PROB
    )


@lru_cache(maxsize=1)
def learned_adjectives() -> frozenset[str]:
    """Adjective lemmas seen as gold cues in training ("nervous that", "sure", "critical of")."""
    try:
        data = json.loads((MODELS / "cue_lemmas.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(
        lemma
        for lemma, v in data.get("adjectives", {}).items()
        if float(v["p"]) >= MIN_NOUN_PROB and int(v["k"]) >= MIN_ADJECTIVE_CUES
    )


@lru_cache(maxsize=1)
def channel_nouns() -> frozenset[str]:
    """Lemmas of nouns that name a channel ("statement", "interview", "Facebook")."""
    return frozenset(_read_lines("channel_nouns.txt"))


@dataclass(frozen=True)
class CueModel:
    """Logistic-regression cue classifier stored as sparse feature weights (JSON, no pickle)."""

    weights: dict[str, float]
    intercept: float
    threshold: float

    def prob(self, features: list[str]) -> float:
        z = self.intercept + sum(map(self.weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@lru_cache(maxsize=1)
def cue_model() -> CueModel | None:
    """The trained classifier from ``models/quotes/cue_classifier.json``, or None."""
    try:
        data = json.loads((MODELS / "cue_classifier.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return CueModel(
        {k: float(v) for k, v in data["weights"].items()},
        float(data["intercept"]),
        float(data.get("threshold", 0.5)),
    )


QUOTED_SENTENCE = 1
FIRST_SENTENCE = 2


def quoted_sentences(doc: Doc, regions: RegionIndex) -> bytearray:
    """Per token, computed once per Doc: bit ``QUOTED_SENTENCE`` when its sentence overlaps a
    quoted region, bit ``FIRST_SENTENCE`` in the first sentence (the headline)."""
    marks = bytearray(len(doc))
    for k, sent in enumerate(doc.sents):
        flag = QUOTED_SENTENCE if regions.overlapping(sent.start_char, sent.end_char) else 0
        flag |= FIRST_SENTENCE if k == 0 else 0
        if flag:
            marks[sent.start : sent.end] = bytes([flag]) * (sent.end - sent.start)
    return marks


def cue_features(tok: Token, regions: RegionIndex, quoted: bytearray | None = None) -> list[str]:
    """Sparse features of a candidate cue (shared by training and inference); ``quoted`` is
    :func:`quoted_sentences` of the Doc when the caller scores many tokens."""
    # Token attributes are read once each: every read builds a Python object (hot loop).
    pos, dep, tag = tok.pos_, tok.dep_, tok.tag_
    head = tok.head
    lemma = tok.lemma_.lower()
    if pos != "VERB":
        lemma = f"{pos}:{lemma}"  # "claim" the noun is not "claim" the verb
    ll = f"l={lemma}"
    feats = [ll, f"dep={dep}", f"tag={tag}", f"hd={head.lemma_.lower()}"]
    if pos != "VERB":
        feats.append(f"pos={pos}|dep={dep}")
    deps = set()
    i = tok.i
    for c in tok.children:
        c_dep = c.dep_
        key = f"{c_dep}:{c.lower_}" if c_dep == "prep" else c_dep
        deps.add(key)
        if c_dep in ("nsubj", "nsubjpass"):
            c_pos = c.pos_
            feats.append(f"subj={c_pos}")
            feats.append(f"{ll}|subj={c_pos}")
            feats.append(f"subjl={c.lemma_.lower()}")
            # "Trump supports X" is a stance, "the plant supports X" is not: who holds it.
            feats.append(f"{ll}|sk={_kind(c)}")
            if c.ent_type_:
                feats.append(f"subjent={c.ent_type_}")
        elif c_dep in ("dobj", "ccomp", "xcomp") and c.i > i:
            # "respond to a request", "that"-clauses, "vowed to …"
            feats.append(f"{c_dep}l={c.lemma_.lower()}")
            feats.append(f"{c_dep}first={c.left_edge.lower_}")
            if c_dep == "dobj":
                kind = _kind(c)
                feats.append(f"ok={kind}")
                feats.append(f"{ll}|ok={kind}")
        elif c_dep == "prep":
            feats.append(f"{ll}|p={c.lower_}")  # "attacks on", "sick of", "backed by"
    feats.append(f"hdep={head.dep_}")
    feats.append(f"{ll}|hp={head.pos_}")
    for d in deps:
        feats.append(f"c={d}")
    comp = (
        "ccomp"
        if "ccomp" in deps
        else "xcomp"
        if "xcomp" in deps
        else "dobj"
        if "dobj" in deps
        else "none"
    )
    feats.append(f"{ll}|{comp}")
    feats.append(f"{ll}|dep={dep}")
    idx = tok.idx
    if regions.containing(idx) is not None:
        feats.append("inq")
    left_edge, right_edge = tok.left_edge, tok.right_edge
    left, right = left_edge.idx, right_edge.idx + len(right_edge)
    if regions.containing(max(left - 2, 0)) is not None:
        feats.append("q_before")
    if regions.overlapping(right, right + 3):
        feats.append("q_after")
    doc = tok.doc
    if _before_colon(doc, tok):
        feats.append("colon")
    prev = doc[i - 1].lower_ if i > 0 else "<s>"
    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else "</s>"
    feats.append(f"prev={prev}")
    feats.append(f"next={nxt}")
    feats.append(f"{ll}|next={nxt}")
    feats.append(f"{ll}|tag={tag}")
    if quoted is None:
        quoted = quoted_sentences(doc, regions)
    if quoted[i] & QUOTED_SENTENCE:
        feats.append("sq")
        feats.append(f"{ll}|sq")
    if quoted[i] & FIRST_SENTENCE:
        feats.append("firstsent")  # the headline: "Trump Slams …"
    return feats


PERSONAL_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you"})


def _kind(tok: Token) -> str:
    """Coarse kind of a subject/object: a personal pronoun, its entity type, else its POS."""
    if tok.lower_ in PERSONAL_PRONOUNS:
        return "PRON"
    return tok.ent_type_ or tok.pos_


def find_cues(
    doc: Doc, regions: RegionIndex | None = None, text: str | None = None
) -> list[Attribution]:
    """Candidate cues in text order (one pass over the tokens); ``text`` is ``doc.text`` when
    the caller has it."""
    lex = cue_lexicon()
    learned = learned_lemmas()
    nouns = learned_nouns()
    adjectives = learned_adjectives()
    model = cue_model() if regions is not None else None
    quoted = quoted_sentences(doc, regions) if regions is not None else bytearray(len(doc))
    out: list[Attribution] = []
    text = doc_text(doc) if text is None else text
    turns = find_turns(doc, text)
    for k, colon in enumerate(turns):
        bound = None
        if k + 1 < len(turns):
            found = turn_source(text, turns[k + 1])
            bound = found[0][0] if found is not None else None
        out.append(Attribution(colon, _cue_span(colon), ":", "turn", bound=bound))
    scanned = token_indices(doc, ("NOUN", "ADJ", "VERB"), SCANNED_WORDS)
    for i in scanned:
        tok = doc[i]
        lower, pos = tok.lower_, tok.pos_
        if lower == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            end = doc[tok.i + 1].idx + len(doc[tok.i + 1])
            out.append(Attribution(tok, (tok.idx, end), "according to", "speech", according=True))
            continue
        if lower == "in" and _is_poll_frame(tok):
            out.append(Attribution(tok, _cue_span(tok), "in", "poll"))
            continue
        if lower in EVIDENTIAL_ADVERBS and tok.dep_ == "advmod":
            out.append(Attribution(tok, _cue_span(tok), lower, "adverb"))
            continue
        if pos not in ("NOUN", "ADJ", "VERB"):
            continue
        if pos == "NOUN":
            lemma = tok.lemma_.lower()
            if lemma in NOUN_CUES and _has_that_clause(tok):
                out.append(Attribution(tok, _cue_span(tok), lemma, "noun"))
            elif (
                model is not None
                and regions is not None
                and lemma in nouns
                and not (tok.dep_ == "pobj" and lemma in channel_nouns())  # "in a statement"
            ):
                prob = model.prob(cue_features(tok, regions, quoted))
                if prob >= model.threshold + NOUN_MARGIN:
                    out.append(Attribution(tok, _cue_span(tok), lemma, "noun", prob=prob))
            continue
        if pos == "ADJ":
            # "are nervous that …", "critical of …": a stance held by the subject.
            lemma = tok.lemma_.lower()
            if model is not None and regions is not None and lemma in adjectives:
                prob = model.prob(cue_features(tok, regions, quoted))
                if prob >= model.threshold + NOUN_MARGIN:
                    out.append(Attribution(tok, _cue_span(tok), lemma, "adj", prob=prob))
            continue
        lemma = tok.lemma_.lower()
        if model is not None and regions is not None:
            feats = cue_features(tok, regions, quoted)
            prob = model.prob(feats)
            if prob < model.threshold:
                if "colon" in feats:
                    prob = 1.0  # "She went on:" introduces what follows
                elif lemma in lex and _relayed(tok):
                    # PolNeAR credits "X said …, according to Reuters" to the relay; this
                    # record keeps X as the source and Reuters as ``via``.
                    prob = 1.0
                else:
                    continue
            known = lex.get(lemma, "learned")
            # "model": the classifier alone vouches for it (no hand-lexicon class).
            out.append(
                Attribution(
                    tok, _cue_span(tok), lemma, known if known != "learned" else "model", prob=prob
                )
            )
            continue
        cls = lex.get(lemma)
        if cls is None and _before_colon(doc, tok):
            cls = "speech"  # "Jared Potts echoed:" introduces what follows
        if cls is None:
            continue
        # A trained model that has seen this lemma often and rarely as a cue vetoes it.
        if lemma in learned and learned[lemma] < MIN_LEARNED_PROB / 3:
            continue
        out.append(Attribution(tok, _cue_span(tok), lemma, cls))
    return out


def _relayed(tok: Token) -> bool:
    """The verb carries an "according to X" relay phrase."""
    return any(c.lower_ == "according" for c in tok.children)


def _is_poll_frame(tok: Token) -> bool:
    """ "In a CNN poll, 38 percent said …": PolNeAR's cue is "In", its source the poll. Only
    when the phrase comes before the clause it frames (or opens the sentence)."""
    if tok.dep_ != "prep" or tok.head.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "pobj" and c.lemma_.lower() in POLL_NOUNS for c in tok.children):
        return False
    return tok.i < tok.head.i or tok.i == tok.sent.start


def _has_that_clause(noun: Token) -> bool:
    return any(
        c.dep_ in ("acl", "ccomp") and c.left_edge.lower_ == "that" and c.i > noun.i
        for c in noun.children
    )


def _cue_span(tok: Token) -> tuple[int, int]:
    """The cue verb with its particle ("point out") and the auxiliaries, negation and
    "also"-type adverbs right before it ("has also said", "did not say", "is expected")."""
    end = tok.idx + len(tok)
    for child in tok.children:
        if child.dep_ == "prt" and child.i == tok.i + 1:  # "point out"
            end = child.idx + len(child)
    left = {c.i for c in tok.children if c.i < tok.i and _is_cue_modifier(c)}
    first = tok.i
    while first - 1 in left:
        first -= 1
    return tok.doc[first].idx, end


CUE_ADVERBS = frozenset(
    {
        "also", "previously", "later", "repeatedly", "publicly", "again", "never", "just",
        "already", "often", "once", "recently", "even", "still",
    }
)  # fmt: skip


def _is_cue_modifier(tok: Token) -> bool:
    return tok.dep_ in ("aux", "auxpass", "neg") or (
        tok.dep_ == "advmod" and tok.lower_ in CUE_ADVERBS
    )


def _before_colon(doc: Doc, tok: Token) -> bool:
    """The verb is directly followed by a colon (optionally after a short object)."""
    last = min(tok.i + 4, len(doc) - 1)  # the loop below stops at the fourth token
    if last <= tok.i or ":" not in doc_text(doc)[tok.idx : doc[last].idx + len(doc[last])]:
        return False  # most verbs: no colon in the text at all, no tokens to look at
    j = tok.i + 1
    while j < len(doc) and j <= tok.i + 3 and doc[j].text != ":":
        j += 1
    return j < len(doc) and doc[j].text == ":"
