"""The pipeline: one Doc per article, long articles parsed in bounded pieces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirelens import pipeline
from wirelens.ingest.article import make_article
from wirelens.pipeline import Pipeline, split_text


@given(text=st.text(alphabet=st.sampled_from("ab \n."), max_size=400), limit=st.integers(4, 60))
def test_split_text_pieces_join_back_and_stay_bounded(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)
    assert all(pieces) or pieces == [""]


def test_split_prefers_paragraph_breaks() -> None:
    text = "one two three.\n\nfour five six.\n\nseven eight."
    assert split_text(text, 20) == ["one two three.\n\n", "four five six.\n\n", "seven eight."]


def test_long_article_is_parsed_in_pieces_into_one_doc(
    nlp, reference_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    text = "\n\n".join([reference_text] * 3)
    whole = Pipeline(nlp=nlp).analyze(make_article(text, published="2022-02-15"))
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1500)
    monkeypatch.setattr(pipeline.split_text, "__defaults__", (1500,))
    assert len(split_text(text)) > 3
    pieces = Pipeline(nlp=nlp).analyze(make_article(text, published="2022-02-15"))
    assert pieces.article.text == text
    # The same people, with every mention, and the quotes that cross no cut.
    names = lambda a: {(x.name, len(x.mentions)) for x in a.actors if x.kind == "person"}  # noqa: E731
    assert names(pieces) == names(whole)
    speakers = [q.source.text for q in pieces.quotes if q.source]
    assert speakers.count("Stoltenberg") == 3
    for quote in pieces.quotes:
        for start, end in quote.content.spans:
            assert 0 <= start <= end <= len(text)


def test_batch_with_an_article_over_spacys_length_limit(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # Shrink both limits so the test is quick: without pieces spaCy would refuse the long text.
    monkeypatch.setattr(nlp, "max_length", 20_000)
    monkeypatch.setattr(pipeline.split_text, "__defaults__", (10_000,))
    paragraph = "Russia said on Tuesday that it had moved some troops back to their bases.\n\n"
    long_text = paragraph * (50_000 // len(paragraph))
    with pytest.raises(ValueError, match="E088"):
        nlp(long_text)
    articles = [make_article(paragraph), make_article(long_text), make_article(paragraph + "x")]
    results = list(Pipeline(nlp=nlp).analyze_many(articles))
    assert [r.article.text for r in results] == [a.text for a in articles]
    assert len(results[1].quotes) == long_text.count("said")


def test_primed_doc_text_is_the_parsed_text_and_a_foreign_text_is_refused(nlp) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.doctext import doc_text, prime_doc_text

    text = "NATO said on Tuesday it had seen no pullback.  Russia disagreed."
    doc = nlp(text)
    prime_doc_text(doc, "a different text of another length")
    assert doc_text(doc) == doc.text == text  # refused: built from the tokens
    fresh = nlp(text)
    prime_doc_text(fresh, text)
    assert doc_text(fresh) is text
    empty = nlp("")
    prime_doc_text(empty, "")
    assert doc_text(empty) == ""


def test_cached_entities_are_the_docs_and_the_doc_still_serialises(nlp) -> None:  # type: ignore[no-untyped-def]
    from wirelens.extract.doctext import doc_ents, doc_text

    doc = nlp("Jens Stoltenberg met Olaf Scholz in Berlin on Tuesday.")
    first = doc_ents(doc)
    assert doc_ents(doc) is first  # built once
    assert [(e.start, e.end, e.label_) for e in first] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
    doc_text(doc)
    from spacy.tokens import Doc

    # The caches do not break serialisation.
    assert Doc(nlp.vocab).from_bytes(doc.to_bytes()).text == doc.text
