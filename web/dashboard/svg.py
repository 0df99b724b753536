"""Charts and the kab/kota map drawn on the server as inline SVG: no script, no CDN, any phone.

Colours are SVG presentation attributes (the workbench's Content-Security-Policy forbids inline
styles); every shape carries a ``<title>`` (the tooltip) and the page shows the same figures as a
table. Sizes are in viewBox units, so a chart scales to the width of the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from web.dashboard.mapdata import MapData

#: Sequential classes, light to dark (ColorBrewer "Blues", readable in grey and by colour-blind users).
CLASS_COLOURS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_LEADS = "#eeeeee"
OUTSIDE = "#f7f7f7"
BAR = "#3182bd"
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (drawn) and the text shown at its end."""

    label: str
    value: float
    text: str


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(bars: Sequence[Bar], title: str) -> Markup:
    """Horizontal bars, largest scale = longest bar; an empty list draws an explanatory line."""
    width, label_w, text_w, row_h = 560, 200, 130, 26
    height = max(1, len(bars)) * row_h + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if not bars:
        parts.append('<text x="4" y="18" font-size="14" fill="#555">Belum ada data</text></svg>')
        return Markup("".join(parts))
    top = max((b.value for b in bars), default=0) or 1
    span = width - label_w - text_w
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        length = max(0.0, bar.value) / top * span
        label = escape(_short(bar.label))
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text x="{label_w - 6}" y="{y + 17}" font-size="13" text-anchor="end" fill="#222">'
            f"{label}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 17}" font-size="13" fill="#222">'
            f"{escape(bar.text)}</text>"
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def class_breaks(values: Sequence[float], classes: int = len(CLASS_COLOURS)) -> list[float]:
    """Upper bounds of up to ``classes`` quantile classes of the positive values (ascending, distinct)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds = []
    for k in range(1, classes + 1):
        bound = positive[min(len(positive) - 1, -(-k * len(positive) // classes) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _colour(value: float, bounds: Sequence[float]) -> str:
    if value <= 0 or not bounds:
        return NO_LEADS
    offset = len(CLASS_COLOURS) - len(bounds)
    for i, bound in enumerate(bounds):
        if value <= bound:
            return CLASS_COLOURS[offset + i]
    return CLASS_COLOURS[-1]


def choropleth(
    geo: MapData,
    values: Mapping[str, float],
    describe: Callable[[str, str], str],
    title: str,
    focus: set[str] | None = None,
) -> Markup:
    """Every kab/kota of ``geo`` coloured by its value; ``focus`` (codes) zooms to and greys out the rest.

    ``describe(code, name)`` gives each region's tooltip. The legend shows the class bounds.
    """
    bounds = class_breaks([values.get(r.code, 0) for r in geo.regions if focus is None or r.code in focus])
    box = (0, 0, geo.width, geo.height)
    if focus:
        boxes = [r.box for r in geo.regions if r.code in focus]
        if boxes:
            x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
            x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
            pad = max(20, (x1 - x0) // 10, (y1 - y0) // 10)
            box = (x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
    parts = [
        f'<svg class="map" viewBox="{box[0]} {box[1]} {box[2]} {box[3]}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for region in geo.regions:
        inside = focus is None or region.code in focus
        fill = _colour(values.get(region.code, 0), bounds) if inside else OUTSIDE
        parts.append(
            f'<path d="{region.path}" fill="{fill}" stroke="#ffffff" stroke-width="0.6" '
            f'vector-effect="non-scaling-stroke" data-kode="{region.code}">'
            f"<title>{escape(describe(region.code, region.name))}</title></path>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(values: Sequence[float], fmt: Callable[[float], str], title: str) -> Markup:
    """The map's key: a swatch per class (upper bound, ``fmt``), and grey for none."""
    bounds = class_breaks(values)
    offset = len(CLASS_COLOURS) - len(bounds)
    items = [(NO_LEADS, "tidak ada")] + [
        (CLASS_COLOURS[offset + i], f"≤ {fmt(bound)}") for i, bound in enumerate(bounds)
    ]
    step = 128
    parts = [
        f'<svg class="legend" viewBox="0 0 {step * len(items)} 22" width="{step * len(items)}" height="22" '
        f'role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (colour, text) in enumerate(items):
        parts.append(
            f'<rect x="{i * step}" y="3" width="16" height="16" fill="{colour}" '
            'stroke="#999" stroke-width="0.5"/>'
            f'<text x="{i * step + 21}" y="16" font-size="13" fill="#222">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def as_float(value: int | Decimal | float | None) -> float:
    """A figure as float for drawing (never for display)."""
    return float(value or 0)
