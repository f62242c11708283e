"""Quotes and attribution: kinds, spans, sources, channels, negation, robustness."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirelens.extract.quotes import extract_quotes
from wirelens.extract.quotes.marks import find_regions
from wirelens.model import Actor, Analysis, Article, Quote


def run(nlp, text: str, actors: list[Actor] | None = None) -> list[Quote]:  # type: ignore[no-untyped-def]
    analysis = Analysis(article=Article(id="t", text=text), actors=actors or [])
    extract_quotes(nlp(text), analysis)
    return analysis.quotes


def mentions(text: str, name: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]


def by_cue(quotes: list[Quote], cue: str) -> list[Quote]:
    return [q for q in quotes if q.cue is not None and q.cue.text == cue]


def check_offsets(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        for s, e in q.content.spans:
            assert 0 <= s < e <= len(text)
        if q.source:
            assert text[q.source.start : q.source.end] == q.source.text
        if q.cue:
            assert text[q.cue.start : q.cue.end] == q.cue.text


# ------------------------------------------------------------------------------ quoted regions


def test_regions_pair_curly_straight_and_guillemets() -> None:
    text = 'He said “yes” and "no" and «peut-être».'
    inner = [text[r.inner_start : r.inner_end] for r in find_regions(text)]
    assert inner == ["yes", "no", "peut-être"]


def test_region_left_open_runs_to_paragraph_end() -> None:
    text = "“First part of a long quote.\n“Second part,” she said."
    regions = find_regions(text)
    assert [r.closed for r in regions] == [False, True]
    assert text[regions[0].inner_start : regions[0].inner_end] == "First part of a long quote."


def test_apostrophes_are_not_quotes() -> None:
    assert find_regions("Russia’s army and the West’s view aren’t quotes.") == []


def test_double_apostrophes_are_double_quotes() -> None:
    text = "''It works,'' Mr. Garin said, ''and the Jones' plan does not.''"
    inner = [text[r.inner_start : r.inner_end] for r in find_regions(text)]
    assert inner == ["It works,", "and the Jones' plan does not."]


def test_double_apostrophe_quote_is_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "''We will not back down,'' Mr. Garin said on Tuesday."
    (q,) = run(nlp, text)
    assert q.content.text == "We will not back down"
    assert q.kind == "direct"
    assert q.source is not None and q.source.text == "Mr. Garin"


# ------------------------------------------------------------------------------- small sentences


@pytest.mark.slow
def test_direct_quote_with_source_and_channel(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“We will not back down,” the minister told reporters on Monday."
    (q,) = run(nlp, text)
    assert q.kind == "direct"
    assert q.content.text == "We will not back down"
    assert q.source is not None and q.source.text == "the minister"
    assert q.cue is not None and q.cue.lemma == "tell"
    assert q.channel == "reporters"
    check_offsets(text, [q])


@pytest.mark.slow
def test_indirect_quote_with_statement_channel(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ministry said in a statement that the talks had failed."
    (q,) = run(nlp, text)
    assert q.kind == "indirect"
    assert q.content.text == "that the talks had failed"
    assert q.channel == "a statement"
    assert q.source is not None and q.source.text == "The ministry"


@pytest.mark.slow
def test_mixed_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The senator argued that the deal was “a historic mistake” for the country."
    (q,) = run(nlp, text)
    assert q.kind == "mixed"
    assert "“a historic mistake”" in q.content.text


@pytest.mark.slow
def test_according_to_is_cue_and_source(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to the agency, the plant was shut down on Friday."
    (q,) = run(nlp, text)
    assert q.cue is not None and q.cue.text == "According to"
    assert q.source is not None and q.source.text == "the agency"
    assert "the plant was shut down" in q.content.text


@pytest.mark.slow
def test_via_relay(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“The border is closed,” the governor said, according to Reuters."
    (q,) = run(nlp, text)
    assert q.via == "Reuters"
    assert q.source is not None and q.source.text == "the governor"


@pytest.mark.slow
def test_negated_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    quotes = run(nlp, "The army did not say how many soldiers had been moved.")
    assert len(quotes) == 1 and quotes[0].negated
    quotes = run(nlp, "The army said that soldiers had been moved.")
    assert len(quotes) == 1 and not quotes[0].negated


@pytest.mark.slow
def test_interrupted_quote_is_one_quote_with_two_spans(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“The talks are over,” Smith said. “But we remain ready to return.”"
    (q,) = run(nlp, text)
    assert [text[s:e] for s, e in q.content.spans] == [
        "The talks are over",
        "But we remain ready to return.",
    ]


@pytest.mark.slow
def test_pronoun_source_resolves_to_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Anna Petrova spoke on Monday. “We are ready,” she said."
    actors = [
        Actor(id="A1", name="Anna Petrova", kind="person", mentions=mentions(text, "Anna Petrova"))
    ]
    (q,) = run(nlp, text, actors)
    assert q.source is not None and q.source.text == "she" and q.source.actor_id == "A1"


@pytest.mark.slow
def test_ids_in_text_order(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Jones said the vote was fair. Later, Brown said the vote was rigged."
    quotes = run(nlp, text)
    assert [q.id for q in quotes] == ["Q1", "Q2"]
    assert quotes[0].content.spans[0][0] < quotes[1].content.spans[0][0]


@pytest.mark.slow
def test_trailing_participle_is_its_own_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The governor said the roads were closed, adding that schools would stay shut."
    said, adding = run(nlp, text)
    assert said.content.text == "the roads were closed"
    assert adding.cue is not None and adding.cue.lemma == "add"
    assert adding.content.text == "that schools would stay shut"
    assert adding.source is not None and adding.source.text == "The governor"


@pytest.mark.slow
def test_cue_span_keeps_auxiliaries(nlp) -> None:  # type: ignore[no-untyped-def]
    (q,) = run(nlp, "The minister has also said that talks will resume.")
    assert q.cue is not None and q.cue.text == "has also said" and q.cue.lemma == "say"


@pytest.mark.slow
def test_colon_introduces_next_paragraph(nlp) -> None:  # type: ignore[no-untyped-def]
    (q,) = run(nlp, "Officials responded:\nThe claims are false and we reject them.")
    assert q.content.text == "The claims are false and we reject them"
    assert q.source is not None and q.source.text == "Officials"


@pytest.mark.slow
def test_noun_and_adverb_cues(nlp) -> None:  # type: ignore[no-untyped-def]
    quotes = run(nlp, "His claim that the vote was rigged drew criticism.")
    claim = by_cue(quotes, "claim")
    assert claim and claim[0].content.text == "that the vote was rigged"
    assert claim[0].source is not None and claim[0].source.text == "His"
    (q,) = run(nlp, "The troops were reportedly moved overnight.")
    assert q.cue is not None and q.cue.text == "reportedly" and q.source is None


@pytest.mark.slow
def test_inverted_speaker_and_no_inherited_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    (q,) = run(nlp, "“We are not leaving,” said the woman.")
    assert q.source is not None and q.source.text == "the woman"
    quotes = run(nlp, "Asked whether he would run, Smith said he had not decided.")
    assert by_cue(quotes, "said")[0].source.text == "Smith"  # type: ignore[union-attr]
    assert all(q.source is None for q in by_cue(quotes, "Asked"))


@pytest.mark.slow
def test_channel_from_circumstance(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ambassador said during a meeting with reporters that sanctions would follow."
    (q,) = run(nlp, text)
    assert q.channel == "a meeting with reporters"
    assert q.content.text == "that sanctions would follow"


# ------------------------------------------------------------------------------ pathological text


PATHOLOGICAL = [
    "“Never closed, he said.",
    "Closed” only, he said.",
    '"' * 300 + " he said " + "“" * 200,
    "He said ‘maybe’ and «non» and „ja“ and ‹oui›.",
    "“" + "He said “nested “deeply” here” ok." * 20,
    "",
    " \n\n ",
    "“A quote left open at the paragraph end\n“And continued,” the envoy said.",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", PATHOLOGICAL)
def test_unbalanced_quotes_never_fail(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    check_offsets(text, run(nlp, text))


SOUP = ["“", "”", '"', "‘", "’", "«", "»", " said ", "He", " told ", ".", "\n", "according to",
        " the minister ", ",", "that", " not "]  # fmt: skip


@pytest.mark.slow
def test_many_quotes_stay_linear(nlp) -> None:  # type: ignore[no-untyped-def]
    import time

    text = " ".join(f"“Point {i} is clear,” he said. “Open {i}" for i in range(150))
    doc = nlp(text)
    analysis = Analysis(article=Article(id="t", text=text))
    started = time.perf_counter()
    extract_quotes(doc, analysis)
    elapsed = time.perf_counter() - started
    assert len(analysis.quotes) >= 100
    check_offsets(text, analysis.quotes)
    assert elapsed < 2.0  # milliseconds in practice; quadratic code would take far longer


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(SOUP), max_size=60))
def test_random_quote_soup_never_fails(nlp, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = "".join(parts)
    check_offsets(text, run(nlp, text))


# ------------------------------------------------------------------------------ reference article


@pytest.fixture(scope="module")
def reference(nlp, reference_text: str) -> tuple[str, list[Quote], list[Actor]]:  # type: ignore[no-untyped-def]
    """Reference article with the real actors extractor when it works, else hand-built actors."""
    text = reference_text
    analysis = Analysis(article=Article(id="ref", text=text, published="2022-02-15"))
    doc = nlp(text)
    try:
        from wirelens.extract.actors import extract_actors

        extract_actors(doc, analysis)
    except (ImportError, OSError):
        analysis.actors = [
            Actor(id=f"A{i}", name=name, kind=kind, mentions=mentions(text, surface))  # type: ignore[arg-type]
            for i, (name, kind, surface) in enumerate(
                [
                    ("Jens Stoltenberg", "person", "Stoltenberg"),
                    ("Alexander Lukashenko", "person", "Lukashenko"),
                    ("Maria Zakharova", "person", "Zakharova"),
                    ("Antony Blinken", "person", "Blinken"),
                    ("Volodymyr Zelensky", "person", "Zelensky"),
                    ("Russia", "country", "Russia"),
                    ("NATO", "organization", "NATO"),
                    ("France", "country", "France"),
                    ("Kremlin", "organization", "Kremlin"),
                ]
            )
        ]
    extract_quotes(doc, analysis)
    return text, analysis.quotes, analysis.actors


def actor_name(actors: list[Actor], actor_id: str | None) -> str | None:
    return next((a.name for a in actors if a.id == actor_id), None)


def find(quotes: list[Quote], content_start: str) -> Quote:
    hits = [q for q in quotes if q.content.text.startswith(content_start)]
    assert hits, f"no quote starting {content_start!r}"
    return hits[0]


@pytest.mark.slow
def test_reference_offsets_and_ids(reference) -> None:  # type: ignore[no-untyped-def]
    text, quotes, _ = reference
    check_offsets(text, quotes)
    assert [q.id for q in quotes] == [f"Q{i}" for i in range(1, len(quotes) + 1)]
    assert 15 <= len(quotes) <= 20


@pytest.mark.slow
def test_reference_stoltenberg(reference) -> None:  # type: ignore[no-untyped-def]
    _, quotes, actors = reference
    q = find(quotes, "There are signs from Moscow")
    assert q.kind == "direct" and q.channel == "reporters"
    assert "Stoltenberg" in actor_name(actors, q.source.actor_id)  # type: ignore[union-attr, operator]
    q = find(quotes, "Russia has amassed a fighting force")
    assert len(q.content.spans) == 2 and q.content.text.endswith("peaceful solution.")
    assert q.source is not None and q.source.text == "Stoltenberg"


@pytest.mark.slow
def test_reference_zakharova_and_lukashenko(reference) -> None:  # type: ignore[no-untyped-def]
    _, quotes, actors = reference
    q = find(quotes, "February 15, 2022 will go down")
    assert q.kind == "direct" and q.channel == "a statement" and q.via == "Reuters"
    assert "Zakharova" in q.source.text  # type: ignore[union-attr]
    q = find(quotes, "Look, if we planned")
    assert q.source is not None and q.source.text == "he"
    assert "Lukashenko" in actor_name(actors, q.source.actor_id)  # type: ignore[operator]
    q = find(quotes, "the United States and the West")
    assert q.kind == "mixed" and q.channel == "Russian media"


@pytest.mark.slow
def test_reference_indirect(reference) -> None:  # type: ignore[no-untyped-def]
    _, quotes, _ = reference
    q = find(quotes, "how many units")
    assert q.negated and q.source.text == "Russia"  # type: ignore[union-attr]
    q = find(quotes, "that it has yet to see evidence")
    assert q.kind == "indirect" and q.source.text == "NATO"  # type: ignore[union-attr]
    assert find(quotes, "Tuesday’s developments").source.text == "The Kremlin"  # type: ignore[union-attr]
    assert find(quotes, "it had yet to confirm").source.text == "France"  # type: ignore[union-attr]
    q = find(quotes, "that an invasion could occur")
    assert q.cue.lemma == "assert" and q.source.text == "White House officials"  # type: ignore[union-attr]
    q = find(quotes, "that he made the remarks sarcastically")
    assert q.source.text == "his office"  # type: ignore[union-attr]
    q = find(quotes, "Russia would invade")
    assert q.channel == "Facebook" and "Zelensky" in q.source.text  # type: ignore[union-attr, operator]
    q = find(quotes, "Russian tanks moving back")
    assert q.cue.lemma == "show" and "footage" in q.source.text  # type: ignore[union-attr]


@pytest.mark.slow
def test_reference_mixed_and_blinken(reference) -> None:  # type: ignore[no-untyped-def]
    _, quotes, _ = reference
    assert find(quotes, "that they are “cautiously optimistic”").kind == "mixed"
    q = find(quotes, "that “the path for diplomacy”")
    assert q.kind == "mixed" and q.source.text == "Blinken"  # type: ignore[union-attr]
    q = find(quotes, "We are in the process")
    assert q.kind == "direct" and q.channel == "a statement"
    assert "Blinken" in q.source.text  # type: ignore[union-attr]
    q = find(quotes, "These prudent precautions")
    assert q.kind == "direct" and q.cue.lemma == "add"  # type: ignore[union-attr]


@pytest.mark.slow
def test_reference_closing_an_embassy_is_no_attribution(reference) -> None:  # type: ignore[no-untyped-def]
    _, quotes, _ = reference
    # "also shut down its embassy in Kyiv": an act, not a statement (a rarely-cue verb with a
    # plain object needs a confident classifier).
    assert not [q for q in quotes if q.cue is not None and q.cue.lemma == "shut"]


def test_dateline_and_headline_are_not_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The Latest: Trump delivers defense of ‘New York values.’\n\n"
        "WASHINGTON (AP) — Donald Trump says he is proud of the city."
    )
    quotes = by_cue(run(nlp, text), "says")
    assert quotes and quotes[0].source is not None
    assert quotes[0].source.text == "Donald Trump"
    assert quotes[0].content.text == "he is proud of the city"


def test_channel_noun_is_not_a_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Zelensky said in a statement on Facebook that the talks would continue."
    quotes = run(nlp, text)
    assert [q.cue.text for q in quotes if q.cue] == ["said"]
    assert quotes[0].content.text == "that the talks would continue"


def test_poll_frame_is_the_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "In a CNN/ORC poll released Sunday, 38 percent of voters said the senator should quit."
    (q,) = run(nlp, text)
    assert q.cue is not None and q.cue.text == "In"
    assert q.source is not None and q.source.text == "a CNN/ORC poll released Sunday"
    assert q.content.text.startswith("38 percent of voters said")
    # Not a frame: a poll mentioned after its clause, attached to a noun.
    assert run(nlp, "She leads in the poll of likely voters.") == []


# ------------------------------------------------------------------ PolNeAR long-tail conventions


def test_speaker_turns_are_colon_cues(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "KATE BOULDUAN: Why not debate in New York?\n\n"
        "JOEL BENENSON: Because the voters there know her record.\n\n"
        'Clinton: "Our goal is to defeat ISIS." Bush: "The mission is to destroy ISIS."'
    )
    quotes = run(nlp, text)
    check_offsets(text, quotes)
    assert [(q.cue.text, q.source.text) for q in quotes if q.cue and q.source] == [
        (":", "KATE BOULDUAN"),
        (":", "JOEL BENENSON"),
        (":", "Clinton"),
        (":", "Bush"),
    ]
    assert quotes[0].content.text == "Why not debate in New York?"
    # One turn's content stops where the next speaker starts.
    assert "Bush" not in quotes[2].content.text and "defeat ISIS" in quotes[2].content.text


def test_labels_and_times_are_not_speakers(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "For context: Clinton leads by 400 delegates.\n\n12:15 p.m.: The vote begins."
    assert [q for q in run(nlp, text) if q.cue and q.cue.text == ":"] == []


def test_according_to_on_a_non_speech_verb_is_the_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The group has called for attacks on the city, according to the SITE Intelligence Group."
    (q,) = run(nlp, text)
    assert q.cue is not None and q.cue.text == "according to"
    assert q.source is not None and q.source.text == "the SITE Intelligence Group"
    assert q.content.text == "The group has called for attacks on the city"
    assert q.via is None
    # Fronted, it attributes the whole report, speech verb included.
    (q,) = run(nlp, "According to the post, Ashry said he was accompanying his wife.")
    assert q.cue is not None and q.cue.text == "According to"
    assert q.content.text.startswith("Ashry said")


def test_adjective_cue_with_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    (q,) = run(nlp, "Many Democrats are nervous that the party is divided.")
    assert q.cue is not None and q.cue.lemma == "nervous"
    assert q.source is not None and q.source.text == "Many Democrats"
    assert q.content.text == "that the party is divided"


def test_participle_with_a_quote_splits_off(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Byrne wrote the agents knew to brace for the eruptions, saying, "
        "“They didn’t happen every day.”"
    )
    quotes = run(nlp, text)
    assert [q.cue.text for q in quotes if q.cue] == ["wrote", "saying"]
    assert quotes[0].content.text == "the agents knew to brace for the eruptions"
    assert quotes[1].content.text == "They didn’t happen every day."
    assert quotes[1].source is not None and quotes[1].source.text == "Byrne"


def test_passive_attitude_holder_is_the_source(nlp) -> None:  # type: ignore[no-untyped-def]
    (q,) = run(nlp, "Her advisers are not convinced that the plan will work.")
    assert q.source is not None and q.source.text == "Her advisers"
    assert q.negated
    # A raised subject is still not a source.
    quotes = run(nlp, "The senator is expected to win the primary easily.")
    assert all(q.source is None for q in quotes)


# ------------------------------------------------------------- recall round (issue 10, buckets)


def test_mistyped_marks_still_pair() -> None:
    # An opening mark typed for the closing one, and a closing one typed for the opener.
    text = "“Do you want to be associated with a fascist?“ he asked.\n”Isis is evil,” wrote Pete."
    inner = [text[r.inner_start : r.inner_end] for r in find_regions(text)]
    assert inner == ["Do you want to be associated with a fascist?", "Isis is evil,"]
    assert all(r.closed for r in find_regions(text))


def test_quote_right_after_cue_and_comma_is_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Co-anchor Norah O’Donnell, who was off-screen, then loudly asked, “Really?”\n\n"
        "Debate on the remark was not confined to the show."
    )
    (q,) = by_cue(run(nlp, text), "asked")
    assert [text[s:e] for s, e in q.content.spans] == ["Really?"]
    assert q.source is not None and "O’Donnell" in q.source.text


def test_speaker_in_a_relative_clause_is_not_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The journalists chose to withhold some information that government officials said "
        "would compromise national security."
    )
    (q,) = by_cue(run(nlp, text), "said")
    assert q.source is not None and q.source.text == "government officials"
    assert not any(s <= q.source.start < e for s, e in q.content.spans)
    assert "would compromise national security" in q.content.text


def test_perfect_conjunct_inherits_the_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Clinton has expressed concerns but has said she wants to see the bill move forward."
    (q,) = by_cue(run(nlp, text), "has said")
    assert q.source is not None and q.source.text == "Clinton"


def test_addressee_is_not_the_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Todd questioned Pence about that position."
    (q,) = by_cue(run(nlp, text), "questioned")
    assert q.content.text == "that position"
    assert q.source is not None and q.source.text == "Todd"


def test_stance_noun_object_points_to_its_target(nlp) -> None:  # type: ignore[no-untyped-def]
    # PolNeAR: "voiced a wish for X", "took aim at X": the content is X, not the noun.
    text = "Senators expressed concern over the nuclear deal."
    (q,) = by_cue(run(nlp, text), "expressed")
    assert q.content.text == "the nuclear deal"
