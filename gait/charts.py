"""Small server-side SVG charts of the engine's metrics, left against right.

The engine's report gives each metric's median per side (and, when it provides them, the
per-step values under `metrics[name]["per_step"] = {"left": [...], "right": [...]}`, drawn as
one line per side over the steps). Plain SVG: no script, so the strict CSP holds.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 320, 120, 28
COLOURS = {"left": "#e08a00", "right": "#0a84c6"}  # the overlay's colours: orange left, blue right


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def metric_charts(report: dict | None) -> list[dict]:
    charts = []
    for name, entry in ((report or {}).get("metrics") or {}).items():
        left, right = entry.get("left"), entry.get("right")
        if left is None and right is None:
            continue
        charts.append({
            "name": name,
            "label": _label(name),
            "unit": entry.get("unit") or "",
            "left": left,
            "right": right,
            "asymmetry_pct": entry.get("asymmetry_pct"),
            "svg": _steps_svg(name, entry["per_step"]) if entry.get("per_step") else _bars_svg(name, left, right,
                                                                                               entry.get("unit")),
        })
    return charts


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


def _steps_svg(name, per_step: dict) -> str:
    series = {side: [v for v in per_step.get(side) or [] if v is not None] for side in ("left", "right")}
    values = [v for vals in series.values() for v in vals]
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    steps = max(len(vals) for vals in series.values())
    dx = (WIDTH - 2 * PAD) / max(1, steps - 1)
    lines = []
    for side, vals in series.items():
        points = " ".join(
            f"{PAD + i * dx:.1f},{HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD):.1f}" for i, v in enumerate(vals)
        )
        lines.append(f'<polyline fill="none" stroke="{COLOURS[side]}" stroke-width="2" points="{points}"/>')
    return mark_safe(  # noqa: S308 - numbers and escaped text only
        f'<svg class="metric-chart" role="img" aria-label="{escape(_label(name))} per step, left and right" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f'<text x="0" y="12" font-size="11">{high:g}</text><text x="0" y="{HEIGHT - PAD}" font-size="11">{low:g}</text>'
        f'{"".join(lines)}</svg>'
    )
