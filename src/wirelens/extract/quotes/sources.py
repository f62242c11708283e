"""Stage 3: source — who or what the content is attributed to.

The source is the cue's nominal subject; for a cue without one ("…, adding that", "and asserted
that") the subject of the verb it hangs off; for "according to X" the object X; for "reports
suggesting" the noun the cue modifies; for "posted a statement that said" the poster.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from .cues import Attribution, channel_nouns
from .spans import Span, subtract, subtree_span, token_span, trim
from .turns import turn_source

SUBJECT_DEPS = ("nsubj",)
# Relations through which a cue inherits the subject of its head ("X said …, adding that …").
INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "acomp", "pcomp"})
# Raising verbs: their subject is what the content is about, not its source.
RAISING = frozenset({"seem", "appear"})
# Passive psych verbs whose subject holds the attitude ("X is convinced / worried that …").
HELD_PASSIVES = frozenset(
    {
        "convince", "worry", "concern", "disappoint", "surprise", "frustrate", "anger", "alarm",
        "encourage", "satisfy", "persuade", "shock", "upset", "thrill", "please", "impress",
        "irritate", "offend", "outrage", "dismay", "delight", "trouble", "disturb", "annoy",
        "stun", "relieve", "reassure", "interest", "divide", "split", "commit", "oppose",
        "determine", "prepare", "incline", "dedicate",
    }
)  # fmt: skip
# Entity types of a modifier that names who holds a noun cue ("Trump attacks", "GOP criticism").
NOUN_AGENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    return None


def _noun_phrase(tok: Token, exclude: Token | None = None) -> Span:
    """The phrase headed by ``tok`` (appositives and relative clauses included, as in PolNeAR)."""
    span = subtree_span(tok)
    if exclude is not None:
        pieces = subtract(span, subtree_span(exclude))
        span = pieces[0] if pieces else span
    return span


def find_source(text: str, att: Attribution) -> tuple[Span, Token] | None:
    """(source span, head token of the source phrase), or None."""
    found = _find_source(text, att)
    if found is None:
        return None
    span = _clean(text, found[0], att.cue.idx)
    return (span, found[1]) if span[1] > span[0] else None


# "WASHINGTON (AP) — ", "LONDON (Reuters) - ": a dateline the parser folds into the subject.
_DATELINE = re.compile(r"[A-Z][A-Za-z .,]{0,40}\([A-Za-z]{2,10}\)\s*[—–-]+\s*")


def _clean(text: str, span: Span, cue_at: int) -> Span:
    """Cut a source to the cue's paragraph (the parser joins a headline or a time stamp line
    like "12:15 p.m." to the next sentence) and drop a leading dateline."""
    s, e = span
    if s < cue_at:
        s = max(s, text.rfind("\n", s, cue_at) + 1)
    else:
        nl = text.find("\n", s, e)
        e = e if nl < 0 else nl
    dateline = _DATELINE.match(text, s, e)
    if dateline is not None and dateline.end() < e:
        s = dateline.end()
    elif e < cue_at and text[e - 1] == ")":
        # The dateline alone was taken as the subject: the speaker is between it and the cue.
        after = _DATELINE.match(text, s, cue_at)
        if after is not None and 0 < len(text[after.end() : cue_at].split()) <= 8:
            s, e = after.end(), cue_at
    return trim(text, (s, e))


def _find_source(text: str, att: Attribution) -> tuple[Span, Token] | None:
    cue = att.cue
    if att.cue_class == "adverb":
        return None
    if att.cue_class == "turn":
        return turn_source(text, cue)
    if att.cue_class == "poll":
        pobj = next((c for c in cue.children if c.dep_ == "pobj"), None)
        return (trim(text, _noun_phrase(pobj)), pobj) if pobj is not None else None
    if att.according:
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        if to is None and cue.i + 1 < len(cue.doc):
            to = cue.doc[cue.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
        if pobj is None:
            return None
        return trim(text, _noun_phrase(pobj)), pobj
    if att.cue_class == "noun":
        return _noun_cue_source(text, cue)
    if att.cue_class == "adj" and cue.dep_ == "amod":
        head = cue.head  # "annoyed officials": the noun holds the stance
        return trim(text, _noun_phrase(head, exclude=cue)), head
    agent = _agent(cue)
    if agent is not None:
        return trim(text, _noun_phrase(agent)), agent  # "was reported by the Times"
    if att.lemma in HELD_PASSIVES:
        held = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
        if held is None and cue.dep_ == "acomp":
            held = _subject(cue.head)  # "X are not convinced": parsed as a complement of "are"
        if held is not None:
            return trim(text, _noun_phrase(held)), held  # "her advisers are not convinced that"
    if att.lemma in RAISING or any(c.dep_ in ("nsubjpass", "auxpass") for c in cue.children):
        return None  # "X seems to …", "X is expected to …": X is not the one attributing
    subj = _subject(cue)
    hops = 0
    node = cue
    # Inherit the head's subject through "and asserted", "…, noting", but not "Asked whether …".
    while subj is None and node.dep_ in INHERIT_DEPS and not _bare_participle(node) and hops < 3:
        # "without mentioning" (pcomp of a prep): climb past the preposition to its verb.
        node = node.head.head if node.dep_ == "pcomp" else node.head
        subj = _subject(node)
        hops += 1
    if subj is None:
        subj = _inverted_subject(cue)
    if subj is None and cue.dep_ in ("acl", "relcl") and cue.head.pos_ in ("NOUN", "PROPN"):
        # "reports suggesting …": the modified noun is the (non-speech) source.
        head = cue.head
        return trim(text, _noun_phrase(head, exclude=cue)), head
    if subj is None:
        return None
    if subj.lower_ in RELATIVE_PRONOUNS and cue.dep_ == "relcl":
        head = cue.head
        poster = _poster(head)
        if poster is not None:
            return trim(text, subtree_span(poster)), poster
        return token_span(subj), head
    return trim(text, _noun_phrase(subj)), subj


def _bare_participle(verb: Token) -> bool:
    """A past participle without a perfect auxiliary ("Asked whether …", "… , known for"): its
    head's subject is not its speaker. "… but has said that …" inherits like any conjunct."""
    return verb.tag_ == "VBN" and not any(
        c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children
    )


def _agent(verb: Token) -> Token | None:
    """The object of a passive verb's "by" agent ("was reported by the Times" -> Times)."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _noun_cue_source(text: str, noun: Token) -> tuple[Span, Token] | None:
    """ "his claim that", "the claim by X that", "X made the claim that"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return trim(text, subtree_span(child)), child
        if (
            child.dep_ in ("compound", "amod")
            and child.i < noun.i
            and child.ent_type_ in NOUN_AGENTS
        ):
            return trim(text, subtree_span(child)), child  # "Republican criticism"
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return trim(text, subtree_span(pobj)), pobj
    if noun.dep_ == "dobj":
        subj = _subject(noun.head)
        if subj is not None:
            return trim(text, subtree_span(subj)), subj
    return None


def _inverted_subject(cue: Token) -> Token | None:
    """ "…,” said the woman" / "tweeted another": the speaker parsed as the verb's object."""
    if cue.i == 0 or cue.doc[cue.i - 1].text not in (",", "”", '"', "’", "'"):
        return None
    for child in cue.children:
        if child.i > cue.i and child.dep_ in ("dobj", "attr", "npadvmod", "nsubj"):
            return child
    return None


def _poster(noun: Token) -> Token | None:
    """For "X posted a statement … that said", the subject X of the verb governing the channel."""
    if noun.lemma_.lower() not in channel_nouns() or noun.dep_ not in ("dobj", "pobj"):
        return None
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head
    return _subject(verb)
