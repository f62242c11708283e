"""Character-span helpers shared by the stages (trimming, subtrees, interval arithmetic)."""

from __future__ import annotations

from spacy.tokens import Token

Span = tuple[int, int]

QUOTE_CHARS = "\"'“”‘’«»„‹›"
TRIM_CHARS = " \t\n,;:—–-" + QUOTE_CHARS


def trim(text: str, span: Span, chars: str = " \t\n,;:—–-") -> Span:
    """Shrink ``span`` past leading/trailing ``chars``; an empty result keeps ``start == end``."""
    s, e = span
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


def subtree_span(tok: Token) -> Span:
    """Characters covered by the (projective) subtree of ``tok``."""
    right = tok.right_edge
    return tok.left_edge.idx, right.idx + len(right)


def token_span(tok: Token) -> Span:
    return tok.idx, tok.idx + len(tok)


def subtract(span: Span, hole: Span) -> list[Span]:
    """``span`` minus ``hole`` as zero, one or two spans."""
    s, e = span
    hs, he = hole
    if he <= s or hs >= e:
        return [span]
    out: list[Span] = []
    if hs > s:
        out.append((s, hs))
    if he < e:
        out.append((he, e))
    return out


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))
