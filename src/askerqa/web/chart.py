"""A small bar chart as inline SVG: the unit stated, Norwegian number format, a zero baseline, gaps shown.

Drawn here rather than with Gradio's plots because those format numbers the English way (`178,000`, which a
Norwegian reads as 178) and cannot show a missing year as a gap. Each bar carries the value as printed.

One picture, two drawings of the series: a wide one (columns, 640 × 260) and a narrow one for a phone (one bar a
line, NARROW wide). The picture has no viewBox, so it is never scaled: its text is the size the page's CSS gives
it (12 px wide, 14 px narrow), where a 640-unit drawing shrunk to a phone had 5 px text. The CSS (assets.py,
"figure finder" block) sizes the picture and shows the drawing that fits the window; the picture is one image
with one description for a screen reader.
"""

from __future__ import annotations

import math
from html import escape

from ..figures import Series

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 24, 40
# the narrow drawing: NARROW px wide for a 360 px phone, text of FONT px; CHAR is a generous width of a character
NARROW, FONT, CHAR, ROW = 270, 14, 8.2, 34
NOTHING = "Velg en rad med tall for flere år for å se utviklingen."
NOT_A_SERIES = "Denne raden er ikke én tallrekke over år (for eksempel flere grupper eller enheter), så den vises ikke som graf."


def norwegian(value: float) -> str:
    """`178000` -> `178 000`, `8.4` -> `8,4` (a no-break space between thousands)."""
    if value == int(value):
        text = f"{int(value):,}".replace(",", "\u00a0")
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "−")


def ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values from `low` to `high` (low <= 0 <= high), zero always among them."""
    span = (high - low) or 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    out, value = [], first
    while value <= high + step * 1e-9:
        out.append(round(value, 10))
        value += step
    if out[-1] < high:
        out.append(round(out[-1] + step, 10))
    return out


def svg(series: Series | None, reason: str = NOT_A_SERIES) -> str:
    """The chart's HTML (a wide and a narrow drawing), or `reason`: a sentence saying why there is none."""
    if series is None:
        return f'<p class="chart-note">{escape(reason)}</p>'
    numbers = [n for _, n, _ in series.points if n is not None]
    marks = ticks(min(0.0, *numbers), max(0.0, *numbers))
    unit = series.unit or "tall som i rapporten"
    described = "; ".join(f"{label}: {printed or 'mangler'}" for label, _, printed in series.points)
    title = escape(f"{series.label} ({unit}). {described}")
    narrow, height = _bars(series, marks)
    return (f'<figure class="chart"><figcaption><strong>{escape(series.label)}</strong><br>Enhet: {escape(unit)}. '
            f"Akse fra null; år uten tall vises som tomme felt.</figcaption>"
            f'<svg class="chart" width="{WIDTH}" height="{HEIGHT}" style="--narrow-height: {height:.0f}px" role="img" '
            f'aria-label="{title}">{_columns(series, marks)}{narrow}</svg></figure>')


def _columns(series: Series, marks: list[float]) -> str:
    """The wide drawing: a column per year over a scale with ticks."""
    low, high = marks[0], marks[-1]
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / ((high - low) or 1)

    parts = []
    for t in marks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>'
                     f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{escape(norwegian(t))}</text>')
    slot = plot_w / len(series.points)
    for i, (label, number, printed) in enumerate(series.points):
        x = LEFT + i * slot
        cx = x + slot / 2
        parts.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>')
        if number is None:
            shown = printed or "mangler"
            parts.append(f'<rect x="{x + slot * 0.2:.1f}" y="{TOP}" width="{slot * 0.6:.1f}" height="{plot_h}" class="gap"/>'
                         f'<text x="{cx:.1f}" y="{y(0) - 6:.1f}" text-anchor="middle" class="gap-text">{escape(shown)}</text>')
            continue
        top, bottom = sorted((y(number), y(0)))
        parts.append(f'<rect x="{x + slot * 0.2:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" '
                     f'height="{max(bottom - top, 1):.1f}" class="bar"/>'
                     f'<text x="{cx:.1f}" y="{top - 5:.1f}" text-anchor="middle" class="value">{escape(printed)}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" class="zero"/>')
    return f'<g class="chart-wide">{"".join(parts)}</g>'


def _bars(series: Series, marks: list[float]) -> tuple[str, float]:
    """The narrow drawing and its height: one line per year (year, bar from zero, the value as printed), so that
    every label fits a phone's width at a readable size; the zero line is marked, each bar carries its value."""
    low, high = marks[0], marks[-1]
    left = max(len(label) for label, _, _ in series.points) * CHAR + 10
    right = max(len(printed) for _, n, printed in series.points if n is not None) * CHAR + 8
    plot_w, top = max(NARROW - left - right, 60.0), 6
    height = top + ROW * len(series.points) + FONT + 10

    def x(v: float) -> float:
        return left + plot_w * (v - low) / ((high - low) or 1)

    parts = []
    for i, (label, number, printed) in enumerate(series.points):
        y0 = top + i * ROW
        mid = y0 + ROW / 2 + FONT * 0.35  # a text's baseline that centres it on the line
        parts.append(f'<text x="{left - 8:.1f}" y="{mid:.1f}" text-anchor="end">{escape(label)}</text>')
        if number is None:
            parts.append(f'<rect x="{left:.1f}" y="{y0 + 4:.1f}" width="{NARROW - left - 2:.1f}" height="{ROW - 8}" '
                         f'class="gap"/><text x="{left + 8:.1f}" y="{mid:.1f}" class="gap-text">'
                         f"{escape(printed or 'mangler')}</text>")
            continue
        start, end = sorted((x(0), x(number)))
        parts.append(f'<rect x="{start:.1f}" y="{y0 + 6:.1f}" width="{max(end - start, 1):.1f}" height="{ROW - 12}" '
                     f'class="bar"/><text x="{max(end, x(0)) + 6:.1f}" y="{mid:.1f}" class="value">'
                     f"{escape(printed)}</text>")
    bottom = top + ROW * len(series.points)
    parts.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{bottom}" class="zero"/>'
                 f'<text x="{x(0):.1f}" y="{bottom + FONT + 4}" text-anchor="middle">0</text>')
    return f'<g class="chart-narrow">{"".join(parts)}</g>', height
