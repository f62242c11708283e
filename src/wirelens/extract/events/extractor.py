"""``extract_events``: PLOVER/CAMEO events from the parse and the earlier records.

Two sources of candidates, both read from the one parse:

1. **trigger events**: a verb (or one of a few event nouns: "build-up", "withdrawal") listed in
   ``triggers.tsv``, with its subject as actor and an actor in its object or prepositional phrases
   as target ("Scholz met Putin", "Russia ... will pull out some troops");
2. **speech acts**: a quote (from ``analysis.quotes``) whose content names another actor in a
   sentence with an accusing word: an accusation of that actor (ACCUSE: "Lukashenko told Russian
   media the United States and the West try to 'spark a conflict'"), or a warning of
   consequences when the sentence speaks of a response (THREATEN: "Biden reiterated that the
   United States would respond swiftly and decisively to any further Russian aggression"), or
   the act the cue names itself ("rejected" REJECT, "expressed gratitude" SUPPORT). Partners and
   victims named in the accusing words are not targets ("aggression against Ukraine").

The type comes from the logistic classifier (:mod:`.classifier`), with the trigger table as a
prior; RETREAT (not a PLV label) and embassy relocations are assigned by the table alone, and
:mod:`.senses` reads which sense an ambiguous trigger word has (a question is no demand, calling
someone names is an accusation, releasing a video frees no one).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ...model import Analysis, Event, EventParticipant, Quote, TextSpan
from ..doctext import doc_text, token_indices
from ..spanindex import SpanIndex
from . import attributes
from .classifier import Features, load_default
from .features import hyphen_start, lookup_trigger, pair_features, token_span
from .lexicon import Trigger, code_for, type_info
from .participants import Mentions, participants
from .senses import NO_ACT, pair_sense, word_sense

# event nouns that may head an event without a verb
NOMINAL_TRIGGERS = {
    "build-up",
    "buildup",
    "withdrawal",
    "pullback",
    "pullout",
    "invasion",
    "attack",
    "talk",
    "meeting",
    "summit",
    "ceasefire",
    "relocation",
    "deployment",
}
# types the table fixes on its own (PLV has no RETREAT; an embassy move is a SANCTION 'withdraw')
RULE_TYPES = {"RETREAT"}
# Triggers that name their type whatever the context: PLV has 16 MOBILIZE pairs, too few for the
# classifier ("Russia's military build-up on Ukraine's borders" came out AID).
# "sanction" too: "will also sanction Dmitry Peskov" came out THREATEN from the modal (a condition
# is the record's modality, as "if Russia invades" is an ASSAULT that is hypothetical).
FIXED_TRIGGERS = {"build-up", "buildup", "sanction"}
# The extractor's candidates are trigger-table hits written for news triggers ("build-up",
# "met"), so the table's type gets at least this prior here, whatever the model's own prior
# (chosen on PLV pairs, where the trigger is found differently; see EventModel.decide).
TABLE_PRIOR = 0.5
# a party's words that name another party with one of these words accuse it (ACCUSE, CAMEO 112);
# PLV has too few such speech acts for the classifier to learn them
ACCUSING_WORDS = {
    "propaganda",
    "false",
    "hysterical",
    "hysteria",
    "spark",
    "provoke",
    "provocation",
    "lie",
    "aggression",
    "aggressive",
    "humiliate",
    "blame",
    "accuse",
    "hostile",
    "conflict",
    "disinformation",
    "fake",
}
# ...and with one of these words too, the party's words warn of consequences (THREATEN, CAMEO 13)
THREATENING_WORDS = {
    "respond",
    "response",
    "consequence",
    "cost",
    "retaliate",
    "retaliation",
    "punish",
    "punishment",
}
# what an accusing word is aimed at: "aggression against Ukraine", "provocations on Donbas"
_VICTIM_PREPS = {"against", "on", "toward", "towards", "at"}
# verbal acts a speech cue can name itself (a cue that names a talk is no speech act at all)
_CUE_TYPES = {"AGREE", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
# "expressed gratitude / appreciation / support for ...": praise (SUPPORT, CAMEO 051)
_THANKS = {"gratitude", "appreciation", "thanks", "thank", "support", "solidarity", "condolence"}
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
# speech cues that report a conversation: what was talked about is no accusation by the speaker
_TALK_LEMMAS = {"discuss", "talk", "speak", "meet", "confer", "chat", "converse"}
# cues of news reporting: what a report says is the reporter's record, not its accusation
_REPORTING_LEMMAS = {"report"}
# entity types of a word in front of a noun trigger that names who acts ("a Russian invasion")
_ACTOR_ENTITIES = {"NORP", "GPE", "ORG"}
# noun triggers whose "of" phrase is what is acted on ("the invasion of Ukraine")
_PATIENT_OF_TYPES = {"ASSAULT"}
_TARGET_PREPS = {
    "with",
    "against",
    "on",
    "to",
    "from",
    "toward",
    "towards",
    "near",
    "into",
    "at",
    "of",
}


@dataclass
class _Candidate:
    trigger: Token
    entry: Trigger | None
    actor: EventParticipant
    target: EventParticipant | None
    quote: Quote | None
    speech: str | None = None  # a speech act's type (ACCUSE, THREATEN); None for trigger events
    sense: str | None = None  # the type the trigger word's sense names ("called X 'unhinged'")
    target_person: bool = False


def _subject(tok: Token, of_is_patient: bool = False) -> Token | None:
    """Who did ``tok``: its subject, agent, or the subject of the verb it extends.

    For a noun: its possessor ("Russia's build-up"), a "by" agent, a country or group named in
    front ("a Russian invasion"), else an "of" phrase ("the withdrawal of troops") unless
    ``of_is_patient`` ("the invasion of Ukraine": Ukraine is the target, not who acts).
    """
    for _ in range(3):
        if tok.pos_ == "NOUN":
            by_of: dict[str, Token] = {}
            for child in tok.children:
                if child.dep_ == "poss":
                    return child
                if child.dep_ == "prep" and child.lower_ in {"by", "of"}:
                    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        by_of.setdefault(child.lower_, pobj)
            if "by" in by_of:
                return by_of["by"]
            front = next(
                (
                    c
                    for c in tok.lefts
                    if c.dep_ in {"amod", "compound"} and c.ent_type_ in _ACTOR_ENTITIES
                ),
                None,
            )
            if front is not None:
                return front
            return None if of_is_patient else by_of.get("of")
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "csubj"}), None)
        if subj is not None:
            return subj
        if tok.dep_ in {"xcomp", "conj", "advcl"} and tok.head.i != tok.i:
            tok = tok.head
            continue
        return None
    return None


def _target_tokens(tok: Token, actor_tok: Token | None) -> list[Token]:
    """Nouns in the trigger's object and prepositional phrases, nearest first."""
    out: list[Token] = []
    for child in tok.children:
        if child.dep_ in {"dobj", "dative", "nsubjpass", "attr"}:
            out.append(child)
            # "discussed the situation with Macron": the parser hangs the partner on the object
            out.extend(_with_objects(child) if child.dep_ == "dobj" else ())
        elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS:
            # the object of the preposition, or of a preposition right under it ("from near X")
            for t in child.children:
                if t.dep_ == "pobj":
                    out.append(t)
                elif t.dep_ in {"pcomp", "prep"}:
                    out.extend(g for g in t.children if g.dep_ == "pobj")
    return [t for t in out if actor_tok is None or t.i != actor_tok.i]


def _with_objects(noun: Token) -> list[Token]:
    """The objects of a "with" phrase attached to ``noun``."""
    return [
        pobj
        for prep in noun.children
        if prep.dep_ == "prep" and prep.lower_ == "with"
        for pobj in prep.children
        if pobj.dep_ == "pobj"
    ]


def _nominal(tok: Token) -> str:
    first = hyphen_start(tok)
    return tok.doc[first.i : tok.i + 1].text.lower() if first else tok.lemma_.lower()


def _trigger_candidates(doc: Doc, analysis: Analysis, mentions: Mentions) -> list[_Candidate]:
    out: list[_Candidate] = []
    contents = attributes.quote_contents(analysis.quotes)
    for i in token_indices(doc, ("VERB", "NOUN")):
        tok = doc[i]
        if tok.pos_ != "VERB" and not (tok.pos_ == "NOUN" and _nominal(tok) in NOMINAL_TRIGGERS):
            continue
        entry = lookup_trigger(tok)
        if entry is None:
            continue
        quote = attributes.containing_quote(contents, tok.idx, tok.idx + len(tok))
        subj = _subject(tok, tok.pos_ == "NOUN" and entry.type in _PATIENT_OF_TYPES)
        if subj is None:
            continue
        actors = participants(doc, subj, mentions, quote)
        if not actors and tok.pos_ == "NOUN" and subj.pos_ == "NOUN":
            # "a build-up of some 130,000 Russian troops": look one phrase down
            actors = next(
                (ps for t in subj.subtree if (ps := participants(doc, t, mentions, quote))), []
            )
        targets: list[EventParticipant] = []
        target_tok: Token | None = None
        for t in _target_tokens(tok, subj):
            targets = [p for p in participants(doc, t, mentions, quote)]
            if targets:
                target_tok = t
                break
        sense = word_sense(tok, target_tok)
        if sense == NO_ACT:
            continue  # "asked whether ...", "released a video", "fighting for second place"
        for actor in actors:
            pair_targets: list[EventParticipant | None] = [
                t for t in targets if t.actor_id != actor.actor_id
            ] or [None]
            for target in pair_targets:
                person = _is_person(analysis, target)
                out.append(
                    _Candidate(tok, entry, actor, target, quote, sense=sense, target_person=person)
                )
    return out


def _is_person(analysis: Analysis, p: EventParticipant | None) -> bool:
    actor = analysis.actor(p.actor_id) if p is not None and p.actor_id else None
    return actor is not None and actor.kind == "person"


def _speech_candidates(
    doc: Doc, analysis: Analysis, mentions: Mentions, taken: set[int]
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for quote in analysis.quotes:
        if quote.source is None or quote.cue is None or quote.source.actor_id is None:
            continue
        cue = token_span(doc, quote.cue.start, quote.cue.end).root
        if cue.i in taken:  # the "cue" is an act we already coded ("shut down its embassy")
            continue
        if cue.lemma_.lower() in _TALK_LEMMAS or any(
            c.dep_ == "prep" and c.lower_ == "with" for c in cue.children
        ):
            continue  # a talk ("spoke with Zelenskyy about ... aggression"), not an accusation
        if cue.lemma_.lower() in _REPORTING_LEMMAS:
            continue  # "CNN reported that ...": news reporting is no act of the outlet's
        speaker = analysis.actor(quote.source.actor_id)
        source = EventParticipant(
            text=quote.source.text,
            start=quote.source.start,
            end=quote.source.end,
            actor_id=speaker.id if speaker else None,
            country=speaker.country if speaker else None,
            sector=speaker.sector if speaker else None,
        )
        accusing = _accusing_sentences(doc, quote.content.spans)
        if not accusing:
            continue
        cue_act = _cue_act(cue)
        seen: set[str] = set()
        for s, e, actor in mentions.inside(accusing):
            if actor.id in seen or actor.id == source.actor_id:
                continue
            if speaker is not None and actor.country and actor.country == speaker.country:
                continue  # a speaker's own side is not the target of its words
            named = token_span(doc, s, e).root
            if cue_act is not None and _accused(named):
                continue  # thanks for "support ... if Russia's aggression escalates": not Russia
            if cue_act is None and _partner_or_victim(named):
                continue  # "coordinating with the US", "aggression against Ukraine": not accused
            seen.add(actor.id)
            target = EventParticipant(
                text=doc_text(doc)[s:e],
                start=s,
                end=e,
                actor_id=actor.id,
                country=actor.country,
                sector=actor.sector,
            )
            if cue_act is not None:
                act, entry = cue_act
            else:
                part = next(p for p in accusing if p[0] <= s and e <= p[1])
                warns = any(t.lemma_.lower() in THREATENING_WORDS for t in token_span(doc, *part))
                act, entry = ("THREATEN" if warns else "ACCUSE"), None
            out.append(_Candidate(cue, entry, source, target, None, speech=act))
    return out


def _cue_act(cue: Token) -> tuple[str, Trigger | None] | None:
    """The speech act a cue names itself, if any: a verbal act in the trigger table ("rejected",
    "asked", "warned") or thanks ("expressed gratitude for"); else None (the words decide)."""
    entry = lookup_trigger(cue)
    if entry is not None and entry.type in _CUE_TYPES:
        return entry.type, entry
    if any(c.dep_ == "dobj" and c.lemma_.lower() in _THANKS for c in cue.children):
        return "SUPPORT", None
    return None


def _partner_or_victim(tok: Token) -> bool:
    """Whether ``tok`` is named as a partner ("in lock-step with its Allies") or as what an
    accusing word is aimed at ("aggression against Ukraine"), not as who is accused."""
    prep = tok.head if tok.dep_ == "pobj" else None
    if prep is None and tok.dep_ == "conj":  # "with the United States and the G-7"
        first = tok.head
        while first.dep_ == "conj":
            first = first.head
        prep = first.head if first.dep_ == "pobj" else None
    if prep is None:
        return False
    if prep.lower_ in {"with", "alongside"}:
        return True
    return prep.lower_ in _VICTIM_PREPS and prep.head.lemma_.lower() in ACCUSING_WORDS


def _accused(tok: Token) -> bool:
    """Whether ``tok`` is under an accusing word ("Russia's aggression", "provocations by Kyiv")."""
    return any(a.lemma_.lower() in ACCUSING_WORDS for a in tok.ancestors)


def _accusing_sentences(doc: Doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of a statement's content in a sentence with an accusing word: its target is
    named there, not anywhere in a long statement (a transcript turn names a dozen parties)."""
    out: list[tuple[int, int]] = []
    for cs, ce in spans:
        for t in token_span(doc, cs, ce):
            if t.lemma_.lower() in ACCUSING_WORDS:
                sent = t.sent
                part = (max(cs, sent.start_char), min(ce, sent.end_char))
                if part not in out:
                    out.append(part)
    return out


def _span(doc: Doc, p: EventParticipant) -> Span:
    return token_span(doc, p.start, p.end)


def extract_events(doc: Doc, analysis: Analysis) -> None:
    """Append PLOVER/CAMEO events (ids E1, E2, ... in text order) to ``analysis.events``."""
    mentions = Mentions(analysis)
    cands = _trigger_candidates(doc, analysis, mentions)
    cands += _speech_candidates(doc, analysis, mentions, {c.trigger.i for c in cands})
    if not cands:
        return
    model = load_default()
    # only candidates whose type the table does not fix need the classifier
    need = [i for i, c in enumerate(cands) if not c.speech and not c.sense and not _fixed(c)]
    feats: list[Features] = []
    for i in need:
        c = cands[i]
        target = _span(doc, c.target) if c.target is not None else None
        feats.append(pair_features(doc, _span(doc, c.actor), target, c.trigger))
    scored = model.scores(feats) if feats else None
    probs: list[object] = [None] * len(cands)
    for row, i in enumerate(need):
        probs[i] = scored[row] if scored is not None else None
    events: list[Event] = []
    seen: set[tuple[int, int, int | None]] = set()
    dated = attributes.dated_index(analysis)
    for c, p in zip(cands, probs, strict=False):
        event_type, _prob = _decide(c, p, model.classes, max(TABLE_PRIOR, model.lexicon_prior))
        if event_type is None:
            continue
        key = (c.trigger.i, c.actor.start, c.target.start if c.target else None)
        if key in seen:
            continue
        seen.add(key)
        events.append(_event(doc, analysis, c, event_type, dated))
    events.sort(key=lambda ev: (ev.trigger.start, ev.actor.start))
    for n, ev in enumerate(events, len(analysis.events) + 1):
        ev.id = f"E{n}"
    analysis.events.extend(events)


def _fixed(c: _Candidate) -> bool:
    """Whether the trigger table alone fixes the type (RETREAT, a build-up, embassy moves)."""
    return c.entry is not None and (
        c.entry.type in RULE_TYPES
        or c.entry.key in FIXED_TRIGGERS
        or (c.entry.type == "SANCTION" and "embassy" in c.entry.key)
    )


def _decide(c: _Candidate, p: object, classes: list[str], prior: float) -> tuple[str | None, float]:
    """The candidate's type: speech acts, the trigger word's sense and table-fixed types, else the
    classifier's probabilities (``EventModel.scores``) with ``prior`` added to the table's type
    (an assault aimed at a person then read as words, :func:`.senses.pair_sense`)."""
    import numpy as np

    probs = np.array(p, dtype=float)
    if c.speech or c.sense:
        return c.speech or c.sense, 1.0
    assert c.entry is not None
    if _fixed(c):
        return c.entry.type, 1.0
    if c.entry.type in classes:
        probs[classes.index(c.entry.type)] += prior
    best = int(probs.argmax())
    event_type = pair_sense(c.trigger, classes[best], c.target_person) or classes[best]
    return event_type, float(probs[best])


def _event(
    doc: Doc, analysis: Analysis, c: _Candidate, event_type: str, dated: SpanIndex[str]
) -> Event:
    trig = c.trigger
    entry = c.entry if c.entry is not None and c.entry.type == event_type else None
    code = code_for(event_type, entry)
    mod = attributes.modality(trig, c.quote)
    spans = [_span(doc, c.actor)] + ([_span(doc, c.target)] if c.target else [])
    first = hyphen_start(trig)
    start = first.idx if first is not None else trig.idx
    end = trig.idx + len(trig)
    prt = next(
        (
            t
            for t in trig.children
            if t.dep_ in {"prt", "advmod"}
            and t.i == trig.i + 1
            and t.lower_ in {"out", "back", "down", "up", "off"}
        ),
        None,
    )
    if prt is not None:
        end = prt.idx + len(prt)
    return Event(
        id="",
        type=event_type,
        mode=entry.mode if entry else None,
        cameo=code.code,
        goldstein=code.goldstein,
        quad=type_info()[event_type].quad,
        actor=c.actor,
        target=c.target,
        trigger=TextSpan(text=doc_text(doc)[start:end], start=start, end=end),
        modality=mod,
        date=attributes.event_date(analysis, trig, c.quote, mod, dated),
        place_id=attributes.event_place(analysis, trig),
        origin_place_id=attributes.event_origin(analysis, trig),
        quantity=attributes.quantity(trig, spans),
    )
