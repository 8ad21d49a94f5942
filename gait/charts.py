"""Server-side charts of the engine's metrics, left against right.

Reports from engine versions that store each step's value (`metrics[name]["per_step"] =
{"left": [...], "right": [...], "frames": {"left": [...], "right": [...]}}`) get one line per
side over the run's time, drawn with matplotlib (Figure, no pyplot: no global state) as SVG.
The SVG goes into the page as an <img> data URI: an image is its own document, so its inline
styles live under the page's strict CSP (img-src allows data:). Older reports (medians only)
keep the left/right bars. Every chart comes with a text alternative: a summary sentence as the
image's alt and the per-step values as a table.
"""

from __future__ import annotations

import base64
import io
import json
import statistics
from functools import lru_cache

import matplotlib
from django.utils.html import escape
from django.utils.safestring import mark_safe
from matplotlib.figure import Figure

WIDTH, HEIGHT, PAD = 320, 120, 28
COLOURS = {"left": "#e08a00", "right": "#0a84c6"}  # the overlay's colours: orange left, blue right
MARKERS = {"left": "o", "right": "s"}  # shape as well as colour, for colour-blind readers
LINES = {"left": "-", "right": "--"}
SIDES = ("left", "right")
# The smallest y range drawn per unit: steady values must look steady, not rounding noise blown up.
MIN_SPAN = {"deg": 4.0, "% shoulder width": 10.0, "% leg length": 5.0, "ms": 20.0, "%": 4.0, "steps/min": 6.0,
            "dBFS": 6.0}  # fmt: skip


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def metric_charts(report: dict | None) -> list[dict]:
    report = report or {}
    fps = report.get("fps")
    charts = []
    for name, entry in (report.get("metrics") or {}).items():
        left, right = entry.get("left"), entry.get("right")
        if left is None and right is None:
            continue
        chart = {
            "name": name,
            "label": _label(name),
            "unit": entry.get("unit") or "",
            "left": left,
            "right": right,
            "asymmetry_pct": entry.get("asymmetry_pct"),
        }
        steps = _steps(entry.get("per_step"), fps)
        if steps:
            chart["per_step"] = True
            chart["rows"] = _rows(steps)
            chart["summary"] = _summary(chart["label"], chart["unit"], steps)
            chart["img"] = _steps_image(name, chart["unit"], json.dumps(steps, sort_keys=True))
        else:
            chart["svg"] = _bars_svg(name, left, right, entry.get("unit"))
        charts.append(chart)
    return charts


def _steps(per_step, fps) -> dict | None:
    """{side: [(time s or step number, value), ...]}; None when the report has no usable steps."""
    if not isinstance(per_step, dict):
        return None
    frames = per_step.get("frames") or {}
    out = {}
    for side in SIDES:
        values = per_step.get(side) or []
        at = frames.get(side) or []
        if fps and len(at) == len(values):
            points = [(round(f / fps, 2), v) for f, v in zip(at, values, strict=True)]
        else:  # no frames: the step number is the axis
            points = [(i + 1, v) for i, v in enumerate(values)]
        out[side] = [(x, v) for x, v in points if isinstance(v, (int, float))]
    if not any(out.values()):
        return None
    out["time_axis"] = bool(fps) and all(len(frames.get(side) or []) == len(per_step.get(side) or []) for side in SIDES)
    return out


def _rows(steps) -> list[dict]:
    """Step k of the left and of the right foot side by side, for the table."""
    n = max(len(steps[side]) for side in SIDES)
    rows = []
    for i in range(n):
        row = {"step": i + 1}
        for side in SIDES:
            point = steps[side][i] if i < len(steps[side]) else None
            row[side] = point[1] if point else None
            row[f"{side}_at"] = point[0] if point and steps["time_axis"] else None
        rows.append(row)
    return rows


def _summary(label, unit, steps) -> str:
    parts = []
    for side in SIDES:
        values = [v for _x, v in steps[side]]
        if not values:
            parts.append(f"{side}: not measured")
            continue
        parts.append(
            f"{side} {len(values)} steps, median {statistics.median(values):g}{' ' + unit if unit else ''} "
            f"(from {min(values):g} to {max(values):g})"
        )
    return f"{label} per step, " + "; ".join(parts) + "."


@lru_cache(maxsize=512)  # a page shows the same reports again and again; drawing takes ~0.07 s CPU each
def _steps_image(name: str, unit: str, steps_json: str) -> str:
    steps = json.loads(steps_json)
    figure = Figure(figsize=(4.2, 2.1))
    figure.subplots_adjust(left=0.17, right=0.98, top=0.96, bottom=0.21)  # fixed: half the time of a layout engine
    axes = figure.add_subplot()
    for side in SIDES:
        points = steps[side]
        if points:
            x, y = zip(*points, strict=True)
            axes.plot(
                x, y, LINES[side], marker=MARKERS[side], markersize=3, linewidth=1.5, color=COLOURS[side], label=side
            )
    values = [v for side in SIDES for _x, v in steps[side]]
    low, high = min(values), max(values)
    floor = MIN_SPAN.get(unit, 1.0)
    if high - low < floor:
        middle = (high + low) / 2
        axes.set_ylim(middle - floor / 2, middle + floor / 2)
    axes.ticklabel_format(axis="y", useOffset=False)
    axes.set_xlabel("time (s)" if steps["time_axis"] else "step", fontsize=8)
    axes.set_ylabel(unit, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.grid(alpha=0.3, linewidth=0.5)
    axes.legend(fontsize=7, frameon=False, loc="best", ncols=2)
    buffer = io.BytesIO()
    # Text as text, no creation date, fixed ids: small, and the same report gives the same bytes.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "stridewell"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars_svg(name, left, right, unit) -> str:
    values = [v for v in (left, right) if v is not None]
    top = max(abs(v) for v in values) or 1.0
    scale = (WIDTH - 2 * PAD - 60) / top
    rows = []
    for i, (side, value) in enumerate((("left", left), ("right", right))):
        y = 20 + i * 40
        if value is None:
            rows.append(f'<text x="{PAD}" y="{y + 14}" font-size="12">{side}: not measured</text>')
            continue
        width = max(1.0, abs(value) * scale)
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{side}</text>'
            f'<rect x="{PAD + 10}" y="{y}" width="{width:.1f}" height="20" fill="{COLOURS[side]}"/>'
            f'<text x="{PAD + 16 + width:.1f}" y="{y + 14}" font-size="12">{value:g} {escape(unit or "")}</text>'
        )
    return mark_safe(  # noqa: S308 - numbers and escaped text only
        f'<svg class="metric-chart" role="img" aria-label="{escape(_label(name))}: left {left}, right {right}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT - 20}" width="{WIDTH}" height="{HEIGHT - 20}">{"".join(rows)}</svg>'
    )
