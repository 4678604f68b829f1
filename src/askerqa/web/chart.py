"""A small bar chart as inline SVG: the unit stated, Norwegian number format, a zero baseline, gaps shown.

Drawn here rather than with Gradio's plots because those format numbers the English way (`178,000`, which a
Norwegian reads as 178) and cannot show a missing year as a gap. Each bar carries the value as printed.
"""

from __future__ import annotations

import math
from html import escape

from ..figures import Series

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 24, 40
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


def svg(series: Series | None) -> str:
    """The chart's HTML, or a sentence saying why there is none."""
    if series is None:
        return f'<p class="chart-note">{NOT_A_SERIES}</p>'
    numbers = [n for _, n, _ in series.points if n is not None]
    marks = ticks(min(0.0, *numbers), max(0.0, *numbers))
    low, high = marks[0], marks[-1]
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / ((high - low) or 1)

    unit = series.unit or "tall som i rapporten"
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
    described = "; ".join(f"{label}: {printed or 'mangler'}" for label, _, printed in series.points)
    title = f"{series.label} ({unit}). {described}"
    return (f'<figure class="chart"><figcaption><strong>{escape(series.label)}</strong><br>Enhet: {escape(unit)}. '
            f"Akse fra null; år uten tall vises som tomme felt.</figcaption>"
            f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
            f'preserveAspectRatio="xMidYMid meet">{"".join(parts)}</svg></figure>')
