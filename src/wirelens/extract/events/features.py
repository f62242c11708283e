"""Features of a (source, target) pair in a parsed sentence, for the event-type classifier.

Everything comes from the one parse: the trigger (lowest common head of source and target), the
dependency path, the words between, negation and modals, trigger-word knowledge from
``triggers.tsv``, and ``doc.tensor`` (the tok2vec output the parser already computed) averaged over
the trigger and the words between.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from spacy.tokens import Doc, Span, Token

from ..doctext import doc_text
from .lexicon import Trigger, codebook_lexicon, triggers

# Dependents of a trigger that say what the act is ("held talks", "agreed to meet", "pull out").
_INFORMATIVE_DEPS = {"dobj", "xcomp", "ccomp", "prt", "attr", "acomp", "dative", "oprd", "advcl"}
_MODALS = {"will", "would", "could", "may", "might", "can", "should", "must", "shall"}
_REPORTING = {"say", "tell", "announce", "state", "add", "report", "claim", "note"}
# Words that report, announce or frame an act rather than name it ("said it would free", "is ready
# to contribute", "agreed to start talks"): the act is in their complement.
_FRAMING = _REPORTING | {
    "be", "have", "make", "take", "give", "hold", "launch", "issue", "express", "decide", "plan",
    "want", "begin", "start", "continue", "try", "seek", "vow", "pledge", "agree", "threaten",
    "promise", "refuse", "offer", "ready", "willing", "prepare", "come", "move", "step", "need",
    "able", "expect", "go", "intend", "would",
}  # fmt: skip
# Words between a framing word and the act that mark it as future/intended or negated.
_FUTURE = {
    "will", "would", "shall", "going", "plan", "ready", "willing", "prepare", "intend", "expect",
    "want", "offer", "promise", "pledge", "vow", "agree", "aim", "hope", "seek",
}  # fmt: skip
_NEGATING = {"not", "never", "no", "n't", "fail", "refuse", "decline", "reject"}
_ACT_DEPS = {"dobj", "xcomp", "ccomp", "prep", "attr", "acomp", "prt"}
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
    particle = phrase_particle(trig)
    if particle is not None:
        keys.append(f"{lemma} {particle}")
    keys.append(lemma)
    return keys


def phrase_particle(trig: Token) -> str | None:
    """'on' or 'for' right after the verb ("call on X to", "calling for the US to ..."), wherever
    the parse attached it; not any 'on' the verb governs ("called Macron on Sunday" is a call)."""
    after = trig.doc[trig.i + 1] if trig.i + 1 < len(trig.doc) else None
    return after.lower_ if after is not None and after.lower_ in {"on", "for"} else None


def hyphen_start(tok: Token) -> Token | None:
    """The first part of a hyphenated compound ending in ``tok`` ("build" in "build-up")."""
    i = tok.i
    doc = tok.doc
    if i < 2 or doc_text(doc)[tok.idx - 1] != "-":
        return None  # most tokens: decided from the text, without making Token objects
    if doc[i - 1].text == "-" and doc[i - 2].head.i == i and not doc[i - 1].whitespace_:
        return doc[i - 2]
    return None


@lru_cache(maxsize=1)
def _trigger_first_words() -> frozenset[str]:
    """The first word of every trigger key: every key a token yields starts with its lemma, so a
    lemma outside this set has no entry (unless it ends a hyphenated compound)."""
    return frozenset(key.split(" ")[0] for key in triggers())


def lookup_trigger(trig: Token) -> Trigger | None:
    """The triggers.tsv entry for ``trig`` (phrase entries before single lemmas)."""
    lemma = trig.lemma_.lower()
    if " " not in lemma and lemma not in _trigger_first_words() and hyphen_start(trig) is None:
        return None  # the common case, decided without building the keys
    table = triggers()
    for key in trigger_keys(trig):
        if key in table:
            return table[key]
    return None


def effective_trigger(trig: Token) -> Token:
    """The act a framing word reports: "said it would *free* prisoners", "ready to *contribute*"."""
    act = trig
    for _ in range(3):
        if act.lemma_.lower() not in _FRAMING:
            break
        nxt = next((c for c in act.children if c.dep_ in {"ccomp", "xcomp"}), None)
        if nxt is None:
            nxt = next(
                (
                    c
                    for c in act.children
                    if c.dep_ in {"acomp", "attr", "dobj"} and c.pos_ in {"ADJ", "NOUN"}
                ),
                None,
            )
        if nxt is None:
            break
        act = nxt
    return act


def _codebook(f: dict[str, float], name: str, lemma: str, role: str, weight: float = 1.0) -> None:
    """Add the codebook's type shares for ``lemma`` as ``name=TYPE`` features."""
    for event_type, share in codebook_lexicon()[role].get(lemma, {}).items():
        key = f"{name}={event_type}"
        f[key] = f.get(key, 0.0) + weight * share


def _mood(trig: Token, act: Token) -> list[str]:
    """``fut``/``neg`` when the act is only intended or denied ("will not lift"), else ``real``."""
    fut = neg = False
    for tok in {trig, act}:
        for c in tok.children:
            if c.dep_ in {"aux", "auxpass"} and c.lemma_.lower() in {"will", "shall", "would"}:
                fut = True
            neg = neg or c.dep_ == "neg"
    doc = trig.doc
    for tok in doc[min(trig.i, act.i) : max(trig.i, act.i) + 1]:
        if tok.i != act.i:
            fut = fut or tok.lemma_.lower() in _FUTURE
            neg = neg or tok.lemma_.lower() in _NEGATING
    neg = neg or trig.lemma_.lower() in {"fail", "refuse", "decline"}
    return (["fut"] if fut else []) + (["neg"] if neg else []) or ["real"]


def _act_features(f: dict[str, float], source: Span, trig: Token, act: Token) -> None:
    """The reported act, codebook knowledge, mood crossed with the act's type, sentence verbs."""
    lemma = trig.lemma_.lower()
    act_lemma = act.lemma_.lower()
    if act.i != trig.i:
        f[f"e={act_lemma}"] = 1.0
        for c in act.children:
            if c.dep_ in {"dobj", "prt", "attr"}:
                f[f"eo={act_lemma}_{c.lemma_.lower()}"] = 1.0
        hit = lookup_trigger(act)
        if hit is not None:
            f[f"lexE={hit.type}"] = 1.0
        if lemma in _FRAMING:
            f[f"tl={lemma}>{act_lemma}"] = 1.0
    _codebook(f, "cbT", lemma, "head")
    if act.i != trig.i:
        _codebook(f, "cbE", act_lemma, "head")
    for tok in {trig, act}:
        for c in tok.children:
            if c.dep_ in {"dobj", "attr", "xcomp", "ccomp", "prt"}:
                _codebook(f, "cbO", c.lemma_.lower(), "head")
                _codebook(f, "cbOa", c.lemma_.lower(), "word")
            elif c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        _codebook(f, "cbP", g.lemma_.lower(), "word")
    # the other verbs of the sentence, and their codebook types, weakly
    for tok in source.sent:
        if tok.pos_ in {"VERB", "NOUN"} and not source.start <= tok.i < source.end:
            _codebook(f, "cbS", tok.lemma_.lower(), "head", 0.3)
        if tok.pos_ == "VERB":
            f[f"v={tok.lemma_.lower()}"] = 1.0
    # future/negated acts change the type (PLOVER: a future CONSULT is AGREE, "will not" REJECT)
    types = set()
    for tok in {trig, act}:
        hit = lookup_trigger(tok)
        if hit is not None:
            types.add(hit.type)
        shares = codebook_lexicon()["head"].get(tok.lemma_.lower(), {})
        types.update(t for t, share in shares.items() if share >= 0.5)
    for tag in _mood(trig, act):
        f[f"mood={tag}"] = 1.0
        f[f"{tag}*{act_lemma}"] = 1.0
        for event_type in types:
            f[f"{tag}*{event_type}"] = 1.0


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
    act = effective_trigger(trig)
    _act_features(f, source, trig, act)
    return f, _dense(doc, trig, between, act, source, target)


def _dense(
    doc: Doc, trig: Token, between: Span, act: Token, source: Span, target: Span | None
) -> np.ndarray:
    """``doc.tensor`` of the trigger, the words between, the act, source, target, act dependents."""
    tensor = doc.tensor
    width = tensor.shape[1] if tensor is not None and tensor.ndim == 2 else 0
    if width == 0:
        return np.zeros(0, dtype=np.float32)
    zero = np.zeros(width, dtype=np.float32)
    t_vec = tensor[trig.i]
    b_vec = tensor[between.start : between.end].mean(axis=0) if len(between) else t_vec
    s_vec = tensor[source.start : source.end].mean(axis=0)
    o_vec = tensor[target.start : target.end].mean(axis=0) if target is not None else zero
    kids = [c.i for c in act.children if c.dep_ in _ACT_DEPS]
    k_vec = tensor[kids].mean(axis=0) if kids else zero
    return np.concatenate([t_vec, b_vec, tensor[act.i], s_vec, o_vec, k_vec]).astype(np.float32)
