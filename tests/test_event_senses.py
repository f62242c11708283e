"""Trigger senses: the same word names an act, another act, or none, by what it governs."""

from __future__ import annotations

import pytest

from wirelens.model import Article
from wirelens.pipeline import Pipeline, default_extractors


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    return Pipeline(nlp=nlp, extractors=default_extractors())


def acts(pipeline: Pipeline, text: str, trigger: str) -> set[str]:
    analysis = pipeline.analyze(Article(id="t", text=text, published="2016-02-06"))
    return {e.type for e in analysis.events if e.trigger.text == trigger}


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # a question is no demand; asking someone to act is
        ("Moderator David Muir asked Republicans a simple question.", "asked", set()),
        ("President Zelensky asked President Biden to visit Kyiv.", "asked", {"REQUEST"}),
        # calling someone something is name-calling, calling someone is a call
        ("Jeb Bush called Donald Trump “unhinged.”", "called", {"ACCUSE"}),
        ("President Biden called President Macron on Sunday.", "called", {"CONSULT"}),
        ("Hillary Clinton is calling for the United States to lead.", "calling", {"REQUEST"}),
        # an attack on a person is words, on a country violence
        ("Hillary Clinton attacked Donald Trump over his taxes.", "attacked", {"ACCUSE"}),
        ("Russia attacked Ukraine on Thursday.", "attacked", {"ASSAULT"}),
        # only people are released, only places returned to
        ("The Pentagon released a video on Tuesday.", "released", set()),
        ("Russia released two American prisoners.", "released", {"RETREAT"}),
        ("Russian units are returning to their home bases.", "returning", {"RETREAT"}),
        ("Marco Rubio is returning to his campaign themes.", "returning", set()),
        # aid is money, weapons, supplies; an assessment or an answer is not
        (
            "The United States provided $650 million in security assistance.",
            "provided",
            {"AID"},
        ),
        ("Vladimir Putin provided an assessment of the talks.", "provided", set()),
        # a talk needs someone to talk with
        ("Senator Cruz talked about Israel at length.", "talked", set()),
        ("Senator Cruz talked with Prime Minister Netanyahu.", "talked", {"CONSULT"}),
        # fighting for a place, sitting at a number, failing: no act
        ("Marco Rubio and Ted Cruz are fighting for second place.", "fighting", set()),
        ("Jeb Bush sits at just 10 percent in the polls.", "sits", set()),
        ("Vladimir Putin has failed in his goal.", "failed", set()),
        # insisting that something is so asserts; insisting that something must be demands
        ("Donald Trump insisted that he has expanded the party.", "insisted", set()),
        (
            "Ukraine insists that the treaty must be signed by all guarantors.",
            "insists",
            {"REQUEST"},
        ),
        # an offer of a prayer is no act; an offer of talks is
        ("Marco Rubio offered a prayer.", "offered", set()),
        ("Russia offered talks on security guarantees.", "offered", {"AGREE"}),
        # support with aid or for programmes is aid; support for a candidate is support
        (
            "The United States is supporting the Ministry of Health with technical assistance.",
            "supporting",
            {"AID"},
        ),
        ("Senator Graham supports Ted Cruz.", "supports", {"SUPPORT"}),
        # denying someone something sanctions them; denying a report rejects it
        ("The G7 will deny Russia the benefits of its WTO membership.", "deny", {"SANCTION"}),
        ("Russia denied the report on Tuesday.", "denied", {"REJECT"}),
        # welcoming someone to a place hosts a visit
        ("President Biden welcomed Chancellor Olaf Scholz to Washington.", "welcomed", {"CONSULT"}),
        # a question asked before the cue, a memory, seizing on something, talking alone: no act
        ("“Why are you still endorsing him?” Obama asked Republican senators.", "asked", set()),
        ("Senator McCain recalled the debate.", "recalled", set()),
        ("Russia recalled its ambassador from Washington.", "recalled", {"SANCTION"}),
        ("Donald Trump seized on the video in the debate.", "seized", set()),
        ("Hillary Clinton talked through policy issues in Ohio.", "talked", set()),
        # calling someone a word of praise is praise
        ("Ben Carson called Donald Trump “a very intelligent man.”", "called", {"SUPPORT"}),
        # a sanction is a sanction, whatever the modal
        ("The United States will also sanction Dmitry Peskov.", "sanction", {"SANCTION"}),
    ],
)
def test_trigger_sense(pipeline: Pipeline, text: str, trigger: str, expected: set[str]) -> None:
    assert acts(pipeline, text, trigger) == expected
