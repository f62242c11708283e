"""Claims: statuses, evidence linking, check-worthiness, and the reference-article pins."""

from __future__ import annotations

import pytest

from wirelens.extract.claims import STATUS_ORDER, extract_claims
from wirelens.extract.claims.checkworthiness import is_held_out, score_texts
from wirelens.extract.claims.cues import find_cues
from wirelens.extract.claims.lexicon import load_lexicon, topic_groups
from wirelens.extract.registry import ordered
from wirelens.model import Analysis, Article, Claim

pytestmark = pytest.mark.slow


def analyze(nlp, text: str, published: str = "2022-02-15") -> Analysis:  # type: ignore[no-untyped-def]
    """Run the extractors before claims, then claims, over one parse."""
    doc = nlp(text)
    analysis = Analysis(article=Article(id="t", text=text, published=published))
    for _, extractor in ordered():
        extractor(doc, analysis)
    extract_claims(doc, analysis)
    return analysis


def claim_with(analysis: Analysis, words: str) -> Claim:
    found = [c for c in analysis.claims if words in c.text]
    assert found, f"no claim containing {words!r}: {[c.text for c in analysis.claims]}"
    return found[0]


@pytest.fixture(scope="module")
def reference(nlp, reference_text: str) -> Analysis:  # type: ignore[no-untyped-def]
    return analyze(nlp, reference_text)


# --- the reference article -------------------------------------------------------------------


def test_pullback_disputed_by_nato_and_unconfirmed_by_france(reference: Analysis) -> None:
    claim = claim_with(reference, "pull out some troops")
    source = reference.actor(claim.source_actor_id)
    assert source is not None and source.name == "Russia"
    assert claim.status == "disputed"  # disputed outranks unconfirmed; both stay as evidence
    by_relation = {(e.relation, e.by_actor_id) for e in claim.evidence}
    disputes = [e for e in claim.evidence if e.relation == "disputes"]
    assert any("not seen any sign of de-escalation on the ground" in e.text for e in disputes)
    assert any("has yet to see evidence of a de-escalation" in e.text for e in disputes)
    qualifies = [e for e in claim.evidence if e.relation == "qualifies"]
    assert any("had yet to confirm the return of some Russian troops" in e.text for e in qualifies)
    names = {a.name for _, by in by_relation if (a := reference.actor(by)) is not None}
    assert "France" in names and "NATO" in names
    assert len(claim.evidence) == 3


def test_white_house_second_claim_unsupported(reference: Analysis) -> None:
    claim = claim_with(reference, "an invasion could occur in the near future")
    assert claim.status == "unsupported"
    unsupported = [e for e in claim.evidence if e.relation == "unsupported"]
    assert [e.text for e in unsupported] == ["No evidence was provided for the second claim"]
    assert unsupported[0].by_actor_id is None  # the reporter says it
    first = claim_with(reference, "to leave Ukraine")  # the first of the two statements
    assert first.status == "asserted" and not first.evidence


def test_zelensky_retracted_by_his_office(reference: Analysis) -> None:
    claim = claim_with(reference, "Russia would invade on Feb. 16")
    assert claim.status == "retracted"
    (evidence,) = [e for e in claim.evidence if e.relation == "retracts"]
    assert "his office later said that he made the remarks sarcastically" in evidence.text
    assert evidence.by_actor_id == claim.source_actor_id
    assert claim.date == "2022-02-16"


def test_video_alleged(reference: Analysis) -> None:
    claim = claim_with(reference, "Russian tanks moving back")
    assert claim.status == "alleged"
    assert [e.text for e in claim.evidence] == ["allegedly showed"]


def test_reporter_voice_claims_are_selective(reference: Analysis) -> None:
    article_claims = [c for c in reference.claims if c.quote_id is None]
    assert any("130,000 Russian troops" in c.text for c in article_claims)
    assert all(c.source_actor_id is None for c in article_claims)
    assert not any("No evidence was provided" in c.text for c in reference.claims)
    assert len(article_claims) <= 4


def test_no_strong_status_without_evidence(reference: Analysis) -> None:
    text = reference.article.text
    for claim in reference.claims:
        assert text[claim.span[0] : claim.span[1]] == claim.text
        assert 0.0 <= claim.checkworthiness <= 1.0
        for evidence in claim.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
        if claim.status in ("disputed", "unsupported", "retracted", "denied"):
            wanted = {"disputed": "disputes", "denied": "disputes", "unsupported": "unsupported"}
            relation = wanted.get(claim.status, "retracts")
            assert any(e.relation == relation for e in claim.evidence), claim


# --- small sentences, one per status ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "status"),
    [
        ("The ministry said that the bridge may collapse within days.", "bridge", "hedged"),
        ("Officials said rebels reportedly seized the airport overnight.", "seized", "alleged"),
        ("The army said it had captured the town of Kherson.", "captured the town", "asserted"),
    ],
)
def test_status_in_own_words(nlp, text: str, words: str, status: str) -> None:  # type: ignore[no-untyped-def]
    assert claim_with(analyze(nlp, text), words).status == status


def test_unconfirmed_by_another_source(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Russia said it had withdrawn its troops from the border. "
        "Germany said it could not confirm the withdrawal of the troops."
    )
    claim = claim_with(analyze(nlp, text), "withdrawn its troops")
    assert claim.status == "unconfirmed"
    assert any("could not confirm" in e.text for e in claim.evidence)


def test_disputed_across_paragraphs(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Moscow announced that it will pull back its tanks from the frontier.\n\n"
        "Oil prices fell sharply on Wednesday.\n\n"
        "Britain said it has seen no sign of a pullback."
    )
    claim = claim_with(analyze(nlp, text), "pull back its tanks")
    assert claim.status == "disputed"
    assert claim.evidence[0].relation == "disputes"


@pytest.mark.parametrize(
    ("ordinal", "target", "other"),
    [
        ("latter", "the dam could fail", "to stay indoors"),
        ("first", "to stay indoors", "the dam could fail"),
    ],
)
def test_unsupported_resolves_ordinal(nlp, ordinal: str, target: str, other: str) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Officials told residents to stay indoors and claimed that the dam could fail. "
        f"No evidence was provided for the {ordinal} claim."
    )
    analysis = analyze(nlp, text)
    assert claim_with(analysis, target).status == "unsupported"
    assert claim_with(analysis, other).status in ("asserted", "hedged")


def test_retracted_by_own_office(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Senator John Smith said the army would attack on Monday. "
        "His office later said that he made the comment as a joke."
    )
    analysis = analyze(nlp, text)
    claim = claim_with(analysis, "the army would attack")
    if claim.status != "retracted":  # the quotes stage may not resolve "His office"
        pytest.xfail(f"office not resolved: {[q.source for q in analysis.quotes]}")
    assert any(e.relation == "retracts" for e in claim.evidence)


def test_denied(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The Defence Ministry denied that its jets had bombed the hospital."
    analysis = analyze(nlp, text)
    claims = [c for c in analysis.claims if "bombed the hospital" in c.text]
    if not claims:
        pytest.xfail("the quotes stage does not treat 'denied' as a cue here")
    assert claims[0].status == "denied" and claims[0].source_actor_id is None
    assert claims[0].evidence[0].relation == "disputes"


def test_no_evidence_rule_without_cues(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The president said the economy grew by 3 percent last year. "
        "Unemployment fell to 4 percent in March, the lowest level since 2019."
    )
    analysis = analyze(nlp, text)
    assert analysis.claims
    assert all(c.status == "asserted" and not c.evidence for c in analysis.claims)


# --- clauses a cue says are not established, and anaphoric "that" ------------------------------


def _strong_status_has_evidence(analysis: Analysis) -> None:
    wanted = {"disputed": "disputes", "denied": "disputes", "unsupported": "unsupported"}
    for claim in analysis.claims:
        if claim.status in ("disputed", "unsupported", "retracted", "denied"):
            relation = wanted.get(claim.status, "retracts")
            assert any(e.relation == relation for e in claim.evidence), claim


@pytest.mark.parametrize(
    ("text", "kind", "clause"),
    [
        ("We have not yet verified that the convoy left the city.", "unconfirmed",
         "the convoy left the city"),
        ("We cannot verify that the convoy left the city.", "unconfirmed",
         "the convoy left the city"),
        ("Officials could not independently verify the report.", "unconfirmed", None),
        ("The figure has not been verified.", "unconfirmed", None),
        ("I'm not in a position to confirm that.", "unconfirmed", None),
        ("It cannot be stated that the army is withdrawing its troops.", "dispute",
         "the army is withdrawing its troops"),
        ("We can't say that the talks have failed.", "dispute", "the talks have failed"),
        ("There is no evidence that the rebels shelled the school.", "dispute",
         "the rebels shelled the school"),
        ("It is not true that the army shelled the village.", "dispute",
         "the army shelled the village"),
        ("We do not see any withdrawal.", "dispute", None),
        ("Britain did not observe that the troops had left.", "dispute", "the troops had left"),
    ],
)  # fmt: skip
def test_cue_families_and_their_clause(nlp, text: str, kind: str, clause: str | None) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.claims.cues import proposition

    doc = nlp(text)
    hits = [h for h in find_cues(doc, 0, len(text)) if h.kind == kind]
    assert hits, (text, find_cues(doc, 0, len(text)))
    found = proposition(doc, hits[0])
    assert (doc[found[0] : found[1]].text if found else None) == clause


@pytest.mark.parametrize(
    "text",
    [
        "I cannot say enough about our soldiers.",  # no proposition
        "You don't see many people coming to his defense.",  # a figure of speech
        "We have seen signs of a pullback.",
        "There is no way to tell without seeing his tax returns.",  # "without" denies nothing
    ],
)
def test_cue_families_leave_plain_sentences_alone(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    assert not [h for h in find_cues(doc, 0, len(text)) if h.kind in ("dispute", "unconfirmed")]


def test_embedded_question_is_no_proposition(nlp) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.claims.cues import proposition

    doc = nlp("I can't confirm if he is aware of the plan.")
    (hit,) = [h for h in find_cues(doc, 0, len(doc.text)) if h.kind == "unconfirmed"]
    assert proposition(doc, hit) is None


@pytest.mark.parametrize(
    ("text", "pronoun"),
    [
        ("We have not yet verified that.", "that"),
        ("This could not be independently verified.", "This"),
        ("We can't state that.", "that"),
        ("We cannot verify that the convoy left.", None),  # a clause, not a pronoun
        ("It cannot be said that the talks failed.", None),  # expletive "it"
    ],
)
def test_anaphor(nlp, text: str, pronoun: str | None) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.claims.cues import anaphor

    doc = nlp(text)
    hit = next(h for h in find_cues(doc, 0, len(text)) if h.kind in ("dispute", "unconfirmed"))
    found = anaphor(doc, hit)
    assert (doc[found].text if found is not None else None) == pronoun


def test_anaphoric_that_bears_on_the_previous_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ministry said that some tanks are leaving their positions near the border.\n\n"
        "That would be welcome, but we have not yet verified that."
    )
    analysis = analyze(nlp, text)
    claim = claim_with(analysis, "some tanks are leaving their positions")
    assert claim.status == "unconfirmed"
    (evidence,) = claim.evidence
    assert evidence.relation == "qualifies" and "not yet verified that" in evidence.text
    assert not any("verified" in c.text for c in analysis.claims)


def test_anaphoric_that_reaches_only_the_nearby_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ministry said that some tanks are leaving their positions near the border. "
        "Oil prices fell sharply on Wednesday in London. Markets in Asia closed higher. "
        "The weather in Kyiv stayed cold and grey all week. We have not yet verified that."
    )
    claim = claim_with(analyze(nlp, text), "some tanks are leaving their positions")
    assert claim.status == "asserted" and not claim.evidence


def test_question_confirms_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Russia said its troops were leaving the border. Can you confirm that?"
    claim = claim_with(analyze(nlp, text), "troops were leaving the border")
    assert claim.status == "asserted" and not claim.evidence


def test_unverified_clause_bears_on_the_claim_it_repeats(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The Defence Ministry reported that some units are leaving their positions near the "
        "border. We have not yet verified that the units are returning to their home bases."
    )
    analysis = analyze(nlp, text)
    claim = claim_with(analysis, "some units are leaving their positions")
    assert claim.status == "unconfirmed"
    assert any("not yet verified" in e.text for e in claim.evidence)
    # linked, so the unverified clause is no second claim
    assert not any("returning to their home bases" in c.text for c in analysis.claims)


def test_dispute_clause_split_out_of_the_speakers_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Chancellor Olaf Scholz stressed that the army controls the situation on the border, "
        "but at the moment it cannot be stated that the enemy is fully withdrawing its troops."
    )
    analysis = analyze(nlp, text)
    own = claim_with(analysis, "the army controls the situation")
    assert own.status == "asserted" and "cannot be stated" not in own.text
    assert own.text.endswith("on the border")
    disputed = claim_with(analysis, "the enemy is fully withdrawing its troops")
    assert disputed.text == "the enemy is fully withdrawing its troops"
    assert disputed.status == "disputed" and disputed.source_actor_id is None
    (evidence,) = disputed.evidence
    assert evidence.relation == "disputes" and evidence.text.endswith("it cannot be stated")
    assert evidence.by_actor_id == own.source_actor_id is not None
    assert disputed.quote_id == own.quote_id
    _strong_status_has_evidence(analysis)


def test_dispute_clause_links_to_the_claim_in_the_article(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Moscow said its troops were withdrawing from the border. "
        "London said there is no evidence that the troops are withdrawing."
    )
    analysis = analyze(nlp, text)
    claim = claim_with(analysis, "its troops were withdrawing")
    assert claim.status == "disputed"
    assert any("no evidence" in e.text for e in claim.evidence if e.relation == "disputes")
    # London's words are evidence on Moscow's claim, neither a claim of London nor a new one
    assert not any("the troops are withdrawing" in c.text for c in analysis.claims)
    _strong_status_has_evidence(analysis)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("the army holds the border, but ", "the army holds the border"),
        (". And the talks go on", "the talks go on"),
        (" , and ", ""),
    ],
)
def test_piece_left_after_a_cut(text: str, rest: str) -> None:
    from wirelens.extract.claims import _piece

    start, end = _piece(text, 0, len(text))
    assert 0 <= start <= end <= len(text) and text[start:end] == rest


def test_dispute_verb_of_the_attribution_keeps_its_reading(nlp) -> None:  # type: ignore[no-untyped-def]
    # "disputed the idea that X" is no negated status verb: X stays the disputed content
    text = "Senator Jones disputed the idea that the army needed more money."
    claim = claim_with(analyze(nlp, text), "the army needed more money")
    assert claim.status == "disputed"
    assert [e.relation for e in claim.evidence] == ["disputes"]


def test_not_true_clause_in_own_voice(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "It is simply not true that the government is holding back energy production."
    analysis = analyze(nlp, text)
    claim = claim_with(analysis, "the government is holding back energy production")
    assert claim.status == "disputed" and claim.source_actor_id is None
    assert [e.text for e in claim.evidence] == ["It is simply not true"]


# --- parts -------------------------------------------------------------------------------------


def test_cues_structural(nlp) -> None:  # type: ignore[no-untyped-def]
    kinds = {
        "We have not seen any sign of a pullback.": "dispute",
        "No evidence was provided for the claim.": "unsupported",
        "Paris had yet to confirm the report.": "unconfirmed",
        "He made the remarks sarcastically.": "retraction",
    }
    for text, kind in kinds.items():
        doc = nlp(text)
        assert kind in {h.kind for h in find_cues(doc, 0, len(text))}, text
    doc = nlp("We have seen signs of a pullback.")
    assert not find_cues(doc, 0, len(doc.text))


def test_lexicon_and_topics() -> None:
    lexicon = load_lexicon()
    assert ("allegedly",) in lexicon.phrases["alleged"]
    assert lexicon.ordinals["second"] == 2
    assert "withdrawal" in topic_groups("the return of some troops to their bases")
    assert "withdrawal" in topic_groups("any sign of de-escalation")
    assert "withdrawal" not in topic_groups("troops massed near the border")


def test_checkworthiness_model() -> None:
    high, low = score_texts(
        ["Unemployment rose to 8.5 percent, the highest rate since 1983.", "Thank you very much."]
    )
    assert 0.0 <= low < 0.5 <= high <= 1.0
    assert score_texts([]) == []
    held = [i for i in range(1000) if is_held_out(i)]
    assert 150 < len(held) < 250  # about a fifth, and deterministic
    assert held == [i for i in range(1000) if is_held_out(i)]


def test_status_order_is_total() -> None:
    assert STATUS_ORDER[0] == "retracted" and STATUS_ORDER[-1] == "asserted"
    assert STATUS_ORDER.index("disputed") < STATUS_ORDER.index("unconfirmed")
    assert set(STATUS_ORDER) == set(Claim.model_fields["status"].annotation.__args__)  # type: ignore[union-attr]


# --- speed work: the fast paths give the same answers as the plain ones ------------------------


def test_doc_index_matches_plain_lookups(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.claims.docindex import build_index
    from wirelens.extract.claims.linking import GENERIC, topic_of

    doc, lexicon = nlp(reference_text), load_lexicon()
    index = build_index(doc, lexicon, GENERIC, reference_text)
    assert index.text == doc.text
    hits = 0
    for sent in doc.sents:
        plain = find_cues(doc, sent.start_char, sent.end_char, lexicon)
        assert find_cues(doc, sent.start_char, sent.end_char, lexicon, index) == plain
        hits += len(plain)
        lo, hi = sent.start_char + 2, max(sent.start_char + 3, sent.end_char - 3)
        assert topic_of(doc, lo, hi, lexicon, index) == topic_of(doc, lo, hi, lexicon)
    assert hits >= 4  # the reference article has cues of several kinds
    step = max(1, len(reference_text) // 150)
    for start in range(0, len(reference_text) - 1, step):
        for end in (start + 1, start + 7, start + 60):
            end = min(end, len(reference_text))
            span = doc.char_span(start, end, alignment_mode="expand")
            expected = (span.start, span.end) if span is not None else None
            assert index.token_range(start, end) == expected, (start, end)


def test_regions_overlap_like_a_scan() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from wirelens.extract.claims.candidates import Regions

    pairs = st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda p: (p[0], p[0] + p[1]))

    @given(st.lists(pairs, max_size=8), pairs)
    def check(regions: list[tuple[int, int]], query: tuple[int, int]) -> None:
        start, end = query
        expected = any(s < end and start < e for s, e in regions)
        assert Regions(regions).overlaps(start, end) == expected

    check()


def test_topic_prefilter_changes_nothing() -> None:
    lexicon = load_lexicon()
    texts = [
        "Russia said it would pull some of its troops back to their bases.",
        "The DE-ESCALATION talks in Geneva ended without a deal.",
        "Hackers attacked the ministry's servers; two people were killed.",
        "Forces returned on Tuesday to their permanent bases in Crimea.",
        "Nothing to see here.",
    ]
    for text in texts:
        plain = {g for g, ps in lexicon.topics.items() if any(p.search(text) for p in ps)}
        assert topic_groups(text, lexicon) == plain, text
    assert all(keys for keys in lexicon.topic_keys.values() if keys is not None)


def test_checkworthiness_features_and_model_file() -> None:
    from wirelens.extract.claims.checkworthiness import (
        MODEL_DIR,
        MODEL_FILE,
        MODEL_VERSION,
        analyze,
        load_model,
    )

    assert analyze("In 2021, 4 tanks") == [
        "in",
        "0000",
        "0",
        "tanks",
        "in 0000",
        "0000 0",
        "0 tanks",
    ]
    model = load_model()
    assert model.meta["version"] == MODEL_VERSION == "checkworthiness-v2"
    assert model.meta["held_out"]["f1"] >= 0.76
    assert (MODEL_DIR / MODEL_FILE).stat().st_size < 5_000_000
    # one batch call scores like one call per text
    texts = ["Unemployment rose to 8.5 percent.", "Thank you.", "Taxes went up 20 percent."]
    assert score_texts(texts) == [score_texts([t])[0] for t in texts]
