"""Trend charts of a client's key gait metrics across sessions: SVG drawn with matplotlib
(Figure + Agg canvas, no pyplot: thread-safe in a web process), inlined in the page.

The strict CSP (default-src 'self') blocks inline `style` attributes and `<style>` elements, and
matplotlib's SVG writes its colours there; so each `style="a: b; c: d"` becomes SVG presentation
attributes (`a="b" c="d"`), which the CSP allows, and the `<style>` block is dropped. Ids are
prefixed per chart so several charts on a page never share one. Colour is not the only signal:
left and right also differ in marker and line style, and the legend names them.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

COLOURS = {"left": "#b35f00", "right": "#0a6ea8"}  # the overlay's orange and blue, darkened to 4.5:1 on white
MARKERS = {"left": "o", "right": "s"}
LINES = {"left": "-", "right": "--"}
CACHE_SECONDS = 24 * 3600

_STYLE = re.compile(r'style="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def _attributes(match: re.Match) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        if ":" in declaration:
            name, value = (p.strip() for p in declaration.split(":", 1))
            parts.append(f'{name}="{value}"')
    return " ".join(parts)


def _inline_safe(svg: str, prefix: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = _STYLE.sub(_attributes, svg)
    referenced = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else "", svg)
    for old in referenced:
        svg = svg.replace(f"url(#{old})", f"url(#{prefix}-{old})").replace(f'href="#{old}"', f'href="#{prefix}-{old}"')
    # Scales with its box (CSS sets the width), so it fits a phone.
    svg = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return re.sub(r"<g\s+>", "<g>", re.sub(r">\s+<", "><", svg))


def _draw(trend, title_id: str) -> str:
    figure = Figure(figsize=(4.6, 2.4), dpi=72)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points = trend.points
    dates = [p["date"] for p in points]
    if trend.sided:
        for side in ("left", "right"):
            values = [p[side] for p in points]
            if any(v is not None for v in values):
                axes.plot(
                    [d for d, v in zip(dates, values, strict=True) if v is not None],
                    [v for v in values if v is not None],
                    LINES[side], marker=MARKERS[side], color=COLOURS[side], label=side, linewidth=1.8, markersize=5,
                )  # fmt: skip
        # Above the plot, so it never hides a point (and "best" placement is slow to compute).
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=2, fontsize=9, frameon=False, borderaxespad=0.2)
    else:
        axes.plot(dates, [p["value"] for p in points], "-", marker="o", color="#1d2733", linewidth=1.8, markersize=5)
    axes.set_ylabel(trend.unit, fontsize=9)
    locator = AutoDateLocator(maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.tick_params(labelsize=8)
    axes.grid(True, color="#d8dee6", linewidth=0.6)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    if len(points) == 1:  # one session: give the lonely point some room
        axes.set_xlim(dates[0].toordinal() - 15, dates[0].toordinal() + 15)
    # Fixed margins: tight_layout draws the figure twice and was a third of the time.
    figure.subplots_adjust(left=0.14, right=0.98, bottom=0.13, top=0.87)
    out = io.StringIO()
    with _rc():
        figure.savefig(out, format="svg")
    svg = _inline_safe(out.getvalue(), title_id)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" class="trend-chart" ', 1)


class _rc:
    """Text as text (not glyph paths: smaller, and a screen reader can read the axis labels);
    a fixed hash salt so the same data draws the same SVG (cacheable)."""

    def __enter__(self):
        self.saved = {k: rcParams[k] for k in ("svg.fonttype", "svg.hashsalt")}
        rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "stridewell"})

    def __exit__(self, *exc):
        rcParams.update(self.saved)


def _key(trend) -> str:
    data = json.dumps(
        [trend.metric, trend.unit, trend.sided, trend.points],
        default=lambda v: v.isoformat() if isinstance(v, date) else str(v),
        sort_keys=True,
    )
    return "gait-trend-svg-v1-" + hashlib.sha256(data.encode()).hexdigest()


def trend_svg(trend, title_id: str) -> str:
    """The chart of one trend as inline SVG labelled by the element `title_id` (the figure's
    caption). Cached by content: the same points always draw the same chart."""
    key = f"{_key(trend)}-{title_id}"
    svg = cache.get(key)
    if svg is None:
        svg = _draw(trend, title_id)
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - matplotlib's SVG of numbers, dates and escaped labels


def trend_charts(trends) -> list[dict]:
    charts = []
    for trend in trends:
        title_id = f"trend-{escape(trend.metric)}"
        charts.append({"trend": trend, "title_id": title_id, "svg": trend_svg(trend, title_id)})
    return charts
