"""Linking a status statement to the claim it bears on, even across paragraphs.

A statement is a stretch of text that holds a cue bearing on another claim: NATO's "has yet to see
evidence of a de-escalation", the reporter's "No evidence was provided for the second claim", the
office's "he made the remarks sarcastically". Its target is chosen by:

- ordinal ("the second claim", "the latter"): the n-th of the coordinated attributions of the
  nearest earlier sentence that has attributions (same source);
- retraction: the nearest earlier claim of the same actor (or an actor named in the source, e.g.
  "his office"), preferring one on the same topic;
- dispute, denial, (un)confirmation: the claim of *another* actor that shares the most topic with
  the statement's clause (topic groups from ``topics.tsv``, shared content lemmas, a mention of the
  claim's source); ties go to the earliest claim, the one the story is about;
- "unsupported" without an ordinal: a claim in the same sentence, else the nearest earlier claim
  with a source;
- anaphora ("we have not yet verified that."): the nearest claim that ends before the cue, in the
  same or one of the two previous sentences, when it is another side's (:func:`anaphoric_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from ...model import Analysis
from .candidates import Draft
from .cues import CueHit
from .docindex import DocIndex
from .lexicon import Lexicon, topic_groups

# Lemmas too common in crisis news to show that two statements are about the same thing.
GENERIC = frozenset({
    "say", "be", "have", "do", "see", "evidence", "sign", "confirm", "claim", "statement",
    "make", "remark", "yet", "time", "side", "ground", "crisis", "day", "official", "tell",
})  # fmt: skip
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}


@dataclass
class Topic:
    """What a stretch of text is about: topic groups and content lemmas."""

    groups: set[str]
    lemmas: set[str]


@dataclass
class Statement:
    """Where a bearing cue was found, and who is speaking (None: the reporter)."""

    hit: CueHit
    speaker: str | None
    affiliation: frozenset[str]
    sentence: int
    about: tuple[int, int]  # character span of the cue's clause: the topic it speaks of
    topic: Topic
    quote_id: str | None = None
    # character span of the clause X the cue says is not established ("cannot be stated that X")
    proposition: tuple[int, int] | None = None
    anaphoric: bool = False  # the cue points back through a pronoun ("we have not verified that.")


def topic_of(
    doc: Doc, start: int, end: int, lexicon: Lexicon, index: DocIndex | None = None
) -> Topic:
    """Topic groups and content lemmas of characters ``[start, end)``.

    ``index`` (built with ``GENERIC``) supplies the content lemmas without visiting tokens.
    """
    if index is not None:
        found = index.token_range(start, end) if end > start else None
        if found is None or found[0] == found[1]:
            return Topic(topic_groups("", lexicon), set())
        first, last = found
        lemmas = {lemma for lemma in index.content[first:last] if lemma is not None}
        text = index.text[index.starts[first] : index.ends[last - 1]]
        return Topic(topic_groups(text, lexicon), lemmas)
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return Topic(topic_groups("", lexicon), set())
    lemmas = {
        t.lemma_.lower()
        for t in span
        if t.pos_ in _CONTENT_POS and not t.is_stop and t.lemma_.lower() not in GENERIC
    }
    return Topic(topic_groups(span.text, lexicon), lemmas)


def _score(
    statement: Statement,
    topic: Topic,
    draft: Draft,
    draft_topic: Topic,
    side_mentions: dict[str, list[tuple[int, int]]],
) -> float:
    shared_groups = len(topic.groups & draft_topic.groups)
    shared_lemmas = len(topic.lemmas & draft_topic.lemmas)
    if shared_groups == 0 and shared_lemmas < 2:
        return 0.0
    score = shared_groups + min(1.0, 0.5 * shared_lemmas)
    s, e = statement.about
    mentions = side_mentions.get(draft.source_actor_id or "", [])
    if any(s <= ms and me <= e for ms, me in mentions):
        score += 1.0  # "… from the Russian side", "the return of Russian troops": whose claim
    return score


def side_mentions(analysis: Analysis) -> dict[str, list[tuple[int, int]]]:
    """Actor id -> its mentions; a country's also include those of its sector groups ("the
    return of some Russian troops" names Russia, as it did before the troops were an actor)."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for actor in analysis.actors:
        if actor.kind == "group" and actor.country and actor.sector:
            groups.setdefault(actor.country, []).extend(actor.mentions)
    return {
        a.id: [*a.mentions, *groups.get(a.country or "", [])]
        if a.kind == "country"
        else list(a.mentions)
        for a in analysis.actors
    }


def actor_countries(analysis: Analysis) -> dict[str, str]:
    """Actor id -> country, for the actors that have one."""
    return {a.id: a.country for a in analysis.actors if a.country}


def same_side(
    analysis: Analysis,
    ours: frozenset[str],
    theirs: frozenset[str],
    countries: dict[str, str] | None = None,
) -> bool:
    """Same actor, an actor named in the other's source, or the same country (the Kremlin and
    the Russian Foreign Ministry; a government and its ministries). ``countries`` is
    :func:`actor_countries` of ``analysis`` when the caller asks many times (it is linear in
    the actors; asked for every pair of statement and claim, a long article made it cubic)."""
    if ours & theirs:
        return True
    countries = actor_countries(analysis) if countries is None else countries
    own = {countries[a] for a in ours if a in countries}
    return any(countries.get(a) in own for a in theirs)


def ordinal_target(
    hit_sentence: int, position: int, drafts: list[Draft], before: int
) -> Draft | None:
    """The ``position``-th (1-based, -1 = last) coordinated attribution before sentence
    ``before``: the nearest earlier sentence with attribution claims, same source as its last."""
    earlier = [d for d in drafts if d.quote is not None and d.sentence < before]
    if not earlier:
        return None
    sentence = max(d.sentence for d in earlier)
    group = [d for d in earlier if d.sentence == sentence]
    source = group[-1].source_actor_id
    group = [d for d in group if d.source_actor_id == source]
    seen: list[str] = []
    firsts: list[Draft] = []
    for draft in sorted(group, key=lambda d: d.start):
        assert draft.quote is not None
        if draft.quote.id not in seen:  # one statement per attribution, even if split in spans
            seen.append(draft.quote.id)
            firsts.append(draft)
    index = position - 1 if position > 0 else len(firsts) + position
    return firsts[index] if 0 <= index < len(firsts) else None


def topic_target(
    statement: Statement,
    drafts: list[Draft],
    topics: list[Topic],
    analysis: Analysis,
    own: bool,
) -> Draft | None:
    """The best topical claim of another side (``own``: of the statement's own side)."""
    topic = statement.topic
    best: tuple[float, int] | None = None
    chosen: Draft | None = None
    countries = actor_countries(analysis)
    mentions = side_mentions(analysis)
    speaker = frozenset({statement.speaker}) if statement.speaker else frozenset()
    for i, draft in enumerate(drafts):
        if draft.quote is not None and draft.quote.id == statement.quote_id:
            continue
        if statement.about[0] <= draft.start < statement.about[1]:
            continue  # the statement's own clause
        ours = draft.source_actor_id is not None and same_side(
            analysis, statement.affiliation | speaker, draft.affiliation, countries
        )
        if ours != own:
            continue
        score = _score(statement, topic, draft, topics[i], mentions)
        if score <= 0:
            continue
        key = (score, -draft.start)
        if best is None or key > best:
            best, chosen = key, draft
    return chosen


def anaphoric_target(
    statement: Statement,
    drafts: list[Draft],
    analysis: Analysis,
    sentence_of_end: list[int],
    window: int = 2,
) -> Draft | None:
    """The claim a pronoun cue points back at: the nearest claim ending before the cue, at most
    ``window`` sentences earlier (``sentence_of_end[i]``: sentence of ``drafts[i]``'s last
    character), unless it is the statement's own side's (then None: "we can't state that" after
    one's own words qualifies nothing of another side)."""
    best: int | None = None
    for i, draft in enumerate(drafts):
        if draft.end > statement.about[0]:
            continue
        if draft.quote is not None and draft.quote.id == statement.quote_id:
            continue
        if best is None or draft.end > drafts[best].end:
            best = i
    if best is None or statement.sentence - sentence_of_end[best] > window:
        return None
    chosen = drafts[best]
    speaker = frozenset({statement.speaker}) if statement.speaker else frozenset()
    if chosen.source_actor_id is not None and same_side(
        analysis, statement.affiliation | speaker, chosen.affiliation
    ):
        return None
    return chosen
