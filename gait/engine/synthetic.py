"""A parametric running model that produces MediaPipe-style landmarks with known deviations.

The runner is built in treadmill coordinates (metres; forward, left, up; the belt at up = 0,
the runner's pelvis above the origin), each leg from a prescribed ankle path plus two-link
inverse kinematics. While a foot is on the belt it moves backward at the belt speed, so its
travel is speed x contact time; the swing foot comes forward. The 3-D runner is then seen
by a camera: orthographic (the default, scale `body_height_px`), or a pinhole `Camera` a
few metres behind, in front of or beside the treadmill, with height, pitch, lateral offset
and focal length. Every deviation the engine reports is injected in 3-D with a known size
and side; `expected_2d` gives the values a perfect 2-D measurement must read, found by
projecting the noise-free 3-D runner with the same camera at the true mid-stance frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import landmarks as lm
from .landmarks import LandmarkSeries

SIDES = ("left", "right")

# Segment lengths for a 1.75 m runner (metres).
RUNNER_HEIGHT = 1.75
THIGH = 0.45
SHANK = 0.45
ANKLE_HEIGHT = 0.08
HIP_HALF_WIDTH = 0.09
SHOULDER_HALF_WIDTH = 0.19
TORSO = 0.52
# Foot points relative to the ankle in the foot's own frame (forward, up): the heel-toe
# line is level when the foot is flat, so its pitch equals the foot angle.
HEEL_OFFSET = (-0.05, -0.07)
TOE_OFFSET = (0.18, -0.07)
KNEE_FLEXION_AT_IC = 20.0
HIP_HEIGHT = 0.91


@dataclass
class Camera:
    """A pinhole camera looking at the treadmill (or `orthographic=True` for the old model).

    distance: lens to the runner's pelvis along the viewing direction, m.
    height: lens above the belt, m. pitch: tilt, deg, + = looking down.
    lateral: lens offset from the line through the runner, m (rear/front: + = runner's
    left; side: + = runner's forward). fov_deg: horizontal field of view of the image, or
    focal_px directly; neither = framed like a user would: the whole runner in 90% of the
    picture around its centre (the principal point is always the image centre).
    """

    distance: float = 3.0
    height: float = 1.0
    pitch: float = 0.0
    lateral: float = 0.0
    fov_deg: float | None = None
    focal_px: float | None = None
    orthographic: bool = False


def _sided(value, default):
    """Accept a number (both sides), a {side: value} dict, or None (default)."""
    if value is None:
        return dict(default)
    if isinstance(value, dict):
        return {s: float(value.get(s, default[s])) for s in SIDES}
    return {s: float(value) for s in SIDES}


@dataclass
class Runner:
    """Parameters of one synthetic run. Angles in degrees, body size in pixels."""

    view: str = "rear"
    cadence: float = 170.0
    fps: float = 60.0
    duration: float = 10.0
    contact_ms: float = 250.0
    width: int = 1080
    height: int = 1920
    body_height_px: float = 1100.0
    center: tuple[float, float] = (0.5, 0.55)
    facing: str = "left"  # side view only: direction the runner faces in the image
    noise_px: float = 0.0
    visibility: float = 0.95
    seed: int = 0
    # Deviations: number (both sides) or {"left": x, "right": y}. Defaults are a
    # healthy runner, well under the engine's thresholds.
    knee_valgus: object = None  # FPPA at mid-stance, deg (+ = knee moves in)
    foot_turn_out: object = None  # foot progression angle, deg (+ = toe out)
    pelvic_drop: object = None  # drop of that side of the pelvis while standing on the other leg, deg
    arm_crossover: object = None  # wrist past the midline, % of shoulder width (negative = short of it)
    overstride: object = None  # shank angle from vertical at initial contact, deg
    heel_strike: object = None  # foot-strike angle at initial contact, deg (+ = toe up)
    trunk_lean: float = 5.0  # trunk flexion from vertical, deg
    audio: bool = False
    strike_loudness_db: object = None  # extra loudness of that foot's strikes, dB
    swaps: list[tuple[int, int]] = field(default_factory=list)  # frame ranges with L/R legs swapped
    gaps: list[tuple[int, int]] = field(default_factory=list)  # frame ranges with no person
    # None: orthographic projection with `body_height_px` and `center` (the old model).
    camera: Camera | None = None
    # Belt speed, m/s: the stance foot travels speed x contact time. None: a fixed 0.32 m
    # behind the hip at toe-off (the old model, about 2 m/s).
    belt_speed: float | None = None
    # MediaPipe's depth (z) is far noisier than x and y: its noise, in x pixels at the
    # pelvis, is this many times noise_px.
    depth_noise_ratio: float = 4.0

    def sided(self):
        return {
            "knee_valgus": _sided(self.knee_valgus, {"left": 2.0, "right": 2.0}),
            "foot_turn_out": _sided(self.foot_turn_out, {"left": 6.0, "right": 6.0}),
            "pelvic_drop": _sided(self.pelvic_drop, {"left": 2.5, "right": 2.5}),
            "arm_crossover": _sided(self.arm_crossover, {"left": -25.0, "right": -25.0}),
            "overstride": _sided(self.overstride, {"left": 4.0, "right": 4.0}),
            "heel_strike": _sided(self.heel_strike, {"left": 3.0, "right": 3.0}),
            "strike_loudness_db": _sided(self.strike_loudness_db, {"left": 0.0, "right": 0.0}),
        }

    @property
    def stride_s(self) -> float:
        return 120.0 / self.cadence

    def initial_contacts(self, side: str) -> np.ndarray:
        """True initial-contact times (s) of one foot."""
        offset = 0.0 if side == "left" else self.stride_s / 2
        return np.arange(offset, self.duration, self.stride_s)

    def toe_offs(self, side: str) -> np.ndarray:
        """True toe-off times (s), one per initial contact."""
        return self.initial_contacts(side) + self.contact_ms / 1000.0


def generate(runner: Runner | None = None, **params) -> LandmarkSeries:
    """Landmarks of a synthetic treadmill runner (see Runner for the parameters)."""
    r = runner or Runner(**params)
    series = _project(body_points(r), r)
    _apply_glitches(series, r)
    if r.audio:
        series.audio, series.audio_rate = _audio(r, r.sided()["strike_loudness_db"])
    return series


def body_points(r: Runner) -> np.ndarray:
    """The noise-free 3-D runner: (T, 33, 3) metres (forward, left, up) on the treadmill."""
    t = np.arange(int(round(r.duration * r.fps))) / r.fps
    dev = r.sided()
    duty = r.contact_ms / 1000.0 / r.stride_s
    body = {}  # landmark index -> (T, 3) array of (forward, left, up) metres

    hip_height = _hip_height(t, r, duty)
    obliquity = _pelvic_obliquity(t, r, duty, dev["pelvic_drop"])
    for side, sign in (("left", 1.0), ("right", -1.0)):
        phase = _leg_phase(t, r, side)
        hip = np.stack(
            [
                np.zeros_like(t),
                sign * HIP_HALF_WIDTH + 0 * t,
                hip_height + sign * HIP_HALF_WIDTH * np.tan(np.radians(obliquity)),
            ],
            axis=1,
        )
        _add_leg(body, side, sign, hip, phase, duty, dev, r)
    _add_upper_body(body, t, r, duty, dev)

    return np.stack([body[i] for i in range(lm.N_LANDMARKS)], axis=1)


def _leg_phase(t, r: Runner, side: str) -> np.ndarray:
    offset = 0.0 if side == "left" else 0.5
    return (t / r.stride_s - offset) % 1.0


def _stance_envelope(phase, duty):
    """0 in swing, rising to 1 at mid-stance and back to 0 at toe-off."""
    return np.where(phase < duty, np.sin(np.pi * np.clip(phase / duty, 0, 1)), 0.0)


def _hip_height(t, r: Runner, duty):
    # Lowest at each mid-stance, twice per stride.
    q = 2 * (t / r.stride_s - duty / 2)
    return 0.91 - 0.04 * np.cos(2 * np.pi * q)


def _pelvic_obliquity(t, r: Runner, duty, drop):
    """Pelvic tilt in degrees, positive = right side lower."""
    env_left = _stance_envelope(_leg_phase(t, r, "left"), duty)
    env_right = _stance_envelope(_leg_phase(t, r, "right"), duty)
    return drop["right"] * env_left - drop["left"] * env_right


def _lowest_foot_offset(pitch_deg):
    """Height of the lower of heel and toe relative to the ankle."""
    p = np.radians(pitch_deg)
    return np.minimum(*(f * np.sin(p) + u * np.cos(p) for f, u in (HEEL_OFFSET, TOE_OFFSET)))


def _foot_points(ankle, pitch_deg, yaw_deg, lateral_sign):
    """Heel and toe from the ankle, the foot pitched (toe up +) and yawed (toe out +)."""
    p, y = np.radians(pitch_deg), np.radians(yaw_deg)
    out = []
    for f, u in (HEEL_OFFSET, TOE_OFFSET):
        fwd = f * np.cos(p) - u * np.sin(p)
        up = f * np.sin(p) + u * np.cos(p)
        out.append(ankle + np.stack([fwd * np.cos(y), lateral_sign * fwd * np.sin(y), up], axis=1))
    return out


def _add_leg(body, side, sign, hip, phase, duty, dev, r: Runner):
    idx = {
        "left": (lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE, lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX),
        "right": (lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE, lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX),
    }[side]
    shank_ic = np.radians(dev["overstride"][side])
    thigh_ic = shank_ic + np.radians(KNEE_FLEXION_AT_IC)
    ahead_ic = THIGH * np.sin(thigh_ic) + SHANK * np.sin(shank_ic)
    below_ic = THIGH * np.cos(thigh_ic) + SHANK * np.cos(shank_ic)
    behind_to = 0.32 if r.belt_speed is None else r.belt_speed * r.contact_ms / 1000.0 - ahead_ic
    ankle_ic_up = 0.91 - 0.04 * np.cos(2 * np.pi * -duty) - below_ic  # hip height at IC minus leg

    stance = phase < duty
    s_stance = np.clip(phase / duty, 0, 1)
    s_swing = np.clip((phase - duty) / (1 - duty), 0, 1)
    ease = (1 - np.cos(np.pi * s_swing)) / 2
    fwd = np.where(stance, ahead_ic - (ahead_ic + behind_to) * s_stance, -behind_to + (ahead_ic + behind_to) * ease)
    # Foot pitch: strike angle at IC, flat by 20% of stance, heel rises to -35 deg at toe-off.
    fsa = dev["heel_strike"][side]
    pitch = np.where(stance, np.interp(s_stance, [0, 0.2, 0.55, 1], [fsa, 0, 0, -35]), -35 + (fsa + 35) * ease)
    # In stance the foot's lowest point rests on the floor (after settling from the IC pose).
    on_floor = -_lowest_foot_offset(pitch)
    settle = np.clip(s_stance / 0.2, 0, 1)
    takeoff_up = -_lowest_foot_offset(-35.0)
    up = np.where(
        stance,
        (1 - settle) * ankle_ic_up + settle * on_floor,
        takeoff_up + (ankle_ic_up - takeoff_up) * ease + 0.22 * np.sin(np.pi * s_swing),
    )
    # The ankle follows its path (the stance foot stays on the belt); at high belt speeds
    # late stance is out of reach, and the shank then stretches by a few cm instead.
    knee_fwd, knee_up, _, _ = _two_link(hip[:, 0], hip[:, 2], fwd, up)
    ankle_fwd, ankle_up = fwd, up
    lateral_ankle = sign * 0.05
    frac = (hip[:, 2] - knee_up) / np.maximum(hip[:, 2] - ankle_up, 1e-6)
    lateral_knee = hip[:, 1] + (lateral_ankle - hip[:, 1]) * frac
    fppa = dev["knee_valgus"][side] * _stance_envelope(phase, duty)
    lateral_knee = lateral_knee - sign * _medial_shift(hip, knee_up, ankle_up, lateral_ankle, lateral_knee, fppa)

    ankle = np.stack([ankle_fwd, lateral_ankle + 0 * ankle_fwd, ankle_up], axis=1)
    heel, toe = _foot_points(ankle, pitch, dev["foot_turn_out"][side], sign)
    body[idx[0]] = hip
    body[idx[1]] = np.stack([knee_fwd, lateral_knee, knee_up], axis=1)
    body[idx[2]], body[idx[3]], body[idx[4]] = ankle, heel, toe


def _two_link(hip_f, hip_u, ankle_f, ankle_u):
    """Knee position with the knee in front; the ankle is pulled in if out of reach."""
    df, du = ankle_f - hip_f, hip_u - ankle_u
    dist = np.hypot(df, du)
    reach = np.minimum(dist, (THIGH + SHANK) * 0.999)
    df, du = df * reach / dist, du * reach / dist
    direction = np.arctan2(df, du)  # from straight down, forward positive
    bend = np.arccos(np.clip((THIGH**2 + reach**2 - SHANK**2) / (2 * THIGH * reach), -1, 1))
    thigh = direction + bend
    return (hip_f + THIGH * np.sin(thigh), hip_u - THIGH * np.cos(thigh), hip_f + df, hip_u - du)


def _medial_shift(hip, knee_up, ankle_up, lateral_ankle, lateral_knee, fppa_deg):
    """Medial knee shift (m) that bends the frontal hip-knee-ankle line by fppa_deg."""
    a = np.maximum(hip[:, 2] - knee_up, 1e-3)
    b = np.maximum(knee_up - ankle_up, 1e-3)
    target = np.radians(np.abs(fppa_deg))
    lo, hi = np.zeros_like(a), np.full_like(a, 0.5)
    for _ in range(40):  # bisection: the bend grows monotonically with the shift
        mid = (lo + hi) / 2
        bend = np.arctan(mid / a) + np.arctan(mid / b)
        lo, hi = np.where(bend < target, mid, lo), np.where(bend < target, hi, mid)
    return np.sign(fppa_deg) * (lo + hi) / 2


def _add_upper_body(body, t, r: Runner, duty, dev):
    mid_hip = (body[lm.LEFT_HIP] + body[lm.RIGHT_HIP]) / 2
    lean = np.radians(r.trunk_lean)
    axis = np.array([np.sin(lean), 0.0, np.cos(lean)])
    mid_shoulder = mid_hip + TORSO * axis
    head = mid_shoulder + 0.25 * axis
    for side, sign in (("left", 1.0), ("right", -1.0)):
        shoulder = mid_shoulder + [0, sign * SHOULDER_HALF_WIDTH, 0]
        # The arm swings forward as the opposite leg does: forward peak at own-leg toe-off.
        phase = _leg_phase(t, r, side)
        swing = np.cos(2 * np.pi * (phase - duty))  # 1 = arm furthest forward
        forward_amount = (swing + 1) / 2
        cross = dev["arm_crossover"][side] / 100.0 * 2 * SHOULDER_HALF_WIDTH
        lateral_front = -sign * cross
        lateral_back = sign * 0.8 * SHOULDER_HALF_WIDTH
        wrist_lat = lateral_back + (lateral_front - lateral_back) * forward_amount
        wrist = np.stack([mid_hip[:, 0] + 0.25 * swing, wrist_lat, mid_shoulder[:, 2] - 0.42 + 0 * t], axis=1)
        elbow = (shoulder + wrist) / 2 + np.array([-0.08, 0.0, 0.0])
        i_sh, i_el, i_wr = (
            (lm.LEFT_SHOULDER, lm.LEFT_ELBOW, lm.LEFT_WRIST)
            if side == "left"
            else (lm.RIGHT_SHOULDER, lm.RIGHT_ELBOW, lm.RIGHT_WRIST)
        )
        body[i_sh], body[i_el], body[i_wr] = shoulder, elbow, wrist
        for k in (17, 19, 21) if side == "left" else (18, 20, 22):  # hand points sit on the wrist
            body[k] = wrist + [0.02, 0, -0.03]
    body[lm.NOSE] = head + [0.10, 0, 0]
    face = {
        1: (0.08, 0.02, 0.03),
        2: (0.08, 0.035, 0.03),
        3: (0.07, 0.05, 0.03),
        4: (0.08, -0.02, 0.03),
        5: (0.08, -0.035, 0.03),
        6: (0.07, -0.05, 0.03),
        7: (0.0, 0.075, 0.01),
        8: (0.0, -0.075, 0.01),
        9: (0.09, 0.025, -0.04),
        10: (0.09, -0.025, -0.04),
    }
    for k, off in face.items():
        body[k] = head + list(off)


def _project(pts, r: Runner) -> LandmarkSeries:
    """Camera image of the 3-D runner; z as MediaPipe gives it (relative to the pelvis, in
    x-pixel units at the pelvis's depth, normalised by the width, + = farther away)."""
    rng = np.random.default_rng(r.seed)
    x_px, y_px, depth_px = project_points(pts, r)
    noise = rng.normal(0, r.noise_px, (2, *x_px.shape))
    x_px, y_px = x_px + noise[0], y_px + noise[1]
    depth_px = depth_px + rng.normal(0, r.noise_px * r.depth_noise_ratio, depth_px.shape)
    vis = np.full(x_px.shape, r.visibility)
    if r.view == "side":
        far = lm.RIGHT_HIP if r.facing == "left" else lm.LEFT_HIP
        far_side = [i for i in range(11, 33) if i % 2 == far % 2]
        vis[:, far_side] *= 0.9
    data = np.stack([x_px / r.width, y_px / r.height, depth_px / r.width, vis], axis=-1)
    return LandmarkSeries(data, fps=r.fps, width=r.width, height=r.height, view=r.view)


def _camera_axes(r: Runner):
    """Lens position and the (right, down, forward) unit vectors of the camera."""
    cam = r.camera
    up = np.array([0.0, 0.0, 1.0])
    if r.view == "rear":
        look, position = np.array([1.0, 0, 0]), np.array([-cam.distance, cam.lateral, cam.height])
    elif r.view == "front":
        look, position = np.array([-1.0, 0, 0]), np.array([cam.distance, cam.lateral, cam.height])
    else:  # facing image-left = the camera on the runner's left side, looking across
        side = 1.0 if r.facing == "left" else -1.0
        look, position = np.array([0, -side, 0.0]), np.array([cam.lateral, side * cam.distance, cam.height])
    pitch = np.radians(cam.pitch)
    forward = np.cos(pitch) * look - np.sin(pitch) * up
    right = np.cross(look, up)
    down = np.cross(forward, right)
    return position, right, down, forward


def project_points(pts, r: Runner):
    """Noise-free image x, y (pixels) and depth (x pixels at the pelvis, relative to it)."""
    fwd, left, up = pts[..., 0], pts[..., 1], pts[..., 2]
    if r.camera is None or r.camera.orthographic:
        scale = r.body_height_px / RUNNER_HEIGHT
        if r.view == "rear":
            x, depth = -left, fwd
        elif r.view == "front":
            x, depth = left, -fwd
        else:
            x = (-1.0 if r.facing == "left" else 1.0) * fwd
            depth = -left if r.facing == "left" else left  # the near side faces the camera
        return r.center[0] * r.width + scale * x, r.center[1] * r.height - scale * (up - HIP_HEIGHT), scale * depth
    xc, yc, zc = _camera_coordinates(pts, r)
    focal = focal_px(r)
    pelvis = (zc[:, lm.LEFT_HIP] + zc[:, lm.RIGHT_HIP])[:, None] / 2
    x_px = r.width / 2 + focal * xc / zc
    y_px = r.height / 2 + focal * yc / zc
    return x_px, y_px, focal * (zc - pelvis) / pelvis


def _camera_coordinates(pts, r: Runner):
    position, right, down, forward = _camera_axes(r)
    rel = pts - position
    xc, yc, zc = rel @ right, rel @ down, rel @ forward
    if np.any(zc <= 0.1):
        raise ValueError("part of the runner is behind the camera")
    return xc, yc, zc


def focal_px(r: Runner) -> float:
    """The pinhole's focal length in pixels."""
    cam = r.camera
    if cam.focal_px:
        return float(cam.focal_px)
    if cam.fov_deg:
        return float(r.width / 2 / np.tan(np.radians(cam.fov_deg) / 2))
    # Framed: the furthest body point over the run at 45% of the image from its centre.
    xc, yc, zc = _camera_coordinates(body_points(r), r)
    body = list(range(11, 33)) + [lm.NOSE]
    reach = max(np.abs(xc / zc)[:, body].max() / r.width, np.abs(yc / zc)[:, body].max() / r.height)
    return float(0.45 / reach)


def true_events(r: Runner) -> dict[str, dict[str, np.ndarray]]:
    """Frames (float) of each foot's initial contacts, toe-offs and mid-stances."""
    out = {}
    for side in SIDES:
        ic = r.initial_contacts(side) * r.fps
        to = r.toe_offs(side) * r.fps
        out[side] = {"ic": ic, "to": to, "mid": (ic + to) / 2}
    return out


def expected_2d(r: Runner, on_belt_line: bool = False) -> dict[str, dict[str, float]]:
    """What a perfect 2-D measurement reads at the true mid-stances, per side: the knee's
    frontal plane projection angle, the drop of that side's pelvis (while standing on the
    other leg) and the foot's progression angle (heel->toe against the belt's direction
    through the heel in the image; forward from the depth), all from the noise-free
    projection of the 3-D runner with the runner's own camera. Medians over the strides.

    on_belt_line: through the same camera moved onto the belt's centre line (lateral 0),
    which is what the engine reports for an off-centre camera (camera.depth_shear)."""
    if on_belt_line and r.camera is not None and r.camera.lateral:
        r = replace(r, camera=replace(r.camera, lateral=0.0))
    pts = body_points(r)
    x, y, depth = project_points(pts, r)
    xy = np.stack([x, y], axis=-1)
    # Where each point would be 10 cm further along the belt: the belt's image direction.
    ahead = pts.copy()
    ahead[..., 0] += 0.1
    ax, ay, _ = project_points(ahead, r)
    belt = np.stack([ax, ay], axis=-1) - xy
    events = true_events(r)
    hips = {"left": lm.LEFT_HIP, "right": lm.RIGHT_HIP}
    legs = {
        "left": (lm.LEFT_HIP, lm.LEFT_KNEE, lm.LEFT_ANKLE, lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX),
        "right": (lm.RIGHT_HIP, lm.RIGHT_KNEE, lm.RIGHT_ANKLE, lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX),
    }
    out = {side: {"knee_valgus": [], "pelvic_drop": [], "foot_turn_out": []} for side in SIDES}
    for side in SIDES:
        other = "right" if side == "left" else "left"
        for mid in np.round(events[side]["mid"]).astype(int):
            if mid >= len(pts):
                continue
            hip, knee, ankle, heel, toe = (xy[mid, j] for j in legs[side])
            medial = np.sign(xy[mid, hips[other], 0] - hip[0]) or 1.0
            out[side]["knee_valgus"].append(_fppa(hip, knee, ankle, medial))
            a, b = xy[mid, hips[side]], xy[mid, hips[other]]  # standing hip, swinging hip
            out[other]["pelvic_drop"].append(np.degrees(np.arctan2(b[1] - a[1], abs(a[0] - b[0]))))
            along = belt[mid, legs[side][3]]
            # Orthographic rear/front: the belt runs straight into the picture.
            direction = along / np.linalg.norm(along) if np.linalg.norm(along) > 1e-6 else np.array([0.0, -1.0])
            d = toe - heel
            across = d[0] * direction[1] - d[1] * direction[0]  # toe off the belt line through the heel
            lateral = -across * medial * np.sign(direction[1] or 1.0)
            forward = abs(depth[mid, legs[side][4]] - depth[mid, legs[side][3]])
            out[side]["foot_turn_out"].append(np.degrees(np.arctan2(lateral, forward)))
    return {side: {k: float(np.median(v)) for k, v in values.items()} for side, values in out.items()}


def _fppa(hip, knee, ankle, medial) -> float:
    thigh, shank = knee - hip, ankle - knee
    bend = np.degrees(np.arctan2(abs(np.cross(thigh, shank)), np.dot(thigh, shank)))
    line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
    return float(np.sign((knee[0] - line_x) * medial) * bend)


LEFT_RIGHT_PAIRS = [
    (lm.LEFT_KNEE, lm.RIGHT_KNEE),
    (lm.LEFT_ANKLE, lm.RIGHT_ANKLE),
    (lm.LEFT_HEEL, lm.RIGHT_HEEL),
    (lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX),
]


def _apply_glitches(series: LandmarkSeries, r: Runner) -> None:
    for start, stop in r.swaps:
        for a, b in LEFT_RIGHT_PAIRS:
            series.landmarks[start:stop, [a, b]] = series.landmarks[start:stop, [b, a]]
    for start, stop in r.gaps:
        series.landmarks[start:stop] = np.nan


def _audio(r: Runner, loudness_db, rate: int = 8000):
    """Quiet noise plus a short decaying thump at every initial contact."""
    rng = np.random.default_rng(r.seed + 1)
    n = int(r.duration * rate)
    audio = rng.normal(0, 0.002, n)
    thump = np.exp(-np.arange(int(0.03 * rate)) / (0.006 * rate))
    for side in SIDES:
        gain = 0.1 * 10 ** (loudness_db[side] / 20)
        for t_ic in r.initial_contacts(side):
            i = int(t_ic * rate)
            seg = audio[i : i + len(thump)]
            seg += gain * thump[: len(seg)] * rng.choice([-1, 1], len(seg))
    return audio.astype(np.float32), rate
