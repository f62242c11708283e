"""Which sense of an ambiguous trigger word a sentence uses.

The trigger table lists a word under the act its political sense names: "ask" is a demand
(REQUEST), "call" a phone call (CONSULT), "release" freeing prisoners (RETREAT). News uses the same
words for other things, and the classifier, trained on pairs that are all events, always gives
a type. These rules read the word's own dependents, following the PLOVER definitions:

- no act at all: a question ("Muir asked Republicans a question", "asked whether"), a talk with
  no one to talk to ("he talked about Israel"), a memory ("McCain recalled"), seizing on
  something ("seized on the video"), giving or providing what is no aid
  ("gave you an answer", "provided an assessment"), help that names no one helped ("it will help
  prevent panic"), releasing what is not a person ("released a video"), returning to what is not
  a place ("returning to his campaign themes"), receiving what is not a visitor ("received 38
  percent"), demonstrating something ("demonstrate conservative purity"), sitting ("sits at
  10%"), fighting for or about something ("fighting for second place"), failing (what an actor
  failed to do is coded itself, negated), insisting that something is so ("insisted that he has
  expanded the party"), offering what is no help, talk or deal ("offered a prayer");
- another act: calling someone something is name-calling ("Jeb Bush called Trump 'unhinged'",
  ACCUSE, CAMEO 111) or praise ("a very intelligent man", SUPPORT), not a phone call; calling
  on someone to act, or for something, with no other party named, is a demand (REQUEST); an
  attack or fight aimed at a person is verbal ("Clinton attacked Trump, saying ...", ACCUSE),
  not an assault; support with aid or for programmes is aid (AID); denying someone something
  is a sanction ("deny Russia the benefits of its WTO membership"); welcoming someone to a
  place hosts a visit (CONSULT); rallying support is support, not a rally (SUPPORT).
"""

from __future__ import annotations

from spacy.tokens import Token

from .features import phrase_particle

NO_ACT = ""  # the word names no political act here

_WH = {"whether", "if", "how", "what", "why", "who", "whom", "when", "where", "which"}
# what a give/provide/deliver/contribute act hands over when it is aid (CAMEO 07)
_AID_NOUNS = {
    "aid", "assistance", "support", "help", "money", "fund", "funding", "dollar", "loan",
    "grant", "weapon", "arm", "equipment", "ammunition", "missile", "supply", "food", "medicine",
    "vaccine", "relief", "shelter", "training", "intelligence", "troop", "force", "package",
    "billion", "million", "budget", "gas", "oil", "energy", "system", "drone", "tank",
}  # fmt: skip
# who can be released (RETREAT 'release'): people held
_HELD = {
    "prisoner", "hostage", "detainee", "captive", "person", "people", "citizen", "journalist",
    "activist", "soldier", "sailor", "crew", "national", "civilian", "worker", "dissident",
}  # fmt: skip
# what support backs when it is aid rather than words (AID, CAMEO 07)
_PROGRAMMES = {
    "initiative", "program", "programme", "project", "team", "hub", "center", "centre",
    "facility", "infrastructure", "economy", "budget", "hospital", "school", "shelter",
}  # fmt: skip
_PLACE_ENTITIES = {"GPE", "LOC", "FAC"}
_PLACE_NOUNS = {"base", "home", "barrack", "border", "country", "territory", "garrison", "position"}
_PERSON_PRONOUNS = {"us", "him", "her", "me", "them", "you"}
# whom a recall brings home (SANCTION 'withdraw', CAMEO 161)
_ENVOYS = {"ambassador", "envoy", "diplomat", "representative", "delegation", "consul", "staff"}
# words of praise in what someone is called (SUPPORT, CAMEO 051) instead of name-calling
_PRAISE = {
    "hero", "champion", "friend", "great", "good", "best", "intelligent", "brilliant",
    "wonderful", "excellent", "remarkable", "honest", "smart", "fantastic", "terrific", "amazing",
    "patriot", "partner", "ally",
}  # fmt: skip
# "insist that it must ...": a demand; "insisted that he has ...": an assertion
_DEMANDING = {"must", "should", "ought", "need", "shall"}
# what an offer offers when it is an act toward others (AGREE: intent to cooperate, aid, meet)
_OFFERS = _AID_NOUNS | {
    "talk", "negotiation", "deal", "ceasefire", "truce", "proposal", "plan", "guarantee",
    "mediation", "compromise", "concession", "cooperation", "asylum", "exchange", "meeting",
}  # fmt: skip


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _preps(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ == "prep"}


def _objects(tok: Token) -> list[Token]:
    """The word's objects: its direct object, what it hands over "with" ("provided X with Y"), or
    the noun it describes ("the assistance provided by the United States")."""
    out = _children(tok, "dobj")
    for prep in _children(tok, "prep"):
        if prep.lower_ == "with":
            out += _children(prep, "pobj")
    if tok.dep_ in {"acl", "relcl"} or _children(tok, "auxpass"):
        out.append(tok.head)
    return out


def _is_question(tok: Token) -> bool:
    if any(c.lemma_.lower() == "question" for c in _children(tok, "dobj")):
        return True
    for clause in _children(tok, "ccomp", "advcl", "dobj"):
        first = next(iter(clause.subtree))
        if first.lower_ in _WH:
            return True
    sent = tok.sent
    before = tok.doc.text[max(0, sent.start_char - 3) : sent.start_char]
    return "?" in sent.text or "?" in before  # '"Why ...?" Obama asked Republicans.'


def _is_aid(obj: Token) -> bool:
    """Whether an object phrase names aid ("a record amount of security assistance", "$650
    million")."""
    return any(
        t.lemma_.lower() in _AID_NOUNS or t.ent_type_ in {"MONEY", "QUANTITY"} for t in obj.subtree
    )


def _supports_materially(trig: Token) -> bool:
    """Support that is aid: given "with" aid, or to programmes, teams, an economy."""
    given = [o for p in _children(trig, "prep") if p.lower_ == "with" for o in _children(p, "pobj")]
    if any(_is_aid(o) for o in given):
        return True
    backed = [t for o in _children(trig, "dobj") for t in (o, *o.conjuncts)]
    return any(t.lemma_.lower() in _PROGRAMMES for t in backed)


def _is_place(tok: Token) -> bool:
    words = {tok.lemma_.lower(), tok.lower_.removesuffix("s"), tok.lower_.removesuffix("es")}
    return tok.ent_type_ in _PLACE_ENTITIES or bool(words & _PLACE_NOUNS)


def word_sense(trig: Token, target: Token | None) -> str | None:
    """:data:`NO_ACT` when the trigger word names no political act here, a PLOVER type when it
    names another act than its table entry, or None (the table and the classifier decide).
    ``target`` is the word naming the pair's target, if any."""
    lemma = trig.lemma_.lower()
    has_target = target is not None
    if lemma == "ask":
        asks_for = _children(trig, "xcomp") or "for" in _preps(trig)
        return NO_ACT if not asks_for and _is_question(trig) else None
    if lemma == "call":
        named = _children(trig, "oprd")
        if named and (_children(trig, "dobj") or named[0].pos_ == "ADJ"):
            # "called Trump 'unhinged'": name-calling; "calling him 'a very intelligent man'"
            praise = any(t.lemma_.lower() in _PRAISE for n in named for t in n.subtree)
            return "SUPPORT" if praise else "ACCUSE"
        particle = phrase_particle(trig)
        if particle is not None:
            # a demand to its addressee ("called on Americans to leave"); toward a party the
            # demand is aimed at ("called for sanctions against Moscow") PLV codes ACCUSE
            addressed = target is None or (particle == "on" and target.head.i == trig.i + 1)
            return "REQUEST" if addressed else None
        return None
    if lemma == "support" and _supports_materially(trig):
        return "AID"  # "supporting the Ministry of Health with technical assistance"
    if lemma == "deny" and _children(trig, "dative"):
        return "SANCTION"  # "deny Russia the benefits of its WTO membership", not a denial
    if lemma == "welcome":
        places = [o for p in _children(trig, "prep") for o in _children(p, "pobj") if _is_place(o)]
        return "CONSULT" if places else None  # "welcomed Chancellor Scholz to Berlin": a visit
    if lemma == "rally" and any(c.lemma_.lower() == "support" for c in trig.children):
        return "SUPPORT"  # "Americans have rallied to support the Ukrainian people"
    if lemma in {"talk", "speak"} and trig.pos_ == "VERB":  # not "Russia-US talks"
        partner = _preps(trig) & {"with", "to"}
        plural = any(c.lower_ in {"we", "they"} for c in _children(trig, "nsubj"))
        return NO_ACT if not partner and not plural and not has_target else None
    if lemma == "recall":
        envoys = [o for o in _children(trig, "dobj") if o.lemma_.lower() in _ENVOYS]
        return None if envoys else NO_ACT  # "McCain recalled last week": memory, not an envoy
    if lemma == "seize" and _preps(trig) & {"on", "upon"}:
        return NO_ACT  # "seized on the video": made use of it
    if has_target or _children(trig, "prt"):
        return None  # below: what the word acts on when no actor is named (not "give up")
    if lemma == "insist":
        claims = [
            c for c in _children(trig, "ccomp")
            if not any(a.lower_ in _DEMANDING for a in _children(c, "aux"))
        ]  # fmt: skip
        return NO_ACT if claims and "on" not in _preps(trig) else None
    if lemma == "offer":
        offered = [o for o in _objects(trig) if o.lemma_.lower() in _OFFERS]
        to_others = _children(trig, "dative", "xcomp") or "to" in _preps(trig)
        return None if offered or to_others else NO_ACT
    if lemma in {"give", "provide", "deliver", "contribute"}:
        return None if any(_is_aid(o) for o in _objects(trig)) else NO_ACT
    if lemma == "help":
        helped = _children(trig, "dobj") or [
            c for c in _children(trig, "ccomp", "xcomp") if _children(c, "nsubj")
        ]  # "helping the Ukrainians acquire ...", not "help prevent panic"
        return None if helped else NO_ACT
    if lemma == "release":
        held = [o for o in _children(trig, "dobj") if o.lemma_.lower() in _HELD]
        return None if held or any(o.ent_type_ == "PERSON" for o in _objects(trig)) else NO_ACT
    if lemma == "return":
        to = [p for p in _children(trig, "prep") if p.lower_ == "to"]
        places = [o for p in to for o in _children(p, "pobj") if _is_place(o)]
        home = any(c.lower_ == "home" for c in trig.children)
        return None if places or home else NO_ACT
    if lemma == "receive":
        return None if any(o.ent_type_ == "PERSON" for o in _objects(trig)) else NO_ACT
    if lemma == "demonstrate":
        return NO_ACT if _children(trig, "dobj") else None
    if lemma == "sit":
        return None if any(c.lower_ == "in" for c in _children(trig, "prt")) else NO_ACT
    if lemma == "fight":
        causes = _preps(trig) & {"for", "about", "over"}
        return NO_ACT if causes and not _children(trig, "dobj") else None
    if lemma == "fail":
        return NO_ACT
    return None


def pair_sense(trig: Token, event_type: str, target_is_person: bool) -> str | None:
    """ACCUSE for an assault word aimed at a person ("Clinton attacked Trump", "attacks us"):
    in news a politician's attack on another is words, not violence; else None."""
    if event_type != "ASSAULT" or trig.lemma_.lower() not in {"attack", "fight"}:
        return None
    aimed_at_person = target_is_person or any(
        o.lower_ in _PERSON_PRONOUNS for o in _children(trig, "dobj")
    )
    return "ACCUSE" if aimed_at_person else None
