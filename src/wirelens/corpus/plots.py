"""Charts for the corpus views: a PNG (matplotlib) or a self-contained HTML/SVG file (no CDN).

Two chart kinds cover every view: :func:`line_chart` (daily series: escalation index, words vs
deeds, a timeline's Goldstein mean) and :func:`dot_chart` (claim timelines: one row per group or
outlet, a dot per member coloured by status). The format follows the file extension.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

__all__ = ["STATUS_COLOURS", "dot_chart", "line_chart"]

STATUS_COLOURS = {
    "asserted": "#4c78a8",
    "confirmed": "#2ca02c",
    "hedged": "#9ecae9",
    "alleged": "#f2cf5b",
    "unconfirmed": "#f58518",
    "disputed": "#e45756",
    "denied": "#b22222",
    "unsupported": "#8c564b",
    "retracted": "#7f7f7f",
    "mention": "#c7c7c7",  # a sentence that states the claim (no claim record, no status)
}
_PALETTE = ("#4c78a8", "#e45756", "#54a24b", "#f58518", "#b279a2", "#72b7b2")
Series = dict[str, list[tuple[date, float]]]
Dots = list[tuple[str, date, str, str]]  # (row label, day, category, tooltip)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".png":
        return "png"
    if suffix in (".html", ".htm", ".svg"):
        return suffix.lstrip(".").replace("htm", "html").replace("htmll", "html")
    raise ValueError(f"--plot: unsupported extension {path.suffix!r} (use .png, .html or .svg)")


def line_chart(path: str | Path, title: str, series: Series, ylabel: str) -> Path:
    """Write daily series as lines (one per name)."""
    out = Path(path)
    kind = _kind(out)
    if kind == "png":
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4.5))
        for i, (name, points) in enumerate(series.items()):
            if points:
                xs, ys = zip(*sorted(points), strict=True)
                ax.plot(xs, ys, marker="o", ms=3, label=name, color=_PALETTE[i % len(_PALETTE)])
        ax.axhline(0, color="#999", lw=0.8)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(out, dpi=120)
        plt.close(fig)
        return out
    svg = _svg_lines(title, series, ylabel)
    out.write_text(_wrap(title, svg) if kind == "html" else svg, encoding="utf-8")
    return out


def dot_chart(path: str | Path, title: str, dots: Dots) -> Path:
    """Write one row per label with a dot per (day, category), coloured by status."""
    out = Path(path)
    kind = _kind(out)
    labels = list(dict.fromkeys(d[0] for d in dots))
    if kind == "png":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 1.2 + 0.4 * len(labels)))
        for category, colour in STATUS_COLOURS.items():
            pts = [(d[1], labels.index(d[0])) for d in dots if d[2] == category]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.scatter(xs, ys, color=colour, label=category, s=40, zorder=3)
        ax.set_yticks(range(len(labels)), [lab[:50] for lab in labels])
        ax.invert_yaxis()
        ax.grid(axis="x", color="#eee")
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(out, dpi=120)
        plt.close(fig)
        return out
    svg = _svg_dots(title, dots, labels)
    out.write_text(_wrap(title, svg) if kind == "html" else svg, encoding="utf-8")
    return out


# --- SVG by hand: small, self-contained, readable in any browser ----------------------------------

_W, _H, _L, _R, _T, _B = 900, 380, 70, 160, 40, 50


def _x_scale(days: list[date], width: int) -> tuple[date, float]:
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    return lo, (width - _L - _R) / span


def _svg_lines(title: str, series: Series, ylabel: str) -> str:
    points = [p for pts in series.values() for p in pts]
    parts = [_svg_head(_W, _H, title)]
    if not points:
        return parts[0] + '<text x="70" y="80">no data</text></svg>'
    lo, sx = _x_scale([p[0] for p in points], _W)
    ymin, ymax = min(0.0, *(p[1] for p in points)), max(0.0, *(p[1] for p in points))
    yspan = (ymax - ymin) or 1.0

    def x(d: date) -> float:
        return _L + (d - lo).days * sx

    def y(v: float) -> float:
        return _T + (ymax - v) / yspan * (_H - _T - _B)

    parts.append(f'<line x1="{_L}" x2="{_W - _R}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#999"/>')
    for v in (ymin, ymax):
        parts.append(f'<text x="{_L - 6}" y="{y(v):.1f}" text-anchor="end">{v:.1f}</text>')
    parts.append(f'<text x="14" y="{_H / 2}" transform="rotate(-90 14 {_H / 2})">')
    parts.append(f"{html.escape(ylabel)}</text>")
    for i, (name, pts) in enumerate(series.items()):
        colour = _PALETTE[i % len(_PALETTE)]
        pts = sorted(pts)
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in pts)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for d, v in pts:
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                f"<title>{html.escape(name)} {d.isoformat()}: {v:.2f}</title></circle>"
            )
        parts.append(
            f'<text x="{_W - _R + 10}" y="{_T + 16 * i + 10}" fill="{colour}">'
            f"{html.escape(name)}</text>"
        )
    parts.append(_x_axis([p[0] for p in points], x))
    return "".join(parts) + "</svg>"


def _svg_dots(title: str, dots: Dots, labels: list[str]) -> str:
    height = _T + _B + 24 * max(len(labels), 1)
    parts = [_svg_head(_W, height, title)]
    if not dots:
        return parts[0] + '<text x="70" y="80">no data</text></svg>'
    left = 300
    lo, hi = min(d[1] for d in dots), max(d[1] for d in dots)
    sx = (_W - left - _R) / max((hi - lo).days, 1)

    def x(d: date) -> float:
        return left + (d - lo).days * sx

    for i, label in enumerate(labels):
        yy = _T + 24 * i + 12
        parts.append(
            f'<text x="{left - 8}" y="{yy + 4}" text-anchor="end">{html.escape(label[:45])}</text>'
        )
        parts.append(f'<line x1="{left}" x2="{_W - _R}" y1="{yy}" y2="{yy}" stroke="#eee"/>')
    for label, day, category, tip in dots:
        yy = _T + 24 * labels.index(label) + 12
        colour = STATUS_COLOURS.get(category, "#333")
        parts.append(
            f'<circle cx="{x(day):.1f}" cy="{yy}" r="6" fill="{colour}">'
            f"<title>{html.escape(f'{day.isoformat()} {category}: {tip}')}</title></circle>"
        )
    for i, (category, colour) in enumerate(STATUS_COLOURS.items()):
        parts.append(
            f'<circle cx="{_W - _R + 16}" cy="{_T + 16 * i}" r="5" fill="{colour}"/>'
            f'<text x="{_W - _R + 26}" y="{_T + 16 * i + 4}">{category}</text>'
        )
    parts.append(_x_axis([d[1] for d in dots], x, height))
    return "".join(parts) + "</svg>"


def _x_axis(days: list[date], x: object, height: int = _H) -> str:
    from collections.abc import Callable

    assert callable(x)
    fx: Callable[[date], float] = x
    ticks = sorted(set(days))
    step = max(1, len(ticks) // 8)
    return "".join(
        f'<text x="{fx(d):.1f}" y="{height - _B + 20}" text-anchor="middle">{d.isoformat()}</text>'
        for d in ticks[::step]
    )


def _svg_head(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">'
        f"{html.escape(title)}</text>"
    )


def _wrap(title: str, svg: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{svg}</body></html>\n"
    )
