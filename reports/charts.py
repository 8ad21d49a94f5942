"""Metric trend charts for the PDF report: matplotlib Figure + Agg-free SVG canvas (no pyplot,
no global state, safe in a worker), one chart per metric over the signed-off sessions.

Readable printed in black and white: left and right differ by marker (circle / square) and line
style (solid / dashed), not only by colour. Text stays text (svg.fonttype "none"), so WeasyPrint
draws it with the report's embedded font and it can be selected and read out.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from . import plain_language as words

STYLES = {
    "left": {"color": "#000000", "marker": "o", "linestyle": "-", "markerfacecolor": "#000000"},
    "right": {"color": "#555555", "marker": "s", "linestyle": "--", "markerfacecolor": "white"},
}
MAX_TICKS = 8


def trend_svg(series: dict) -> str:
    """The SVG (text) of one metric's trend: dates on x, left and right as two marked lines."""
    dates = series["dates"]
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "stridewell"}
    ):
        figure = Figure(figsize=(3.4, 1.9), dpi=72)
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        x = list(range(len(dates)))
        for side in ("left", "right"):
            points = [(i, v) for i, v in zip(x, series[side], strict=True) if v is not None]
            if points:
                axes.plot(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    label=side.capitalize(),
                    linewidth=1.2,
                    markersize=4,
                    **STYLES[side],
                )
        step = max(1, -(-len(dates) // MAX_TICKS))
        ticks = x[::step]
        axes.set_xticks(ticks, [dates[i].strftime("%-d %b %y") for i in ticks])
        axes.tick_params(axis="x", labelrotation=30, labelsize=7)
        unit = words.UNITS.get(series["unit"], series["unit"]).strip()
        axes.set_ylabel(unit)
        axes.set_title(series["label"], fontsize=9, loc="left")
        axes.grid(True, linestyle=":", linewidth=0.5, color="#888888")
        for spine in ("top", "right"):
            axes.spines[spine].set_visible(False)
        if axes.lines:
            # Above the plot, beside the title, so it never hides a point ("best" also costs a search).
            axes.legend(
                loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=7, borderaxespad=0.2
            )
        # Fixed margins: tight_layout() draws the figure twice and costs more than the chart.
        figure.subplots_adjust(left=0.16, right=0.98, top=0.88, bottom=0.27)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def chart_description(series: dict) -> str:
    """A sentence for the chart's alt text: first and latest values per side."""
    parts = []
    for side in ("left", "right"):
        values = [v for v in series[side] if v is not None]
        if values:
            parts.append(
                f"{side} {words.value_text(values[0], series['unit'])} first, "
                f"{words.value_text(values[-1], series['unit'])} latest"
            )
    return f"{series['label']} over {len(series['dates'])} assessments: " + "; ".join(parts) + "."
