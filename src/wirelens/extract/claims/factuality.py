"""Did the event of one predicate happen, according to the text? (status cues over its clause)

This is the claims extractor's status decision applied to a single predicate, which is how it is
measured on UDS "It Happened" (``wirelens.evaluate.claims.score_factuality``). The predicate's
status comes from the cues anchored on it or on its clause head (hedged, alleged, unconfirmed,
disputed, denied, unsupported, retracted); on top of the claim statuses a predicate is also
*non-factual* when it is negated ("did not go"), under a modal or future auxiliary ("will go"),
in a condition ("if he goes"), the complement of a desire or plan ("wants to go"), an imperative,
or a question.
"""

from __future__ import annotations

from spacy.tokens import Token

from .cues import clause_head, find_cues, negator
from .lexicon import load_lexicon

STATUS = {
    "hedge": "hedged",
    "alleged": "alleged",
    "unconfirmed": "unconfirmed",
    "dispute": "disputed",
    "denial": "denied",
    "unsupported": "unsupported",
    "retraction": "retracted",
}
# Statuses under which the text still presents the event as having happened.
FACTUAL_STATUSES = {"asserted", "alleged"}
_MODALS = {"will", "would", "should", "must", "can", "could", "may", "might", "shall", "'ll", "wo"}
_IRREALIS_HEADS = {
    "want", "plan", "hope", "try", "need", "intend", "expect", "wish", "going", "go", "decide",
    "aim", "seek", "promise", "threaten", "prepare", "refuse", "fail", "able", "ready", "like",
    "love", "prefer", "allow", "ask", "urge", "order", "recommend", "suggest", "would",
}  # fmt: skip


def predicate_status(pred: Token) -> tuple[str, list[str]]:
    """The claim status of ``pred``'s event and the reasons (cue words) behind it.

    The status is one of the claim statuses, or ``"negated"``/``"irrealis"`` for the two
    predicate-level readings that are not claim statuses.
    """
    lexicon = load_lexicon()
    reasons: list[str] = []
    head = clause_head(pred)
    anchors = {pred.i, head.i}
    sent = pred.sent
    for hit in find_cues(pred.doc, sent.start_char, sent.end_char, lexicon):
        if hit.anchor in anchors and hit.kind in STATUS:
            reasons.append(hit.kind)
            return STATUS[hit.kind], reasons
    if negator(pred, lexicon) is not None or (head is not pred and negator(head, lexicon)):
        return "negated", ["negation"]
    for token in (pred, head):
        for child in token.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _MODALS:
                return "irrealis", [child.lower_]
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return "irrealis", [child.lower_]
    if pred.dep_ in ("xcomp", "ccomp") and pred.head.lemma_.lower() in _IRREALIS_HEADS:
        return "irrealis", [pred.head.lemma_.lower()]
    if (
        pred.dep_ == "ROOT"
        and pred.tag_ == "VB"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in pred.children)
    ):
        return "irrealis", ["imperative"]
    if head.dep_ == "ROOT" and sent.text.rstrip().endswith("?"):
        return "irrealis", ["question"]
    return "asserted", reasons


def happened(pred: Token) -> bool:
    """True when the text presents ``pred``'s event as having happened (or happening)."""
    return predicate_status(pred)[0] in FACTUAL_STATUSES
