"""Features of a (source, target) pair in a parsed sentence, for the event-type classifier.

Everything comes from the one parse: the trigger (lowest common head of source and target), the
dependency path, the words between, negation and modals, trigger-word knowledge from
``triggers.tsv``, and ``doc.tensor`` (the tok2vec output the parser already computed) averaged over
the trigger and the words between.
"""

from __future__ import annotations

import numpy as np
from spacy.tokens import Doc, Span, Token

from .lexicon import Trigger, triggers

# Dependents of a trigger that say what the act is ("held talks", "agreed to meet", "pull out").
_INFORMATIVE_DEPS = {"dobj", "xcomp", "ccomp", "prt", "attr", "acomp", "dative", "oprd", "advcl"}
_MODALS = {"will", "would", "could", "may", "might", "can", "should", "must", "shall"}
_REPORTING = {"say", "tell", "announce", "state", "add", "report", "claim", "note"}
MAX_BETWEEN = 15


def token_span(doc: Doc, start: int, end: int) -> Span:
    """The tokens covering the character span ``[start, end)``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no tokens at characters {start}-{end}")
    return span


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def lowest_common_head(a: Token, b: Token) -> Token:
    """The lowest token that dominates both ``a`` and ``b`` (``a``'s root when they share none)."""
    seen = {t.i for t in _ancestors(a)}
    for t in _ancestors(b):
        if t.i in seen:
            return t
    return _ancestors(a)[-1]


def find_trigger(source: Span, target: Span | None) -> Token:
    """The word that names the act linking ``source`` to ``target``.

    With a target, the lowest common head; without one, the governor of the source (the verb
    whose subject it is). Prepositions and nominal modifiers are skipped upwards.
    """
    if target is not None:
        trig = lowest_common_head(source.root, target.root)
        if trig.i in {source.root.i, target.root.i} and trig.head.i != trig.i:
            # one span governs the other ("Russia's build-up of troops"): the act is above or it
            trig = trig if trig.pos_ in {"VERB", "NOUN"} and trig not in source else trig.head
    else:
        trig = source.root
        while (
            trig.dep_ in {"compound", "amod", "poss", "conj", "appos", "nmod"} and trig.head != trig
        ):
            trig = trig.head
        trig = trig.head
    while trig.pos_ == "ADP" and trig.head.i != trig.i:
        trig = trig.head
    return trig


def _path(frm: Token, to: Token) -> list[Token]:
    """Tokens from ``frm`` up to (excluding) ``to`` when ``to`` dominates ``frm``."""
    out = []
    t = frm
    while t.i != to.i and t.head.i != t.i:
        out.append(t)
        t = t.head
    return out if t.i == to.i else []


def trigger_keys(trig: Token) -> list[str]:
    """Keys under which ``trig`` may appear in triggers.tsv, most specific first."""
    lemma = trig.lemma_.lower()
    keys = []
    first = hyphen_start(trig)
    if first is not None:  # "build-up" parses as build - up
        keys.append(trig.doc[first.i : trig.i + 1].text.lower())
    for child in trig.children:
        if child.dep_ == "prt" or (child.dep_ == "advmod" and child.lower_ in {"back", "out"}):
            keys.append(f"{lemma} {child.lemma_.lower()}")
        elif child.dep_ in {"dobj", "attr"}:
            obj = child
            if obj.pos_ == "PRON" and trig.dep_ == "conj":
                # "shut down its embassy ... and moved it": the object of the first verb
                obj = next((c for c in trig.head.children if c.dep_ == "dobj"), obj)
            keys.append(f"{lemma} {obj.lemma_.lower()}")
            keys.extend(f"{lemma} {c.lemma_.lower()}" for c in obj.children if c.dep_ == "compound")
        elif child.dep_ == "prep" and child.lemma_.lower() in {"on", "for"}:
            keys.append(f"{lemma} {child.lemma_.lower()}")
    keys.append(lemma)
    return keys


def hyphen_start(tok: Token) -> Token | None:
    """The first part of a hyphenated compound ending in ``tok`` ("build" in "build-up")."""
    i = tok.i
    doc = tok.doc
    if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].head.i == i and not doc[i - 1].whitespace_:
        return doc[i - 2]
    return None


def lookup_trigger(trig: Token) -> Trigger | None:
    """The triggers.tsv entry for ``trig`` (phrase entries before single lemmas)."""
    table = triggers()
    for key in trigger_keys(trig):
        if key in table:
            return table[key]
    return None


def pair_features(
    doc: Doc, source: Span, target: Span | None, trig: Token | None = None
) -> tuple[dict[str, float], np.ndarray]:
    """Sparse (name -> value) and dense (2 x tensor width) features of one source/target pair."""
    trig = trig if trig is not None else find_trigger(source, target)
    f: dict[str, float] = {}
    lemma = trig.lemma_.lower()
    f[f"t={lemma}"] = 1.0
    f[f"tpos={trig.pos_}"] = 1.0
    f[f"tdep={trig.dep_}"] = 1.0
    if target is None:
        f["no_target"] = 1.0
    # what the act is about: objects, complements, particles
    for child in trig.children:
        if child.dep_ in _INFORMATIVE_DEPS:
            f[f"c:{child.dep_}={child.lemma_.lower()}"] = 1.0
            f[f"c={child.lemma_.lower()}"] = 1.0
        elif child.dep_ == "prep":
            f[f"prep={child.lemma_.lower()}"] = 1.0
        elif child.dep_ == "neg":
            f["neg"] = 1.0
        elif child.dep_ in {"aux", "auxpass"} and child.lemma_.lower() in _MODALS:
            f[f"modal={child.lemma_.lower()}"] = 1.0
    if lemma in _REPORTING:
        f["reporting"] = 1.0
    # trigger-word knowledge, for the trigger, its complements and the words on the paths
    hit = lookup_trigger(trig)
    if hit is not None:
        f[f"lexT={hit.type}"] = 1.0
    for child in trig.children:
        if child.dep_ in {"xcomp", "ccomp", "dobj", "advcl", "conj"}:
            sub = lookup_trigger(child)
            if sub is not None:
                f[f"lexC={sub.type}"] = 1.0
    # the trigger's dependents two levels down ("sent a letter threatening to pull funding")
    inside = {t.i for t in source} | ({t.i for t in target} if target is not None else set())
    for child in trig.children:
        for tok in (child, *child.children):
            if tok.i in inside or tok.pos_ not in {"VERB", "NOUN", "ADJ"}:
                continue
            f[f"sub={tok.lemma_.lower()}"] = 1.0
            sub = lookup_trigger(tok)
            if sub is not None:
                f[f"lexD={sub.type}"] = 1.0
    f[f"shead={source.root.head.lemma_.lower()}"] = 1.0
    if target is not None:
        f[f"thead={target.root.head.lemma_.lower()}"] = 1.0
    paths = {"s": _path(source.root, trig)}
    if target is not None:
        paths["t"] = _path(target.root, trig)
    for side, path in paths.items():
        f[f"path{side}=" + "/".join(t.dep_ for t in path[-4:])] = 1.0
        for tok in path[1:]:
            f[f"pl={tok.lemma_.lower()}"] = 1.0
            sub = lookup_trigger(tok) if tok.pos_ in {"VERB", "NOUN"} else None
            if sub is not None:
                f[f"lexP={sub.type}"] = 1.0
    # the words between the two spans (or after the source when there is no target)
    if target is not None:
        lo, hi = sorted((source, target), key=lambda s: s.start)
        f["order=" + ("st" if lo is source else "ts")] = 1.0
        between = doc[lo.end : hi.start]
    else:
        between = doc[source.end : min(source.end + 8, source.sent.end)]
    between = between[:MAX_BETWEEN]
    for tok in between:
        if tok.is_alpha and not tok.is_stop:
            f[f"bw={tok.lemma_.lower()}"] = 1.0
            if tok.pos_ in {"VERB", "NOUN"}:
                sub = lookup_trigger(tok)
                if sub is not None:
                    f[f"lexB={sub.type}"] = 1.0
        if tok.dep_ == "neg":
            f["neg_between"] = 1.0
    return f, _dense(doc, trig, between)


def _dense(doc: Doc, trig: Token, between: Span) -> np.ndarray:
    tensor = doc.tensor
    width = tensor.shape[1] if tensor is not None and tensor.ndim == 2 else 0
    if width == 0:
        return np.zeros(0, dtype=np.float32)
    t_vec = tensor[trig.i]
    b_vec = tensor[between.start : between.end].mean(axis=0) if len(between) else t_vec
    return np.concatenate([t_vec, b_vec]).astype(np.float32)
