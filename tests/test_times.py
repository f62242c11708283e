"""Time expressions: the reference article's cases, the normaliser's rules, date inference."""

from __future__ import annotations

from datetime import date

import pytest

from wirelens.extract.times import extract_times, infer_published, normalise
from wirelens.model import Analysis, Article, Time

ANCHOR = date(2022, 2, 15)  # a Tuesday, the reference article's publication date


def _analyse(nlp, text: str, published: str | None) -> Analysis:  # type: ignore[no-untyped-def]
    analysis = Analysis(article=Article(id="t", text=text, published=published))
    extract_times(nlp(text), analysis)
    return analysis


def _find(analysis: Analysis, text: str, after: str = "") -> Time:
    """The time record with this text whose preceding context ends with ``after``."""
    full = analysis.article.text
    for t in analysis.times:
        if t.text == text and full[: t.start].rstrip().endswith(after.rstrip()):
            return t
    found = [(t.text, t.value) for t in analysis.times]
    raise AssertionError(f"no time {text!r} after {after!r}; found {found}")


@pytest.fixture(scope="module")
def reference(nlp, reference_text: str) -> Analysis:  # type: ignore[no-untyped-def]
    return _analyse(nlp, reference_text, "2022-02-15")


def test_spans_are_offsets_into_the_text(reference: Analysis) -> None:
    text = reference.article.text
    assert reference.times
    for t in reference.times:
        assert text[t.start : t.end] == t.text


@pytest.mark.parametrize(
    ("text", "after", "kind", "value"),
    [
        ("Tuesday", "Russia announced", "DATE", "2022-02-15"),
        ("Tuesday morning", "told reporters", "TIME", "2022-02-15TMO"),
        ("Tuesday", "Press Service on", "DATE", "2022-02-15"),
        ("Monday", "On", "DATE", "2022-02-14"),
        ("Monday", "and on", "DATE", "2022-02-14"),
        ("Feb. 16", "would invade on", "DATE", "2022-02-16"),
        ("February 15, 2022", "“", "DATE", "2022-02-15"),
        ("the past weekend", "Over", "DATE", "2022-W06-WE"),
        ("the near future", "could occur in", "DATE", "FUTURE_REF"),
        ("recent", "with", "DATE", "PAST_REF"),
        ("now", "Everything is", "DATE", "PRESENT_REF"),
    ],
)
def test_reference_article(
    reference: Analysis, text: str, after: str, kind: str, value: str
) -> None:
    t = _find(reference, text, after)
    assert (t.type, t.value) == (kind, value)


def test_reference_article_has_no_spurious_numbers(reference: Analysis) -> None:
    # "130,000 Russian troops" and "the cold war" are not time expressions.
    assert not any("130,000" in t.text or "cold war" in t.text for t in reference.times)


@pytest.mark.parametrize(
    ("sentence", "weekday", "value"),
    [
        ("The ministers will meet on Friday.", "Friday", "2022-02-18"),
        ("The ministers met on Friday.", "Friday", "2022-02-11"),
        ("The ministers have met on Friday.", "Friday", "2022-02-11"),
        ("The vote is due to take place on Thursday.", "Thursday", "2022-02-17"),
        ("The match has been postponed until Saturday.", "Saturday", "2022-02-19"),
        ("Officials said Tuesday that talks continue.", "Tuesday", "2022-02-15"),
    ],
)
def test_governing_verb_tense_decides_weekday(nlp, sentence: str, weekday: str, value: str) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse(nlp, sentence, "2022-02-15")
    assert _find(analysis, weekday).value == value


@pytest.mark.parametrize(
    ("expression", "tense", "expected"),
    [
        # weekdays: same day, past, future, present takes the nearer one, last/next skip today
        ("Tuesday", "past", ("DATE", "2022-02-15")),
        ("Tuesday", "future", ("DATE", "2022-02-15")),
        ("Friday", "past", ("DATE", "2022-02-11")),
        ("Friday", "future", ("DATE", "2022-02-18")),
        ("Sunday", "present", ("DATE", "2022-02-13")),
        ("last Tuesday", "past", ("DATE", "2022-02-08")),
        ("next Monday", "past", ("DATE", "2022-02-21")),
        ("On Monday", "past", ("DATE", "2022-02-14")),
        # weeks and weekends (ISO weeks: 2022-02-15 is in W07)
        ("last week", "past", ("DATE", "2022-W06")),
        ("this week", "past", ("DATE", "2022-W07")),
        ("next week", "past", ("DATE", "2022-W08")),
        ("Over the past weekend", "past", ("DATE", "2022-W06-WE")),
        ("the weekend", "future", ("DATE", "2022-W07-WE")),
        ("the weekend", "past", ("DATE", "2022-W06-WE")),
        # months: bare ones follow the tense, last/next are relative to the anchor's month
        ("May", "past", ("DATE", "2021-05")),
        ("May", "future", ("DATE", "2022-05")),
        ("January", "past", ("DATE", "2022-01")),
        ("last May", "future", ("DATE", "2021-05")),
        ("last January", "past", ("DATE", "2022-01")),
        ("next month", "past", ("DATE", "2022-03")),
        ("early March", "future", ("DATE", "2022-03")),
        ("late 2021", "past", ("DATE", "2021")),
        ("May 2010", "past", ("DATE", "2010-05")),
        ("Feb. 16", "past", ("DATE", "2022-02-16")),
        ("December 30", "past", ("DATE", "2021-12-30")),
        ("February 15, 2022", "past", ("DATE", "2022-02-15")),
        ("15 February 2022", "past", ("DATE", "2022-02-15")),
        # years, decades, centuries, relative days, "ago"
        ("last year", "past", ("DATE", "2021")),
        ("four years ago", "past", ("DATE", "2018")),
        ("three days ago", "past", ("DATE", "2022-02-12")),
        ("the 1990s", "past", ("DATE", "199")),
        ("the 20th century", "past", ("DATE", "19")),
        ("yesterday", "past", ("DATE", "2022-02-14")),
        ("tomorrow", "past", ("DATE", "2022-02-16")),
        ("this morning", "past", ("TIME", "2022-02-15TMO")),
        ("the previous day", "past", ("DATE", "2022-02-14")),
        ("the previous week", "past", ("DATE", "2022-W06")),
        ("a year earlier", "past", ("DATE", "2021")),
        ("Tuesday morning", "past", ("TIME", "2022-02-15TMO")),
        ("3 p.m.", "past", ("TIME", "2022-02-15T15:00")),
        ("15:00 GMT Saturday", "future", ("TIME", "2022-02-19T15:00")),
        # TimeML reference values
        ("in the near future", "future", ("DATE", "FUTURE_REF")),
        ("recently", "past", ("DATE", "PAST_REF")),
        ("now", "present", ("DATE", "PRESENT_REF")),
        # durations
        ("three weeks", "past", ("DURATION", "P3W")),
        ("24 hours", "past", ("DURATION", "PT24H")),
        ("a mere 24 hours", "past", ("DURATION", "PT24H")),
        ("three-month", "past", ("DURATION", "P3M")),
        ("the past two years", "past", ("DURATION", "P2Y")),
        ("the next decade", "future", ("DURATION", "P10Y")),
        ("several years", "past", ("DURATION", "PXY")),
        ("half an hour", "past", ("DURATION", "PT30M")),
        # sets
        ("every week", "past", ("SET", "P1W")),
        ("every Tuesday", "past", ("SET", "XXXX-WXX-2")),
        ("every morning", "past", ("SET", "XXXX-XX-XXTMO")),
        ("twice a week", "past", ("SET", "P1W")),
        ("daily", "past", ("SET", "P1D")),
    ],
)
def test_normalise(expression: str, tense: str, expected: tuple[str, str]) -> None:
    assert normalise(expression, ANCHOR, tense) == expected  # type: ignore[arg-type]


def test_normalise_without_anchor() -> None:
    # Relative expressions cannot be resolved, absolute ones still can.
    assert normalise("Friday", None, "past") == ("DATE", None)
    assert normalise("last week", None) == ("DATE", None)
    assert normalise("Tuesday morning", None) == ("TIME", None)
    assert normalise("February 15, 2022", None) == ("DATE", "2022-02-15")
    assert normalise("three weeks", None) == ("DURATION", "P3W")


def test_normalise_rejects_non_times() -> None:
    assert normalise("the cold war", ANCHOR) == (None, None)
    assert normalise("130,000 troops", ANCHOR) == (None, None)


def test_words_that_only_look_like_times(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Officials may march to the border. Theresa said the daily briefing was long. "
        "Nothing in the future treaty denies it. He sent 2000 troops."
    )
    analysis = _analyse(nlp, text, "2022-02-15")
    assert [t.text for t in analysis.times] == []


def test_year_range_gives_two_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse(nlp, "He joined the expedition of 1957-58 as a photographer.", "2013-03-22")
    assert [(t.text, t.value) for t in analysis.times] == [("1957", "1957"), ("58", "1958")]


def test_infer_published_from_reference(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    assert infer_published(nlp(reference_text)) == "2022-02-15"
    analysis = _analyse(nlp, reference_text, None)
    assert analysis.article.published == "2022-02-15"
    assert analysis.article.published_source == "inferred"
    assert _find(analysis, "Monday", "On").value == "2022-02-14"


def test_infer_published_prefers_date_matching_weekday_mentions(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The accord of March 3, 2021 was cited. On Tuesday, February 15, 2022, officials met. "
        "A summit is planned for February 20, 2022. Talks resumed Tuesday."
    )
    # 2022-02-20 is later but a Sunday; only 2022-02-15 agrees with "Tuesday".
    assert infer_published(nlp(text)) == "2022-02-15"
    assert infer_published(nlp("The accord of March 3, 2021 was cited.")) == "2021-03-03"


def test_no_inference_leaves_relative_values_unresolved(nlp) -> None:  # type: ignore[no-untyped-def]
    analysis = _analyse(nlp, "Troops arrived on Monday. The base was built in 2019.", None)
    assert analysis.article.published is None
    assert _find(analysis, "Monday").value is None
    assert _find(analysis, "2019").value == "2019"


def test_lower_cased_prefiltered_scan_finds_what_each_case_insensitive_scan_finds() -> None:
    from wirelens.extract import times as T

    text = (
        "On MONDAY the talks resumed; by Tuesday evening, Three Weeks had passed since "
        "February 15, 2022 (the 2021-22 season). İstanbul hosted them LAST WEEK and will again "
        "next month, twice a year, two days ago, in the early 1990s at 10 a.m."
    )

    def each_rule(source: str) -> list[tuple[str, int, int]]:
        return sorted(
            (rule.name, m.start(), m.end())
            for rule in T.RULES
            for m in T._bounded(rule).finditer(source)
            if m.end() > m.start()
        )

    def fast(source: str, lowered: str | None) -> list[tuple[str, int, int]]:
        return sorted((rule.name, start, end) for rule, start, end in T._rule_hits(source, lowered))

    plain = text.replace("İstanbul", "Istanbul")
    expected = each_rule(plain)
    assert len(expected) >= 10
    assert fast(plain, plain.lower()) == expected
    # "İ" lower-cases to two characters: the scan falls back to the original text.
    assert len(text.lower()) != len(text)
    assert fast(text, None) == each_rule(text)
