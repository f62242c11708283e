"""Claims and their evidential status.

``extract_claims(doc, analysis)`` turns what the article asserts into ``Claim`` records:

1. ``candidates``      which statements are claims: every attribution's content (a claim of its
                       source) and check-worthy reporter-voice statements (source ``None``);
2. ``cues``            status cues over the parse ("could", "allegedly", "had yet to confirm",
                       "not seen any sign of", "No evidence was provided", "sarcastically");
3. ``linking``         which claim a cue in another statement bears on (ordinal, actor, topic);
4. ``checkworthiness`` one batch prediction of the ClaimBuster model for all claims.

Status when several cues apply — the strongest wins, every cue stays as evidence::

    retracted > unsupported > denied > disputed > unconfirmed > alleged > hedged > asserted

(the source withdrawing a claim outranks anything said about it; the text saying no evidence was
given outranks another party's dispute; a dispute outranks a mere lack of confirmation). A claim is
never disputed, unsupported, denied or retracted without an evidence span in the text.

A dispute or unconfirmed cue with a clause of its own ("we have not yet verified that X", "it
cannot be stated that X", "there is no evidence that X", "it is not true that X") is about X,
not a claim of its speaker:

- X bears, like any statement, on the claim of another side it shares a topic with; when the
  article holds no such claim, X becomes a claim unit of its own (source ``None``, as for a denied
  claim; the speaker is the evidence's ``by_actor_id``) with the cue clause as evidence, so that
  cross-article tracking meets X with the other sources that make it;
- the cue clause and X are cut out of the attribution that contains them: "A, but it cannot be
  stated that X" leaves the speaker's claim "A" (asserted), and a content that is nothing but the
  cue clause leaves no claim of the speaker. The containing claim therefore never shows a
  dispute as a plain assertion.

A cue whose object is a pronoun ("… but we have not yet verified that.") bears on the nearest
earlier claim of another side, at most two sentences back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import replace

from spacy.tokens import Doc, Token

from ...model import Analysis, Claim, Evidence, Quote
from ..places import place_at
from ..spanindex import SpanIndex
from ..times import dated_times
from .candidates import (
    Draft,
    affiliations,
    article_candidates,
    quote_drafts,
    sentence_of,
)
from .checkworthiness import score_texts
from .cues import CueHit, anaphor, clause_head, clause_tokens, find_cues, proposition
from .docindex import build_index
from .lexicon import OTHER_KINDS, Lexicon, load_lexicon
from .linking import (
    GENERIC,
    Statement,
    Topic,
    anaphoric_target,
    ordinal_target,
    topic_of,
    topic_target,
)

__all__ = ["RELATION", "STATUS_ORDER", "THRESHOLD", "extract_claims"]

# Strongest first (see the module docstring).
STATUS_ORDER = (
    "retracted",
    "unsupported",
    "denied",
    "disputed",
    "unconfirmed",
    "alleged",
    "hedged",
    "asserted",
)
KIND_STATUS = {
    "hedge": "hedged",
    "alleged": "alleged",
    "unconfirmed": "unconfirmed",
    "dispute": "disputed",
    "denial": "denied",
    "unsupported": "unsupported",
    "retraction": "retracted",
    "confirm": "asserted",
}
RELATION = {
    "hedged": "qualifies",
    "alleged": "qualifies",
    "unconfirmed": "qualifies",
    "disputed": "disputes",
    "denied": "disputes",
    "unsupported": "unsupported",
    "retracted": "retracts",
    "asserted": "supports",
}
# A reporter-voice statement becomes a claim of the article from this check-worthiness on.
THRESHOLD = 0.5
BEARING = (*OTHER_KINDS, "confirm")
# Kinds whose cue can say that a clause X is not established (X then becomes its own claim unit).
PROPOSITION_KINDS = ("dispute", "unconfirmed")
# Kinds that may point back at an earlier claim through a pronoun ("we cannot confirm that.").
ANAPHORIC_KINDS = ("dispute", "unconfirmed", "confirm")
# Words left at the edge of a claim cut around a cue clause ("A, but [it cannot be stated …]").
_EDGE_WORDS = {"and", "but", "or", "yet", "while", "although", "though", "so", "as", "that"}


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, len(doc))


def _chars(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens ``[first, last)``."""
    return doc[first].idx, doc[last - 1].idx + len(doc[last - 1])


def _evidence(text: str, start: int, end: int, status: str, by: str | None) -> Evidence:
    return Evidence(
        text=text[start:end], start=start, end=end, relation=RELATION[status], by_actor_id=by
    )  # type: ignore[arg-type]


def _self_span(doc: Doc, hit: CueHit) -> tuple[int, int]:
    """ "could occur", "allegedly showed": the cue with the predicate it modifies when adjacent."""
    first, last = hit.start, hit.end
    if abs(hit.anchor - hit.start) <= 3:
        first, last = min(first, hit.anchor), max(last, hit.anchor + 1)
    return _chars(doc, first, last)


def _piece(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without edge spaces, punctuation and conjunctions (a cut claim's rest)."""
    changed = True
    while changed and start < end:
        changed = False
        while start < end and (text[start].isspace() or text[start] in ",.;:—–-"):
            start, changed = start + 1, True
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
            end, changed = end - 1, True
        words = text[start:end].split()
        if words and words[0].lower() in _EDGE_WORDS:
            start, changed = start + len(words[0]), True  # the text starts with that word
        elif words and words[-1].lower() in _EDGE_WORDS:
            end, changed = end - len(words[-1]), True
    return start, end


def _frames(analysis: Analysis) -> list[tuple[Quote, int, int]]:
    """Each attribution with the character range covering its source, cue and content."""
    frames = []
    for quote in analysis.quotes:
        points = [p for span in quote.content.spans for p in span]
        for part in (quote.source, quote.cue):
            if part is not None:
                points += [part.start, part.end]
        frames.append((quote, min(points), max(points)))
    return frames


def _subject_actor(analysis: Analysis, head: Token) -> str | None:
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    lo, hi = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    for actor in analysis.actors:
        if any(lo <= s < hi for s, _ in actor.mentions):
            return actor.id
    return None


class _Builder:
    """State of one ``extract_claims`` run (kept in one place so each step stays small)."""

    def __init__(self, doc: Doc, analysis: Analysis, lexicon: Lexicon) -> None:
        self.doc, self.analysis, self.lexicon = doc, analysis, lexicon
        # every per-Doc lookup, built once; the article text is doc.text (the record contract)
        self.index = build_index(doc, lexicon, GENERIC, analysis.article.text)
        self.text = self.index.text
        self.starts = self.index.sent_starts
        self.affiliations = affiliations(analysis)
        self.places = sorted((p.start, p.end) for p in analysis.places)
        self.dates = SpanIndex(dated_times(analysis))  # claims ask it once each
        self.drafts: list[Draft] = quote_drafts(analysis, self.starts, self.affiliations)
        self.statements: list[Statement] = []
        self.reporter_self: dict[int, list[CueHit]] = defaultdict(list)  # sentence -> hits

    def statement(
        self, hit: CueHit, lo: int, hi: int, speaker: str | None, quote: Quote | None
    ) -> None:
        """Record a bearing cue found in tokens ``[lo, hi)``.

        In a question ("Can you confirm that?") a cue asserts nothing: a confirmation there is
        no statement, and no other cue there points back or makes its clause a claim.
        """
        doc = self.doc
        sentence = sentence_of(self.starts, doc[hit.start].idx)
        question = self.index.is_question(sentence)
        if question and hit.kind == "confirm":
            return
        first, last = clause_tokens(clause_head(doc[hit.anchor], lo, hi), lo, hi)
        first, last = min(first, hit.start), max(last, hit.end)
        claimed: tuple[int, int] | None = None
        anaphoric = False
        if hit.kind in PROPOSITION_KINDS and not question:
            found = proposition(doc, hit)
            if found is not None and lo <= found[0] and found[1] <= hi:
                first, last = min(first, found[0]), max(last, found[1])
                claimed = _chars(doc, *found)
        if claimed is None and hit.kind in ANAPHORIC_KINDS and not question:
            anaphoric = anaphor(doc, hit, self.lexicon) is not None
        about = _chars(doc, first, last)
        aff = self.affiliations[quote.id] if quote is not None else frozenset()
        if quote is None and speaker is not None:
            aff = frozenset({speaker})
        self.statements.append(
            Statement(
                hit=hit,
                speaker=speaker,
                affiliation=aff,
                sentence=sentence,
                about=about,
                topic=topic_of(doc, about[0], about[1], self.lexicon, self.index),
                quote_id=quote.id if quote is not None else None,
                proposition=claimed,
                anaphoric=anaphoric,
            )
        )

    def collect_cues(self) -> list[tuple[int, int]]:
        """Find every cue; returns the attribution frames (character ranges)."""
        doc, frames = self.doc, _frames(self.analysis)
        by_quote: dict[str, list[Draft]] = defaultdict(list)
        for draft in self.drafts:
            if draft.quote is not None:
                by_quote[draft.quote.id].append(draft)
        for quote, start, end in frames:
            speaker = quote.source.actor_id if quote.source else None
            for hit in find_cues(doc, start, end, self.lexicon, self.index):
                offset = doc[hit.start].idx
                content = next((s for s in quote.content.spans if s[0] <= offset < s[1]), None)
                if content is not None:
                    lo, hi = _token_range(doc, *content)
                    if hit.kind in BEARING:
                        self.statement(hit, lo, hi, speaker, quote)
                    else:  # a hedge or allegation inside the content qualifies that claim
                        self._qualify(by_quote[quote.id], hit, speaker, inside=True)
                else:
                    self._frame_cue(quote, by_quote[quote.id], hit, speaker)
        attributed = [(s, e) for _, s, e in frames]
        frame_index = SpanIndex((s, e, None) for s, e in attributed)
        for sent in self.index.sents:
            hits = find_cues(doc, sent.start_char, sent.end_char, self.lexicon, self.index)
            for hit in hits:
                offset = doc[hit.start].idx
                if frame_index.containing(offset, offset + 1):
                    continue  # inside an attribution: handled with its quote above
                if hit.kind in BEARING:
                    head = clause_head(doc[hit.anchor], sent.start, sent.end)
                    speaker = _subject_actor(self.analysis, head)
                    if hit.kind not in ("retraction", "denial"):
                        speaker = None  # the reporter says it
                    self.statement(hit, sent.start, sent.end, speaker, None)
                else:
                    self.reporter_self[sentence_of(self.starts, sent.start_char)].append(hit)
        return attributed

    def _qualify(self, drafts: list[Draft], hit: CueHit, by: str | None, inside: bool) -> None:
        start, end = _self_span(self.doc, hit)
        status = KIND_STATUS[hit.kind]
        for draft in drafts:
            if not inside or draft.start <= start < draft.end:
                draft.evidence.append((status, _evidence(self.text, start, end, status, by)))

    def _frame_cue(
        self, quote: Quote, drafts: list[Draft], hit: CueHit, speaker: str | None
    ) -> None:
        """A cue in the attribution itself: "allegedly showed", "denied that", "falsely claimed",
        "we have not yet verified that …" (the attribution's own verb, negated)."""
        cue, doc = quote.cue, self.doc
        if (
            hit.kind in PROPOSITION_KINDS
            and cue is not None
            and hit.start < hit.anchor < hit.end  # a negated verb ("not yet verified")
            and cue.start <= doc[hit.anchor].idx < cue.end
            and (proposition(doc, hit) is not None or anaphor(doc, hit) is not None)
        ):
            # the source says the content is not established: a statement about it, no claim of
            # the source (its drafts, if the quote is not marked negated, are cut in ``link``)
            sent = self.index.sents[self.index.sentence_at(doc[hit.anchor].idx)]
            self.statement(hit, sent.start, sent.end, speaker, quote)
        elif hit.kind == "alleged":
            self._qualify(drafts, hit, None, inside=False)
        elif hit.kind == "denial" and quote.cue is not None and quote.cue.lemma == "deny":
            start, end = _self_span(self.doc, hit)
            for draft in drafts:
                draft.denied_by = speaker
                draft.evidence.append(
                    ("denied", _evidence(self.text, start, end, "denied", speaker))
                )
        elif hit.kind in ("unsupported", "dispute"):
            status = KIND_STATUS[hit.kind]
            start, end = _self_span(self.doc, hit)
            for draft in drafts:  # the reporter's "said, without evidence," / "falsely claimed"
                draft.evidence.append((status, _evidence(self.text, start, end, status, None)))

    def add_article_claims(self, attributed: list[tuple[int, int]]) -> list[float]:
        """Score every claim in one batch; keep check-worthy reporter-voice candidates."""
        bearing = [
            (self.starts[s.sentence], self.starts[s.sentence] + 1)
            for s in self.statements
            if s.quote_id is None
        ]
        candidates = article_candidates(self.doc, attributed, bearing, self.index)
        texts = [self.text[d.start : d.end] for d in self.drafts]
        texts += [self.text[s:e] for s, e in candidates]
        scores = score_texts(texts)
        for draft, score in zip(self.drafts, scores, strict=False):
            draft.score = score
        for (start, end), score in zip(candidates, scores[len(self.drafts) :], strict=True):
            if score >= THRESHOLD:
                sentence = sentence_of(self.starts, start)
                draft = Draft(start, end, sentence, score=score)
                for hit in self.reporter_self.get(sentence, []):
                    if start <= self.doc[hit.start].idx < end:
                        s, e = _self_span(self.doc, hit)
                        status = KIND_STATUS[hit.kind]
                        draft.evidence.append((status, _evidence(self.text, s, e, status, None)))
                self.drafts.append(draft)
        self.drafts.sort(key=lambda d: d.start)
        return scores

    def link(self) -> None:
        """Attach every bearing statement to the claim it bears on; a cue clause about a clause X
        is cut out of its attribution, and X becomes a claim when nothing in the article makes it
        (see the module docstring)."""
        topics = [topic_of(self.doc, d.start, d.end, self.lexicon, self.index) for d in self.drafts]
        ends = [sentence_of(self.starts, max(d.start, d.end - 1)) for d in self.drafts]
        cut: list[Statement] = []
        new: list[Draft] = []
        for statement in self.statements:
            target = None
            if statement.anaphoric:
                target = anaphoric_target(statement, self.drafts, self.analysis, ends)
            if target is None:
                target = self._target(statement, topics)
            if statement.proposition is not None:
                cut.append(statement)
                if target is None:
                    self._proposition_claim(statement, new)
                    continue
            if target is None:
                continue
            status = KIND_STATUS[statement.hit.kind]
            start, end = self._evidence_span(statement)
            evidence = _evidence(self.text, start, end, status, statement.speaker)
            if all(e.start != start or e.end != end for _, e in target.evidence):
                target.evidence.append((status, evidence))

        if cut or new:
            self._split(cut, new)

    def _proposition_claim(self, statement: Statement, new: list[Draft]) -> None:
        """X of "we have not verified that X" as a claim unit of its own (source None), with the
        cue clause before X as its evidence."""
        assert statement.proposition is not None
        start, end = statement.proposition
        status = KIND_STATUS[statement.hit.kind]
        cue_start, cue_end = _chars(self.doc, statement.hit.start, statement.hit.end)
        found = self.index.token_range(start, start + 1)
        if found is not None:
            j = found[0] - 1  # the cue clause ends before X's complementiser ("… stated that")
            while j > 0 and (self.doc[j].dep_ == "mark" or self.doc[j].is_punct):
                j -= 1
            clause_end = self.doc[j].idx + len(self.doc[j])
            if statement.about[0] < clause_end <= start:
                cue_start, cue_end = statement.about[0], clause_end
        evidence = _evidence(self.text, cue_start, cue_end, status, statement.speaker)
        for draft in new:
            if (draft.start, draft.end) == (start, end):  # two cues on the same X
                if all(e.start != cue_start for _, e in draft.evidence):
                    draft.evidence.append((status, evidence))
                return
        quote = next((q for q in self.analysis.quotes if q.id == statement.quote_id), None)
        others = (d for d in self.drafts if d.quote is None or d.quote is not quote)
        if any(d.start < end and start < d.end for d in others):
            return  # X is already (part of) a claim of its own
        sentence = sentence_of(self.starts, start)
        new.append(Draft(start, end, sentence, quote=quote, evidence=[(status, evidence)]))

    def _split(self, cut: list[Statement], new: list[Draft]) -> None:
        """Cut each cue clause (with its X) out of the claims of its attribution, add the new X
        claims, and score the claims whose text changed in one batch."""
        rescored = list(new)
        for statement in cut:
            if statement.quote_id is None or statement.proposition is None:
                continue
            lo, hi = statement.about[0], max(statement.about[1], statement.proposition[1])
            kept: list[Draft] = []
            for draft in self.drafts:
                quote = draft.quote
                if quote is None or quote.id != statement.quote_id or not lo < draft.end:
                    kept.append(draft)
                    continue
                if draft.start >= hi:
                    kept.append(draft)
                    continue
                for s, e in ((draft.start, lo), (hi, draft.end)):
                    s, e = _piece(self.text, s, e)
                    if len(self.text[s:e].split()) < 3:
                        continue
                    evidence = [  # evidence inside the claim stays with the piece holding it
                        (st, ev)
                        for st, ev in draft.evidence
                        if not draft.start <= ev.start < draft.end or s <= ev.start < e
                    ]
                    sentence = sentence_of(self.starts, s)
                    piece = replace(draft, start=s, end=e, sentence=sentence, evidence=evidence)
                    kept.append(piece)
                    rescored.append(piece)
            self.drafts = kept
        self.drafts.extend(new)
        scores = score_texts([self.text[d.start : d.end] for d in rescored])
        for draft, score in zip(rescored, scores, strict=True):
            draft.score = score
        self.drafts.sort(key=lambda d: d.start)

    def _target(self, statement: Statement, topics: list[Topic]) -> Draft | None:
        kind, drafts = statement.hit.kind, self.drafts
        if kind == "unsupported":
            position = self._ordinal(statement)
            if position is not None:
                return ordinal_target(statement.sentence, position, drafts, statement.sentence)
            if statement.quote_id is None:
                same = [d for d in drafts if d.sentence == statement.sentence and d.quote]
                if same:
                    return same[0]
                earlier = [d for d in drafts if d.quote and d.start < statement.about[0]]
                return earlier[-1] if earlier else None
        if kind == "retraction":
            found = topic_target(statement, drafts, topics, self.analysis, own=True)
            if found is not None:
                return found
            mine = [
                d
                for d in drafts
                if d.start < statement.about[0]
                and d.quote is not None
                and d.quote.id != statement.quote_id
                and d.source_actor_id is not None
                and (statement.speaker is None or d.source_actor_id in statement.affiliation)
            ]
            return mine[-1] if mine else None
        return topic_target(statement, drafts, topics, self.analysis, own=False)

    def _ordinal(self, statement: Statement) -> int | None:
        """ "the second claim" -> 2 (over the statement's clause)."""
        doc = self.doc
        lo, hi = _token_range(doc, *statement.about)
        nouns = self.lexicon.words.get("claim_noun", set())
        for token in doc[lo:hi]:
            position = self.lexicon.ordinals.get(token.lower_)
            if position is not None and token.head.lemma_.lower() in nouns:
                return position
        return None

    def _evidence_span(self, statement: Statement) -> tuple[int, int]:
        """The statement's clause, from its source when the source leads ("France said it …")."""
        start, end = statement.about
        if statement.hit.kind == "retraction":
            end = _chars(self.doc, statement.hit.start, statement.hit.end)[1]
        quote = next((q for q in self.analysis.quotes if q.id == statement.quote_id), None)
        if (
            quote is not None
            and quote.source is not None
            and quote.source.start < start
            and sentence_of(self.starts, quote.source.start) == statement.sentence
        ):
            start = quote.source.start
        return start, end

    def claims(self) -> list[Claim]:
        claims = []
        for number, draft in enumerate(self.drafts, start=1):
            statuses = {status for status, _ in draft.evidence}
            status = next(s for s in STATUS_ORDER if s in statuses or s == "asserted")
            sent = self.index.sents[sentence_of(self.starts, draft.start)]
            claims.append(
                Claim(
                    id=f"C{number}",
                    text=self.text[draft.start : draft.end],
                    span=(draft.start, draft.end),
                    source_actor_id=None if draft.denied_by else draft.source_actor_id,
                    quote_id=draft.quote.id if draft.quote is not None else None,
                    status=status,  # type: ignore[arg-type]
                    evidence=sorted((e for _, e in draft.evidence), key=lambda e: e.start),
                    checkworthiness=round(min(1.0, max(0.0, draft.score)), 4),
                    date=self._date(draft.start, draft.end, sent.start_char, sent.end_char),
                    place_id=self._place(draft.start, draft.end)
                    or self._place(sent.start_char, sent.end_char),
                )
            )
        return claims

    def _place(self, start: int, end: int) -> str | None:
        """``place_at``, asked only when some place lies inside ``[start, end)``."""
        i = bisect_left(self.places, (start, -1))
        while i < len(self.places) and self.places[i][0] < end:
            if self.places[i][1] <= end:
                return place_at(self.analysis, start, end)
            i += 1
        return None

    def _date(self, start: int, end: int, sent_start: int, sent_end: int) -> str | None:
        """A calendar date said in the claim, else in its sentence."""
        for lo, hi in ((start, end), (sent_start, sent_end)):
            date = next(self.dates.inside(lo, hi), None)
            if date is not None:
                return date
        return None


def extract_claims(doc: Doc, analysis: Analysis) -> None:
    """Append ``Claim`` records (C1, C2, … in text order) to ``analysis.claims``."""
    builder = _Builder(doc, analysis, load_lexicon())
    attributed = builder.collect_cues()
    builder.add_article_claims(attributed)
    builder.link()
    analysis.claims.extend(builder.claims())
