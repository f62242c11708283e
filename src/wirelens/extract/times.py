"""Time expressions: find them, then normalise them to TIMEX3 values (HeidelTime-style rules).

Candidates come from two places: our own patterns (one regular expression per rule, run over the
text) and spaCy's DATE/TIME entities, trimmed of prepositions and approximators ("on", "just over")
the way TimeML spans exclude them. A candidate is kept only when a normalisation rule accepts its
text, so every record has a TIMEX3 type. Overlaps are resolved longest-first.

Relative expressions are resolved against ``analysis.article.published`` (the anchor). Bare
weekdays, months, weekends and seasons are ambiguous between past and future; the tense of the
verb that governs the expression decides ("met on Friday" -> last Friday, "will meet on Friday"
-> the coming one), and a weekday equal to the anchor's weekday is the anchor itself. Without an
anchor, relative expressions get ``value=None`` rather than a guess; absolute ones ("February 15,
2022") still resolve. When the article has no publication date, :func:`infer_published` tries to
recover it from the text first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from spacy.tokens import Doc, Span, Token

from ..model import Analysis, Time, TimeType
from .doctext import doc_ents, doc_text

Tense = Literal["past", "present", "future"]
Normalised = tuple[TimeType | None, str | None]

# --- lexicon -------------------------------------------------------------------------------------

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
PARTS_OF_DAY = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "tonight": "NI",
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "couple": 2, "a couple of": 2, "couple of": 2,
    "a dozen": 12, "dozen": 12,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}  # fmt: skip
# unit -> (TIMEX3 duration designator, is a time-of-day unit needing the "T" separator)
UNITS = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "week": ("W", False), "fortnight": ("W", False), "month": ("M", False), "year": ("Y", False),
    "decade": ("DE", False), "century": ("CE", False), "quarter": ("Q", False),
}  # fmt: skip
VAGUE_NUMBERS = {"several", "many", "a few", "few", "some", "numerous", "countless"}

# --- regular-expression building blocks ----------------------------------------------------------

_MON_FULL = "january|february|march|april|may|june|july|august|september|october|november|december"
MON = rf"(?:{_MON_FULL}|jan\.|feb\.|mar\.|apr\.|jun\.|jul\.|aug\.|sept?\.|oct\.|nov\.|dec\.|sept)"
WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
POD = r"(?:morning|afternoon|evening|night)"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
NUM = (
    rf"(?:\d+(?:\.\d+)?|(?:{_TENS})(?:-(?:{_ONES}))?|{_ONES}|{_TEENS}|(?:a\s+)?hundred"
    r"|(?:a\s+)?couple\s+of|(?:a\s+)?dozen|a\s+few|several|many|few|numerous|an?)"
)
UNIT = (
    r"(?:seconds|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?"
    r"|centur(?:y|ies))"
)
UNIT_SG = r"(?:minute|hour|day|week|fortnight|month|year|decade|century)"
MOD = (
    r"(?:early|mid|late|the\s+(?:end|beginning|start|middle|first\s+half|second\s+half)\s+of"
    r"|earlier|later)"
)
CLOCK = (
    r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|\d{1,2}:\d\d|noon|midnight)"
    r"(?:\s+(?:gmt|utc|bst|cet|[ecmp][sd]t|local\s+time))?"
)


@dataclass(frozen=True)
class Rule:
    """One HeidelTime-style rule: a pattern over the expression and its normalisation."""

    name: str
    pattern: re.Pattern[str]
    normalise: Callable[[re.Match[str], date | None, Tense], Normalised]
    # Rules whose pattern is too common a word sequence to trust without context (a bare year,
    # "years") only fire inside a spaCy DATE/TIME entity or after a temporal preposition.
    needs_context: bool = False


# --- calendar helpers ----------------------------------------------------------------------------


def _iso(d: date) -> str:
    return d.isoformat()


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _number(text: str) -> str:
    """'three' -> '3', '1.5' -> '1.5', 'several' -> 'X'."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    if text in VAGUE_NUMBERS:
        return "X"
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return text.rstrip("0").rstrip(".") if "." in text else str(int(text))
    if "-" in text:
        tens, ones = text.split("-", 1)
        return str(NUMBER_WORDS.get(tens, 0) + NUMBER_WORDS.get(ones, 0))
    return str(NUMBER_WORDS.get(text, "X"))


def _unit(text: str) -> str:
    text = text.lower()
    if text.startswith("centur"):
        return "century"
    return text[:-1] if text.endswith("s") else text


def duration_value(number: str, unit: str) -> str:
    """TIMEX3 duration: ('3', 'week') -> 'P3W', ('24', 'hour') -> 'PT24H', ('X', 'year') -> 'PXY'.

    Decades and centuries are written in years, as TE3 gold does ("the next decade" P10Y).
    """
    unit = _unit(unit)
    if unit == "fortnight":
        number = "X" if number == "X" else str(2 * float(number)).removesuffix(".0")
    if unit == "decade" and number != "X":
        return f"P{int(float(number) * 10)}Y"
    if unit == "century" and number != "X":
        return f"P{int(float(number) * 100)}Y"
    if unit == "quarter" and number != "X":
        return f"P{int(float(number) * 3)}M"
    designator, is_time = UNITS[unit]
    return f"P{'T' if is_time else ''}{number}{designator}"


def _shift(anchor: date, unit: str, n: int) -> str:
    """The anchor moved by ``n`` units, at that unit's granularity ('4 years ago' -> '2009')."""
    unit = _unit(unit)
    if unit in ("day", "hour", "minute", "second"):
        # An hour-level value needs a clock time we do not have; the day is the best we know.
        return _iso(anchor + timedelta(days=n if unit == "day" else 0))
    if unit in ("week", "fortnight"):
        return _week(anchor + timedelta(weeks=n * (2 if unit == "fortnight" else 1)))
    if unit == "month":
        return _month_value(*_add_months(anchor.year, anchor.month, n))
    if unit == "quarter":
        y, m = _add_months(anchor.year, anchor.month, 3 * n)
        return f"{y}-Q{(m - 1) // 3 + 1}"
    if unit == "year":
        return str(anchor.year + n)
    if unit == "decade":
        return str((anchor.year + 10 * n) // 10)
    return f"{(anchor.year + 100 * n) // 100:02d}"


def resolve_weekday(weekday: int, anchor: date, tense: Tense, relation: str = "") -> date:
    """The date of a weekday mention relative to the anchor.

    A weekday equal to the anchor's is the anchor itself (news: "Tuesday" in a Tuesday article is
    today). Otherwise past tense looks back, future tense forward, present tense takes the nearer.
    "last"/"next" force the direction and skip today; "this" stays in the anchor's ISO week.
    """
    back = (anchor.weekday() - weekday) % 7
    forward = (weekday - anchor.weekday()) % 7
    if relation in ("last", "past"):
        return anchor - timedelta(days=back or 7)
    if relation in ("next", "coming"):
        return anchor + timedelta(days=forward or 7)
    if relation == "this":
        return anchor + timedelta(days=weekday - anchor.weekday())
    if back == 0:
        return anchor
    if tense == "future" or (tense == "present" and forward < back):
        return anchor + timedelta(days=forward)
    return anchor - timedelta(days=back)


def resolve_month(month: int, anchor: date, tense: Tense, relation: str = "") -> str:
    """YYYY-MM of a bare month name ("in May") or "last/this/next May"."""
    year = anchor.year
    if relation in ("last", "past"):
        return _month_value(year if month < anchor.month else year - 1, month)
    if relation in ("next", "coming"):
        return _month_value(year if month > anchor.month else year + 1, month)
    if relation == "this" or tense == "present":
        return _month_value(year, month)
    if tense == "future":
        return _month_value(year if month >= anchor.month else year + 1, month)
    return _month_value(year if month <= anchor.month else year - 1, month)


def _weekend(anchor: date, tense: Tense, relation: str) -> str:
    """ISO week of the weekend meant: the last one (past), the next one (future) or this week's."""
    bare = relation in ("", "the")
    if relation in ("last", "past", "the past", "the last") or (bare and tense == "past"):
        saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
    elif relation in ("next", "coming", "the coming", "the next") or (bare and tense == "future"):
        saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
    else:
        saturday = anchor + timedelta(days=5 - anchor.weekday())
    return f"{_week(saturday)}-WE"


def _nearest_year(month: int, day: int, anchor: date) -> str:
    """A month-day without a year: the year that puts it closest to the anchor."""
    best: date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs(candidate - anchor) < abs(best - anchor):
            best = candidate
    return _iso(best) if best else f"XXXX-{month:02d}-{day:02d}"


def _full_date(year: str, month_text: str, day_text: str) -> str | None:
    month = MONTHS[month_text.lower().rstrip(".")]
    day = int(re.sub(r"\D", "", day_text))
    try:
        return _iso(date(int(year), month, day))
    except ValueError:
        return None


# --- rule handlers (match, anchor, tense) -> (type, value) ----------------------------------------


def _g(m: re.Match[str], name: str) -> str:
    """A named group, lower-cased; "" when the pattern has no such group or it did not take part."""
    return (m.groupdict().get(name) or "").lower()


def _rel(m: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", _g(m, "rel")).strip()


def _h_iso(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DATE", f"{m.group('y')}-{m.group('m')}-{m.group('d')}"


def _h_full(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DATE", _full_date(m.group("y"), m.group("mon"), m.group("d"))


def _h_month_day(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    month = MONTHS[_g(m, "mon").rstrip(".")]
    day = int(re.sub(r"\D", "", m.group("d")))
    if anchor is None:
        return "DATE", None
    return "DATE", _nearest_year(month, day, anchor)


def _h_month_year(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DATE", _month_value(int(m.group("y")), MONTHS[_g(m, "mon").rstrip(".")])


def _h_month(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    if anchor is None:
        return "DATE", None
    return "DATE", resolve_month(MONTHS[_g(m, "mon").rstrip(".")], anchor, tense, _rel(m))


def _h_year(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DATE", m.group("y")


def _h_decade(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    if m.group("y"):
        return "DATE", m.group("y")[:3]
    digit = int(m.group("d"))
    # "the '90s": the most recent such decade before the anchor's (or 20th century without one).
    century = 19 if anchor is None or digit * 10 > anchor.year % 100 else anchor.year // 100
    return "DATE", f"{century}{digit}"


def _h_century(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    n = _g(m, "n")
    number = int(re.sub(r"\D", "", n)) if n[0].isdigit() else ORDINALS.get(n, 0)
    return ("DATE", f"{number - 1:02d}") if number else (None, None)


def _h_weekday(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    pod = _g(m, "pod")
    kind: TimeType = "TIME" if pod else "DATE"
    if anchor is None:
        return kind, None
    day = resolve_weekday(WEEKDAYS[_g(m, "wd")], anchor, tense, _rel(m))
    return kind, _iso(day) + (f"T{PARTS_OF_DAY[pod]}" if pod else "")


def _clock(text: str) -> str | None:
    """'15:00' -> '15:00', '3 p.m.' -> '15:00', 'noon' -> '12:00'."""
    text = text.lower()
    if text.startswith("noon"):
        return "12:00"
    if text.startswith("midnight"):
        return "24:00"
    m = re.match(r"(\d{1,2})(?::(\d\d))?\s*(a\.?m\.?|p\.?m\.?)?", text)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3) and m.group(3).startswith("p") and hour < 12:
        hour += 12
    if m.group(3) and m.group(3).startswith("a") and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}" if hour <= 24 and minute < 60 else None


def _h_clock(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    clock = _clock(m.group("clock"))
    day_word = _g(m, "wd") or _g(m, "day")
    if anchor is None or clock is None:
        return "TIME", None
    if day_word in WEEKDAYS:
        day = resolve_weekday(WEEKDAYS[day_word], anchor, tense)
    else:
        day = anchor + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(day_word, 0))
    return "TIME", f"{_iso(day)}T{clock}"


def _h_relday(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    word, pod = _g(m, "day") or _g(m, "day2"), _g(m, "pod")
    kind: TimeType = "TIME" if pod or word == "tonight" else "DATE"
    if anchor is None:
        return kind, None
    word = re.sub(r"\s+", " ", word)
    offset = {
        "yesterday": -1, "tomorrow": 1, "last": -1, "the previous day": -1,
        "the following day": 1, "the next day": 1,
        "the day before yesterday": -2, "the day after tomorrow": 2,
    }.get(word, 0)  # fmt: skip
    value = _iso(anchor + timedelta(days=offset))
    if word == "tonight":
        return kind, f"{value}TNI"
    return kind, value + (f"T{PARTS_OF_DAY[pod]}" if pod else "")


_REFS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "at present": "PRESENT_REF", "presently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "these days": "PRESENT_REF", "the present": "PRESENT_REF", "the moment": "PRESENT_REF",
    "recent": "PAST_REF", "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
    "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "the foreseeable future": "FUTURE_REF", "the distant future": "FUTURE_REF",
    "the immediate future": "FUTURE_REF",
}  # fmt: skip


def _h_ref(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DATE", _REFS[re.sub(r"\s+", " ", m.group(0).lower())]


def _h_relunit(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    rel, unit = _rel(m), _g(m, "u")
    if anchor is None:
        return "DATE", None
    n = {"last": -1, "previous": -1, "the previous": -1, "next": 1, "the following": 1}.get(rel, 0)
    return "DATE", _shift(anchor, unit, n)


def _h_weekend(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    if anchor is None:
        return "DATE", None
    return "DATE", _weekend(anchor, tense, _rel(m))


def _h_season(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    code = SEASONS[_g(m, "s")]
    if m.group("sy"):
        return "DATE", f"{m.group('sy')}-{code}"
    if anchor is None:
        return "DATE", None
    rel = _rel(m)
    # Seasons as months (winter starts in December): compare the season's start with the anchor.
    start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    year = anchor.year
    current = anchor.month >= start or (code == "WI" and anchor.month <= 2)
    if code == "WI" and anchor.month <= 2:
        year -= 1  # winter 2021 runs into February 2022
    if rel in ("last", "the past", "past"):
        year = year - 1 if current or start > anchor.month else year
    elif rel in ("next", "the coming", "coming"):
        year = year + 1 if current or start <= anchor.month else year
    elif rel != "this" and not current:
        year = year + 1 if tense == "future" else year - (start > anchor.month)
    return "DATE", f"{year}-{code}"


def _h_quarter(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    q = _g(m, "q")
    number = int(q[0]) if q[0].isdigit() else ORDINALS[q]
    if m.group("y"):
        return "DATE", f"{m.group('y')}-Q{number}"
    if anchor is None:
        return "DATE", None
    current = (anchor.month - 1) // 3 + 1
    year = anchor.year - 1 if tense == "past" and number > current else anchor.year
    return "DATE", f"{year}-Q{number}"


def _h_ago(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    """'four years ago' -> 2009; 'a year later' counts forward (from the anchor, as HeidelTime
    does in news mode when no better reference time is known)."""
    number = _number(m.group("n"))
    later = _g(m, "dir") == "later"
    if number == "X":
        return "DATE", "FUTURE_REF" if later else "PAST_REF"
    if anchor is None:
        return "DATE", None
    n = int(float(number))
    return "DATE", _shift(anchor, m.group("u"), n if later else -n)


def _h_duration(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DURATION", duration_value(_number(m.group("n")), m.group("u"))


def _h_the_unit(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    """'the past year', 'the next decade': a one-unit duration (TimeBank convention)."""
    return "DURATION", duration_value("1", m.group("u"))


def _h_vague(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    return "DURATION", duration_value("X", m.group("u"))


_SET_ADVERBS = {
    "daily": "P1D", "nightly": "XXXX-XX-XXTNI", "weekly": "P1W", "monthly": "P1M",
    "hourly": "PT1H", "annually": "XXXX", "yearly": "XXXX",
}  # fmt: skip


def _h_set(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    what = re.sub(r"\s+", " ", _g(m, "x") or _g(m, "x2") or _g(m, "x3"))
    if what in _SET_ADVERBS:
        return "SET", _SET_ADVERBS[what]
    if what in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS[what] + 1}"
    if what in PARTS_OF_DAY:
        return "SET", f"XXXX-XX-XXT{PARTS_OF_DAY[what]}"
    if what.rstrip(".") in MONTHS:
        return "SET", f"XXXX-{MONTHS[what.rstrip('.')]:02d}"
    return "SET", duration_value("1", what)


_HALF = {"hour": "PT30M", "day": "PT12H", "month": "P2W", "year": "P6M"}


def _h_half(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    """'half an hour' PT30M; 'one and a half years' is written in the next smaller unit."""
    unit, n = _g(m, "u") or _g(m, "u2"), _g(m, "n") or _g(m, "n2")
    if not n:
        return "DURATION", _HALF[unit]
    whole = int(_number(n))
    smaller = {"hour": ("T", 60, "M"), "day": ("T", 24, "H"), "month": ("", 30, "D")}
    prefix, factor, designator = smaller.get(unit, ("", 12, "M"))
    return "DURATION", f"P{prefix}{whole * factor + factor // 2}{designator}"


def _h_nth_day(m: re.Match[str], anchor: date | None, tense: Tense) -> Normalised:
    # "the 99th day" of something unnamed: a day, but no calendar position (TimeML XXXX-XX-XX).
    return "DATE", "XXXX-XX-XX"


def _rule(
    name: str,
    pattern: str,
    handler: Callable[[re.Match[str], date | None, Tense], Normalised],
    needs_context: bool = False,
) -> Rule:
    return Rule(name, re.compile(pattern, re.IGNORECASE), handler, needs_context)


_MODP = rf"(?:(?P<mod>{MOD})[\s-]+)?"
RULES: list[Rule] = [
    _rule("iso", r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)", _h_iso),
    _rule("full_mdy", rf"(?:{WD},?\s+)?(?P<mon>{MON})\s+(?P<d>{DAY}),?\s+(?P<y>{YEAR})", _h_full),
    _rule(
        "full_dmy",
        rf"(?:{WD},?\s+)?(?:the\s+)?(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MON}),?\s+(?P<y>{YEAR})",
        _h_full,
    ),
    _rule("month_year", rf"{_MODP}(?P<mon>{MON}),?\s+(?:of\s+)?(?P<y>{YEAR})", _h_month_year),
    _rule("month_day", rf"(?:{WD},?\s+)?(?P<mon>{MON})\s+(?P<d>{DAY})(?![\d:])", _h_month_day),
    _rule(
        "day_month",
        rf"(?:the\s+)?(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{_MON_FULL})(?!\s*,?\s*\d)",
        _h_month_day,
    ),
    _rule(
        "clock",
        rf"(?P<clock>{CLOCK})(?:\s+(?:on\s+)?(?:(?P<wd>{WD})|(?P<day>today|tomorrow|yesterday)))?",
        _h_clock,
    ),
    _rule("weekday_pod", rf"(?P<pod>{POD})\s+of\s+(?P<wd>{WD})", _h_weekday),
    _rule(
        "weekday",
        rf"(?:(?P<mod>early|late)\s+)?(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<wd>{WD})"
        rf"(?:\s+(?P<pod>{POD}))?",
        _h_weekday,
    ),
    _rule(
        "relday",
        rf"(?P<day>yesterday|tomorrow|today|this|last)\s+(?P<pod>{POD})"
        r"|(?P<day2>tonight|today|yesterday|tomorrow|the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))",
        _h_relday,
    ),
    _rule(
        "ref",
        r"now|right\s+now|currently|at\s+present|presently|nowadays|these\s+days|recent|recently"
        r"|lately|the\s+past|the\s+(?:(?:near|foreseeable|distant|immediate)\s+)?future",
        _h_ref,
    ),
    _rule(
        "weekend",
        r"(?:(?P<rel>last|this|next|past|coming|the\s+past|the\s+last|the\s+coming|the\s+next|the)\s+)weekend",
        _h_weekend,
    ),
    _rule(
        "season",
        r"(?:(?P<rel>last|this|next|the\s+past|the\s+coming)\s+)?(?P<s>spring|summer|autumn|fall|winter)"
        rf"(?:\s+(?:of\s+)?(?P<sy>{YEAR}))?",
        _h_season,
        needs_context=True,
    ),
    _rule(
        "quarter",
        r"(?:the\s+)?(?P<q>first|second|third|fourth|[1-4](?:st|nd|rd|th))\s+quarter"
        rf"(?:\s+of\s+(?P<y>{YEAR}))?",
        _h_quarter,
    ),
    _rule(
        "relunit",
        rf"{_MODP}(?P<rel>last|this|next|the\s+current|the\s+previous|the\s+following)\s+"
        r"(?P<u>week|month|year|quarter|decade|century)",
        _h_relunit,
    ),
    _rule(
        "rel_month",
        rf"{_MODP}(?P<rel>last|this|next|past|coming)\s+(?P<mon>{_MON_FULL})",
        _h_month,
    ),
    _rule("ago", rf"(?P<n>{NUM})\s+(?P<u>{UNIT})\s+ago", _h_ago),
    _rule("earlier_later", rf"(?P<n>{NUM})\s+(?P<u>{UNIT})\s+(?P<dir>earlier|later)", _h_ago),
    _rule(
        "mod_the_unit",
        rf"(?P<mod>{MOD})\s+the\s+(?P<u>week|month|year|decade|century)",
        _h_relunit,
    ),
    _rule(
        "next_day",
        r"(?P<day>the\s+(?:previous|following|next)\s+day)",
        _h_relday,
    ),
    _rule(
        "the_unit",
        r"the\s+(?:past|last|next|coming)\s+"
        r"(?P<u>minute|hour|week|fortnight|month|year|decade|century)",
        _h_the_unit,
    ),
    _rule(
        "duration",
        r"(?:the\s+(?:(?:past|last|next|coming|previous|first|final|following|initial)\s+)?"
        r"|(?:a\s+)?mere\s+|(?:past|last|next|first|final)\s+)?"
        rf"(?P<n>{NUM})(?:\s+|-)(?:(?:more|additional|further|straight|consecutive|full)\s+)?"
        rf"(?P<u>{UNIT})(?:-long)?",
        _h_duration,
    ),
    _rule(
        "vague_duration",
        r"(?:(?P<pre>recent|the\s+(?:past|last|next|coming)(?:\s+(?:few|several))?)\s+)?"
        r"(?P<u>seconds|minutes|hours|days|weeks|months|years|decades|centuries)",
        _h_vague,
        needs_context=True,
    ),
    _rule(
        "set",
        rf"(?:every|each)\s+(?:other\s+)?(?P<x>{UNIT_SG}|{WD}|{POD}|{_MON_FULL})"
        r"|(?P<x2>daily|nightly|weekly|monthly|hourly|annually|yearly)"
        rf"|(?:once|twice|{NUM}\s+times)\s+(?:a|an|per|each|every)\s+(?P<x3>{UNIT_SG})",
        _h_set,
    ),
    _rule(
        "half",
        r"(?:(?P<n>an?|one|two|three|\d+)\s+and\s+)?(?:a\s+)?half(?:\s+an?\s+|-|\s+)"
        r"(?P<u>hour|day|month|year)s?"
        r"|(?P<n2>an?|one|two|three|\d+)\s+(?P<u2>hour|day|month|year)s?\s+and\s+a\s+half",
        _h_half,
    ),
    _rule("nth_day", r"the\s+\d+(?:st|nd|rd|th)\s+day", _h_nth_day),
    _rule(
        "decade",
        r"(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?(?:(?P<y>(?:1[5-9]|20)\d0)|'(?P<d>\d)0)'?s",
        _h_decade,
    ),
    _rule(
        "century",
        r"(?P<n>\d{1,2}(?:st|nd|rd|th)|"
        + "|".join(sorted(ORDINALS, key=len, reverse=True))
        + r")[\s-]+century",
        _h_century,
    ),
    _rule("month_year_mod", rf"(?P<mod>{MOD})[\s-]+(?P<mon>{_MON_FULL})", _h_month),
    _rule("year", rf"{_MODP}(?P<y>{YEAR})", _h_year, needs_context=True),
    _rule("month", rf"(?P<mon>{_MON_FULL})", _h_month, needs_context=True),
]


# --- normalisation of one expression --------------------------------------------------------------

_TRIM = re.compile(
    r"^(?:(?:on|in|at|over|during|by|since|until|till|from|for|of|to|through|throughout|within"
    r"|before|after|around|about|approximately|roughly|nearly|almost|just|only|some|up\s+to"
    r"|more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|as\s+early\s+as|as\s+late\s+as"
    r"|sometime|some\s+time|as\s+of)\s+)+",
    re.IGNORECASE,
)


# Patterns used per candidate, compiled once (re's own cache is shared with every other module).
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCT = re.compile(r"[,;:!?]+$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_WEEKDAY_WORD = re.compile(rf"\b({WD})\b")


def clean_expression(text: str) -> str:
    """Lower-case, unify quotes and dashes, collapse spaces, drop trailing punctuation."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    text = _SPACES.sub(" ", text.strip()).lower()
    return _TRAILING_PUNCT.sub("", text)


def match_rule(expression: str) -> tuple[Rule, re.Match[str]] | None:
    """The first rule whose pattern covers the whole (cleaned) expression."""
    text = clean_expression(expression)
    for rule in RULES:
        m = rule.pattern.fullmatch(text)
        if m:
            return rule, m
    return None


def normalise(expression: str, anchor: date | None, tense: Tense = "past") -> Normalised:
    """TIMEX3 ``(type, value)`` of one time expression, relative to ``anchor``.

    ``tense`` is that of the governing verb; it decides past or future for bare weekdays, months,
    weekends and seasons. Returns ``(None, None)`` when no rule recognises the expression, and
    ``(type, None)`` for a relative expression without an anchor.
    """
    found = match_rule(expression)
    if found is None:
        # TimeML spans leave out prepositions, approximators and (mostly) "the".
        trimmed = _TRIM.sub("", clean_expression(expression))
        found = match_rule(trimmed) or match_rule(_LEADING_THE.sub("", trimmed))
    if found is None:
        return None, None
    rule, m = found
    return rule.normalise(m, anchor, tense)


# --- tense of the governing verb -----------------------------------------------------------------

_FUTURE_PREPS = {"until", "till", "til", "for", "to", "by"}


def verb_tense(verb: Token) -> Tense:
    """Past, present or future reference of a verb, from its tag and auxiliaries."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & {"will", "'ll", "shall", "wo", "gonna"}:
        return "future"
    if any(a.tag_ == "MD" for a in auxes):
        # "would/could/may meet" look ahead; "could have met" looks back.
        return "past" if words & {"have", "'ve"} else "future"
    if "to" in words:
        return "future"  # infinitives are prospective: "due to be published in May"
    if any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if any(a.lemma_ == "have" for a in auxes):
        return "past"  # present perfect: the time is already behind us
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxes):
        return "past"
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    if verb.tag_ == "VBG" and verb.head.i != verb.i:
        return verb_tense(verb.head)
    if verb.tag_ == "VB":
        return "future"
    return "past"


def governing_tense(span: Span) -> Tense:
    """Tense of the verb that governs a time expression (the first verb up its head chain)."""
    tok = span.root
    via_prep: str | None = None
    for _ in range(10):
        if tok.pos_ in ("VERB", "AUX") and not span.start <= tok.i < span.end:
            break
        if tok.dep_ == "prep" or tok.pos_ == "ADP":
            via_prep = tok.lower_
        if tok.head.i == tok.i:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        verbs = [t for t in span.sent if t.pos_ in ("VERB", "AUX")]
        if not verbs:
            return "past"
        tok = verbs[0]
    tense = verb_tense(tok)
    # "has been postponed until Saturday": the deadline lies ahead of a perfect/present verb.
    past_aux = any(a.tag_ == "VBD" for a in tok.children if a.dep_ in ("aux", "auxpass"))
    if via_prep in _FUTURE_PREPS and tense != "future" and tok.tag_ != "VBD" and not past_aux:
        return "future"
    return tense


# --- candidates in a Doc -------------------------------------------------------------------------

_CONTEXT_PREPS = {
    "in", "since", "of", "by", "until", "till", "before", "after", "from", "during", "through",
    "to", "for", "within", "over", "throughout", "around", "between", "and", "took", "spent",
    "lasted", "recent", "this", "last", "next", "early", "late", "mid", "on", "every",
}  # fmt: skip
_CAPITALISED = re.compile(rf"\b({_MON_FULL}|{WD})\b", re.IGNORECASE)


@dataclass
class _Candidate:
    start: int
    end: int
    rule: Rule
    preset: Normalised | None = None  # values fixed by the scanner (year ranges)


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _counts_things(tok: Token) -> bool:
    """'2000 troops' counts troops; 'the 2022 elections' and 'a 2010 raid' are dated."""
    before = tok.doc[tok.i - 1] if tok.i > 0 else None
    determined = before is not None and before.tag_ in ("DT", "PRP$", "POS")
    return tok.dep_ == "nummod" and tok.head.tag_ in ("NNS", "NNPS") and not determined


def _plausible(doc: Doc, text: str, start: int, end: int, rule: Rule, in_entity: bool) -> bool:
    """Reject pattern hits that are ordinary words here: 'may' the modal, 'march' the verb.

    ``text`` is ``doc.text``, passed in: spaCy rebuilds it on every access.
    """
    expression = text[start:end]
    for word in _CAPITALISED.finditer(expression):
        if not word.group(0)[0].isupper():
            return False
    span = _tokens(doc, start, end)
    if span is None:
        return False
    if rule.name == "month" and (span[0].tag_ in ("MD", "VB", "VBP", "VBZ") or len(span) != 1):
        return False
    if rule.name == "set" and span[-1].lower_.endswith("ly") and span[-1].pos_ != "ADV":
        return False  # "the daily newspaper" is no SET
    if rule.name == "ref" and span[0].lower_ == "present" and span[0].pos_ != "ADV":
        return False
    if (
        rule.name == "ref"
        and span[-1].lower_ in ("future", "past")
        and span[-1].dep_
        in (
            "amod",
            "compound",
        )
    ):
        return False  # "the future treaty", "the past decisions": adjectives, not times
    if rule.name == "year" and _counts_things(span[-1]):
        return False
    m = rule.pattern.fullmatch(clean_expression(expression))
    anchored = m is not None and any(m.groupdict().get(g) for g in ("rel", "pre", "mod", "sy"))
    if rule.needs_context and not in_entity and not anchored:
        before = doc[span.start - 1] if span.start > 0 else None
        if before is None or before.lower_ not in _CONTEXT_PREPS:
            return False
    return True


def _entity_spans(doc: Doc) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in doc_ents(doc) if e.label_ in ("DATE", "TIME")]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


_YEAR_RANGE = re.compile(rf"(?<![\w-])(?P<a>{YEAR})[-–](?P<b>\d\d(?:\d\d)?)(?![\w-])")


@cache
def _bounded(rule: Rule) -> re.Pattern[str]:
    """The rule's pattern for searching running text: whole words only."""
    return re.compile(rf"(?<![\w'-])(?:{rule.pattern.pattern})(?![\w-])", re.IGNORECASE)


@cache
def _bounded_lower(rule: Rule) -> re.Pattern[str]:
    """The same, for lower-cased text: case-sensitive matching scans about 1.5x faster, and the
    rule patterns are written in lower case."""
    return re.compile(rf"(?<![\w'-])(?:{rule.pattern.pattern})(?![\w-])")


@cache
def _any_rule_starts() -> re.Pattern[str]:
    """Zero-width hits at the word starts where some rule matches (lower-cased text).

    One pass of this alternation finds the few places worth trying, so the 31 rules are matched
    there instead of each scanning the whole text: same hits, about 2x faster. Each rule's
    alternative ends in an empty marker group, so ``lastindex`` names the first rule that
    matches here: the rules before it need no try."""
    bodies = "|".join(
        rf"(?:{_NAMED_GROUP.sub('(?:', rule.pattern.pattern)})(?![\w-])()" for rule in RULES
    )
    return re.compile(rf"(?<![\w'-])(?=\w)(?={bodies})")


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@cache
def _lower_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(_bounded_lower(rule) for rule in RULES)


def _rule_hits(text: str, lowered: str | None) -> Iterator[tuple[Rule, int, int]]:
    """(rule, start, end) of every rule's whole-word, non-empty hits, each rule's hits not
    overlapping each other (as ``finditer`` gives them); on ``lowered`` when lower-casing kept
    every offset."""
    if lowered is None:
        for rule in RULES:
            for m in _bounded(rule).finditer(text):
                yield rule, m.start(), m.end()
        return
    patterns = _lower_patterns()
    free_from = [0] * len(RULES)  # a rule's next hit starts after its previous one
    for start_hit in _any_rule_starts().finditer(lowered):
        start = start_hit.start()
        first = (start_hit.lastindex or 1) - 1
        for number in range(first, len(RULES)):
            if start >= free_from[number]:
                hit = patterns[number].match(lowered, start)
                if hit is not None and hit.end() > start:
                    free_from[number] = hit.end()
                    yield RULES[number], start, hit.end()


def find_candidates(doc: Doc) -> list[_Candidate]:
    """Pattern hits and trimmed spaCy DATE/TIME entities, overlaps resolved longest-first."""
    text = doc_text(doc)
    entities = _entity_spans(doc)
    found: list[_Candidate] = []
    year_rule = next(r for r in RULES if r.name == "year")
    for m in _YEAR_RANGE.finditer(text):
        # "1957-58" is two dates; the second borrows the century of the first.
        first, second = m.group("a"), m.group("b")
        full_second = first[:2] + second if len(second) == 2 else second
        found.append(_Candidate(m.start("a"), m.end("a"), year_rule, ("DATE", first)))
        found.append(_Candidate(m.start("b"), m.end("b"), year_rule, ("DATE", full_second)))
    lowered = text.lower()
    same_offsets = lowered if len(lowered) == len(text) else None  # "İ" lower-cases to two
    for rule, start, end in _rule_hits(text, same_offsets):
        if end > start and _plausible(doc, text, start, end, rule, _inside(entities, start, end)):
            found.append(_Candidate(start, end, rule))
    for start, end in entities:
        raw = text[start:end]
        trimmed = _TRIM.sub("", raw)
        for piece in (raw, trimmed, _LEADING_THE.sub("", trimmed)):
            offset = start + len(raw) - len(piece)
            piece_end = offset + len(piece.rstrip(" ,.;:"))
            hit = match_rule(text[offset:piece_end])
            if hit and _plausible(doc, text, offset, piece_end, hit[0], True):
                found.append(_Candidate(offset, piece_end, hit[0]))
                break
    # Longest first; on ties, the earlier rule in RULES (more specific) wins.
    order = {rule.name: i for i, rule in enumerate(RULES)}
    found.sort(key=lambda c: (-(c.end - c.start), c.preset is None, order[c.rule.name], c.start))
    chosen: list[_Candidate] = []
    taken = [False] * (len(text) + 1)
    for cand in found:
        if any(taken[cand.start : cand.end]):
            continue
        for i in range(cand.start, cand.end):
            taken[i] = True
        chosen.append(cand)
    # A year range's parts are shorter than the full "1957-58" string but must not be dropped.
    return sorted(chosen, key=lambda c: c.start)


# --- publication date inference -------------------------------------------------------------------

_FULL_DATES = [r for r in RULES if r.name in ("full_mdy", "full_dmy", "iso")]


_CALENDAR_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def calendar_day(value: str | None) -> str | None:
    """The YYYY-MM-DD day of a TIMEX3 value ("2022-02-15T10:00" -> "2022-02-15"), or None for
    values that name no day ("2022-W06", "P3W", "FUTURE_REF")."""
    return value[:10] if value and _CALENDAR_DAY.match(value) else None


def dated_times(analysis: Analysis) -> list[tuple[int, int, str]]:
    """(start, end, YYYY-MM-DD) of the article's time expressions that name a calendar day."""
    return [(t.start, t.end, day) for t in analysis.times if (day := calendar_day(t.value))]


def infer_published(doc: Doc) -> str | None:
    """Guess the publication date from the text, or None.

    Candidates are the explicit full dates in the article. One whose weekday matches a bare
    weekday mention ("Tuesday") is preferred, since news dates events by weekday relative to the
    day of publication; among equals the latest wins (articles report up to their own day).
    """
    text = doc_text(doc)
    lowered = text.lower()
    dates: list[date] = []
    for rule in _FULL_DATES:
        hits = (
            _bounded_lower(rule).finditer(lowered)
            if len(lowered) == len(text)
            else _bounded(rule).finditer(text)
        )
        for m in hits:
            _, value = rule.normalise(m, None, "past")
            if value:
                try:
                    dates.append(date.fromisoformat(value))
                except ValueError:
                    continue
    if not dates:
        return None
    mentioned = {WEEKDAYS[w] for w in _WEEKDAY_WORD.findall(lowered)}
    agreeing = [d for d in dates if d.weekday() in mentioned]
    return _iso(max(agreeing or dates))


# --- the extractor -------------------------------------------------------------------------------


def _anchor(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def extract_times(doc: Doc, analysis: Analysis) -> None:
    """Append a ``Time`` record (TIMEX3 type and value) for every time expression in ``doc``."""
    article = analysis.article
    if not article.published:
        inferred = infer_published(doc)
        if inferred:
            article.published = inferred
            article.published_source = "inferred"
    anchor = _anchor(article.published)
    text = doc_text(doc)
    for cand in find_candidates(doc):
        if cand.preset is not None:
            kind, value = cand.preset
        else:
            span = _tokens(doc, cand.start, cand.end)
            tense = governing_tense(span) if span is not None else "past"
            kind, value = normalise(text[cand.start : cand.end], anchor, tense)
        if kind is None:
            continue
        analysis.times.append(
            Time(
                text=text[cand.start : cand.end],
                start=cand.start,
                end=cand.end,
                type=kind,
                value=value,
            )
        )
