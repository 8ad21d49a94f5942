"""Draws the built-in exercise illustrations: side-view stick figures from joint angles.

Run `python -m exercises.illustrations` to (re)write exercises/static/exercises/illustrations/
<slug>.svg. Black on white, a floor line, the far-side limbs thinner and dashed so the drawing
still reads when printed in black and white; an arrow shows the movement.

Angles are absolute, in degrees: 0 points down, 90 forwards (right), 180 up, -90 backwards.
A pose gives the trunk angle (hip to shoulder), then for each leg (thigh, shin, foot) and each
arm (upper arm, forearm); "near" limbs are drawn solid, "far" ones dashed.
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import escape

from .library_data import EXERCISES

OUT_DIR = Path(__file__).resolve().parent / "static" / "exercises" / "illustrations"
SIZE = 200
FLOOR_Y = 182
TRUNK, NECK, HEAD_R = 46, 7, 9
THIGH, SHIN, FOOT = 38, 36, 12
UPPER_ARM, FOREARM = 25, 23

STAND = {"trunk": 180, "near_leg": (0, 0, 90), "far_leg": (0, 0, 90), "near_arm": (0, 0), "far_arm": (0, 0)}


def _step(point, angle, length):
    rad = math.radians(angle)
    return (point[0] + length * math.sin(rad), point[1] + length * math.cos(rad))


def joints(pose: dict) -> dict:
    """Every joint's position for a pose, with the hip at the origin."""
    hip = (0.0, 0.0)
    shoulder = _step(hip, pose["trunk"], TRUNK)
    head_angle = pose.get("head", pose["trunk"])
    neck_top = _step(shoulder, head_angle, NECK)
    points = {"hip": hip, "shoulder": shoulder, "head": _step(neck_top, head_angle, HEAD_R)}
    for side in ("near", "far"):
        thigh, shin, foot = pose[f"{side}_leg"]
        # A dropped far hip (hip hike) starts the far leg lower than the near one.
        knee = _step((0.0, pose.get("far_hip_drop", 0) if side == "far" else 0.0), thigh, THIGH)
        ankle = _step(knee, shin, SHIN)
        points[f"{side}_knee"], points[f"{side}_ankle"] = knee, ankle
        points[f"{side}_hip_step"] = (ankle[0] - 8, ankle[1])  # under the heel: where a step sits
        points[f"{side}_toe"] = _step(ankle, foot, FOOT) if foot is not None else ankle
        upper, fore = pose[f"{side}_arm"]
        elbow = _step(shoulder, upper, UPPER_ARM)
        points[f"{side}_elbow"], points[f"{side}_hand"] = elbow, _step(elbow, fore, FOREARM)
    return points


def _line(a, b, far=False):
    width, dash = (3, ' stroke-dasharray="5 3"') if far else (5, "")
    return f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" stroke-width="{width}"{dash}/>'


def _arrow(start, delta):
    end = (start[0] + delta[0], start[1] + delta[1])
    angle = math.atan2(delta[1], delta[0])
    wings = [
        (end[0] - 8 * math.cos(angle + s * 0.5), end[1] - 8 * math.sin(angle + s * 0.5)) for s in (-1, 1)
    ]
    return (
        f'<g stroke-width="2.5"><line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}"/>'
        f'<polyline fill="none" points="{wings[0][0]:.1f},{wings[0][1]:.1f} {end[0]:.1f},{end[1]:.1f} '
        f'{wings[1][0]:.1f},{wings[1][1]:.1f}"/></g>'
    )


def render(pose: dict, title: str) -> str:
    """The SVG of a pose, grounded on the floor (or on a block) and centred."""
    points = joints(pose)
    lift = pose.get("lift", 0)  # the lowest point stands on a step or bench this high
    lowest = max(max(y for _, y in points.values()), points["head"][1] + HEAD_R)
    xs = [x for x, _ in points.values()]
    dx = SIZE / 2 - (min(xs) + max(xs)) / 2 + pose.get("shift", 0)
    dy = FLOOR_Y - 2.5 - lift - lowest
    p = {name: (x + dx, y + dy) for name, (x, y) in points.items()}

    parts = []
    for prop in pose.get("props", ()):
        kind = prop[0]
        if kind == "block":  # a step or bench under a joint: ("block", joint, width, height)
            _, joint, width, height = prop
            x, y = p[joint]
            top = y + 2.5 if height is None else FLOOR_Y - height
            parts.append(f'<rect x="{x - width / 2:.1f}" y="{top:.1f}" width="{width}" height="{FLOOR_Y - top:.1f}" '
                         f'fill="none" stroke-width="2.5"/>')
        elif kind == "wall":  # a wall just beyond a joint: ("wall", joint, offset)
            x = p[prop[1]][0] + prop[2]
            parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{FLOOR_Y}" stroke-width="3"/>')
        elif kind == "band":  # an exercise band between two joints
            a, b = p[prop[1]], p[prop[2]]
            parts.append(f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" stroke-width="2" '
                         f'stroke-dasharray="2 2"/>')
        elif kind == "weight":
            x, y = p[prop[1]]
            parts.append(f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" rx="2" fill="#000"/>')
        elif kind == "arrow":  # ("arrow", joint, (dx, dy), (offset_x, offset_y))
            x, y = p[prop[1]]
            off = prop[3] if len(prop) > 3 else (0, 0)
            parts.append(_arrow((x + off[0], y + off[1]), prop[2]))

    far = [("hip", "far_knee"), ("far_knee", "far_ankle"), ("far_ankle", "far_toe"),
           ("shoulder", "far_elbow"), ("far_elbow", "far_hand")]
    near = [("hip", "shoulder"), ("hip", "near_knee"), ("near_knee", "near_ankle"), ("near_ankle", "near_toe"),
            ("shoulder", "near_elbow"), ("near_elbow", "near_hand")]
    body = [_line(p[a], p[b], far=True) for a, b in far] + [_line(p[a], p[b]) for a, b in near]
    hx, hy = p["head"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" '
        f'role="img" aria-labelledby="t">\n<title id="t">{escape(title)}</title>\n'
        f'<rect width="{SIZE}" height="{SIZE}" fill="#fff"/>\n'
        f'<g stroke="#000" stroke-linecap="round" fill="none">\n'
        f'<line x1="8" y1="{FLOOR_Y}" x2="{SIZE - 8}" y2="{FLOOR_Y}" stroke-width="2"/>\n'
        + "\n".join(parts + body)
        + f'\n<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{HEAD_R}" stroke-width="4" fill="#fff"/>\n</g>\n</svg>\n'
    )


def _pose(**changes) -> dict:
    return {**STAND, **changes}


# Side-lying: trunk to the left (-90), head resting; the top leg is "near".
_SIDE_LYING = {"trunk": -90, "head": -100, "near_leg": (90, 90, None), "far_leg": (90, 90, None),
                   "near_arm": (-5, 60), "far_arm": (-140, -100)}
# On the back: trunk to the left, knees bent, feet flat.
_SUPINE_KNEES_BENT = {"trunk": -90, "head": -90, "near_leg": (130, 20, 90), "far_leg": (130, 20, 90),
                          "near_arm": (-85, -90), "far_arm": (-85, -90)}

POSES: dict[str, dict] = {
    "side-lying-hip-abduction": _pose(**{**_SIDE_LYING, "near_leg": (112, 112, None)},
                                      props=[("arrow", "near_ankle", (0, -24), (8, 0))]),
    "clamshell": _pose(**{**_SIDE_LYING, "near_leg": (125, -58, None), "far_leg": (82, -88, None)},
                       props=[("band", "near_knee", "far_knee"), ("arrow", "near_knee", (0, -22), (10, 0))]),
    "glute-bridge": _pose(trunk=-72, head=-78, near_leg=(105, 5, 90), far_leg=(105, 5, 90),
                          near_arm=(-15, -90), far_arm=(-15, -90), props=[("arrow", "hip", (0, -22), (0, -12))]),
    "single-leg-bridge": _pose(trunk=-72, head=-78, near_leg=(105, 5, 90), far_leg=(108, 108, 150),
                               near_arm=(-15, -90), far_arm=(-15, -90), props=[("arrow", "hip", (0, -22), (0, -12))]),
    "lateral-band-walk": _pose(trunk=165, near_leg=(25, -15, 90), far_leg=(25, -15, 90), near_arm=(30, 110),
                               far_arm=(30, 110), props=[("band", "near_ankle", "far_ankle"),
                                                         ("arrow", "hip", (28, 0), (-14, -60))]),
    "hip-hike": _pose(near_leg=(0, 0, 90), far_leg=(14, 14, 90), far_hip_drop=12, near_arm=(10, 30), far_arm=(10, 30),
                      lift=20, shift=-20, props=[("block", "near_hip_step", 30, None), ("arrow", "hip", (0, -20), (22, 0))]),
    "single-leg-balance": _pose(near_leg=(3, -3, 90), far_leg=(50, -30, 70), near_arm=(-15, 0), far_arm=(15, 0)),
    "single-leg-squat": _pose(trunk=150, near_leg=(60, -25, 90), far_leg=(75, 60, 100), near_arm=(120, 95),
                              far_arm=(120, 95), props=[("arrow", "hip", (0, 22), (-22, -6))]),
    "step-down": _pose(trunk=165, near_leg=(40, -25, 90), far_leg=(15, 15, 90), near_arm=(10, 30),
                       far_arm=(-10, 20), lift=32, shift=-8,
                       props=[("block", "near_toe", 40, None), ("arrow", "far_toe", (0, 14), (10, -4))]),
    "step-up": _pose(trunk=170, near_leg=(90, 0, 90), far_leg=(-15, -5, 90), near_arm=(-25, 60),
                     far_arm=(25, 80), props=[("block", "near_toe", 44, 32), ("arrow", "hip", (10, -20), (-20, -10))]),
    "split-squat": _pose(trunk=180, near_leg=(85, 5, 90), far_leg=(-20, -80, 100), near_arm=(0, 0),
                         far_arm=(0, 0), props=[("arrow", "hip", (0, 20), (-15, -30))]),
    "rear-foot-elevated-split-squat": _pose(trunk=175, near_leg=(80, 5, 90), far_leg=(-20, -105, -150),
                                            near_arm=(0, 0), far_arm=(0, 0), shift=-10,
                                            props=[("block", "far_toe", 42, None), ("weight", "near_hand")]),
    "single-leg-romanian-deadlift": _pose(trunk=100, head=105, near_leg=(8, -5, 90), far_leg=(-80, -80, -170),
                                          near_arm=(0, 0), far_arm=(0, 0), props=[("weight", "near_hand")]),
    "wall-sit": _pose(trunk=180, near_leg=(90, 0, 90), far_leg=(90, 0, 90), near_arm=(0, 0), far_arm=(0, 0),
                      props=[("wall", "shoulder", -5)]),
    "goblet-squat": _pose(trunk=160, near_leg=(70, -30, 90), far_leg=(70, -30, 90), near_arm=(90, 170),
                          far_arm=(90, 170), props=[("weight", "near_hand")]),
    "copenhagen-plank": _pose(trunk=-75, head=-75, near_leg=(100, 100, None), far_leg=(100, 45, None),
                              near_arm=(0, -90), far_arm=(120, 100), lift=0,
                              props=[("block", "near_ankle", 40, 44)]),
    "calf-raise": _pose(near_leg=(0, 0, 130), far_leg=(0, 0, 130), near_arm=(30, 90), far_arm=(30, 90),
                        props=[("wall", "near_hand", 4), ("arrow", "hip", (0, -20), (-22, 10))]),
    "single-leg-calf-raise": _pose(near_leg=(0, 0, 130), far_leg=(30, -60, 60), near_arm=(30, 90),
                                   far_arm=(30, 90), props=[("wall", "near_hand", 4),
                                                            ("arrow", "hip", (0, -20), (-22, 10))]),
    "bent-knee-calf-raise": _pose(trunk=175, near_leg=(25, -20, 130), far_leg=(50, -40, 70), near_arm=(30, 90),
                                  far_arm=(30, 90), props=[("wall", "near_hand", 4)]),
    "heel-drop": _pose(near_leg=(0, 0, 70), far_leg=(20, -40, 80), near_arm=(30, 90), far_arm=(30, 90), lift=30,
                       props=[("block", "near_toe", 36, None), ("arrow", "near_ankle", (0, 16), (-10, 0))]),
    "toe-yoga": _pose(trunk=180, near_leg=(90, 0, 90), far_leg=(90, 0, 90), near_arm=(30, 90), far_arm=(30, 90),
                      props=[("block", "hip", 40, None), ("arrow", "near_toe", (0, -14), (4, -4))]),
    "big-toe-press": _pose(near_leg=(0, 0, 90), far_leg=(0, 0, 90), near_arm=(0, 0), far_arm=(0, 0),
                           props=[("arrow", "near_toe", (0, 14), (0, -20))]),
    "short-foot": _pose(trunk=180, near_leg=(90, 0, 90), far_leg=(90, 0, 90), near_arm=(30, 90), far_arm=(30, 90),
                        props=[("block", "hip", 40, None), ("arrow", "near_toe", (-12, 0), (0, -8))]),
    "tibialis-raise": _pose(trunk=170, near_leg=(10, 10, 115), far_leg=(10, 10, 115), near_arm=(0, 0),
                            far_arm=(0, 0), props=[("wall", "shoulder", -5), ("arrow", "near_toe", (0, -14), (4, -6))]),
    "dead-bug": _pose(trunk=-90, head=-90, near_leg=(180, 90, 180), far_leg=(120, 100, 100),
                      near_arm=(180, 180), far_arm=(-120, -110)),
    "side-plank": _pose(trunk=-75, head=-75, near_leg=(100, 100, None), far_leg=(100, 100, None),
                        near_arm=(0, -90), far_arm=(120, 100)),
    "front-plank": _pose(trunk=-78, head=-72, near_leg=(100, 100, 10), far_leg=(100, 100, 10),
                         near_arm=(0, -90), far_arm=(0, -90)),
    "bird-dog": _pose(trunk=-90, head=-95, near_leg=(0, 90, 140), far_leg=(90, 90, 130),
                      near_arm=(0, 0), far_arm=(-95, -90)),
    "pallof-press": _pose(near_leg=(0, 0, 90), far_leg=(0, 0, 90), near_arm=(90, 90), far_arm=(90, 90),
                          props=[("arrow", "near_hand", (20, 0), (4, -8))]),
    "hip-airplane": _pose(trunk=105, head=110, near_leg=(8, -5, 90), far_leg=(-80, -80, -170),
                          near_arm=(-80, -80), far_arm=(80, 80)),
    "pogo-hops": _pose(near_leg=(3, -3, 130), far_leg=(3, -3, 130), near_arm=(20, 100), far_arm=(-20, 80), lift=14,
                       props=[("arrow", "hip", (0, -18), (-24, 10)), ("arrow", "hip", (0, 18), (24, 0))]),
    "arm-swing-drill": _pose(near_arm=(-50, 40), far_arm=(40, 150),
                             props=[("arrow", "near_elbow", (-18, 0), (-4, -8))]),
    "wall-march": _pose(trunk=160, head=160, near_leg=(85, 0, 100), far_leg=(-20, -20, 130), near_arm=(90, 90),
                        far_arm=(90, 90), props=[("wall", "near_hand", 3)]),
}


def write_all(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in EXERCISES:
        path = out_dir / f"{exercise['slug']}.svg"
        path.write_text(render(POSES[exercise["slug"]], f"{exercise['name']}: line drawing"))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path.name)
