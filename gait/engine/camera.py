"""The camera set-up, inferred from a rear or front view of a treadmill runner.

The standing foot rides the belt in a straight line, so in a pinhole image its path (heel
and ankle while the foot is flat) lies on a line through the belt's vanishing point, where
the floor's horizon is. From those lines, the foot's depth travel (MediaPipe z) and the
image rows of the pelvis and the floor, the engine estimates, in the runner's leg lengths
(hip to ankle, about the hip's height above the belt): how far the feet travel in depth,
how strong the perspective is, how high, how far and how far off the belt's centre line
the camera is. These are estimates from one person's proportions, good to tens of per cent,
enough to tell a set-up outside the range the engine was tested on (see `PROVEN`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import landmarks as lm
from .events import FOOT, FootEvents, foot_ahead_of_pelvis

ANKLE = {"left": lm.LEFT_ANKLE, "right": lm.RIGHT_ANKLE}
# The flat-foot part of stance (fractions of IC->TO) whose heel and ankle ride the belt.
FLAT = (0.2, 0.55)
# The part of stance whose feet's depth and image x give camera.depth_shear: away from the
# contact and the push-off, yet at least three frames at 30 fps.
RIDE = (0.1, 0.8)
# Set-ups the engine has been tested on (synthetic pinhole grid, tests/gait/test_camera_grid.py):
# camera 2-5 m away, 0.3-1.5 m high, pitch up to 10 deg, up to 0.5 m off the belt's centre
# line, belt 2-6 m/s. In leg lengths (0.9 m) and as the grid's inferred values, with margin.
# The estimates scatter (the grid's true 2.2-5.6 leg lengths away read 1.1-9.5), hence
# the wide margins: the warnings catch set-ups well outside, not borderline ones.
PROVEN = {
    "distance_leg": (0.6, 11.0),
    "height_leg": (-0.3, 2.3),
}
# The runner's bearing off the belt's line, from the depth shear (atan), up to which the
# knee angle is corrected to within 2 deg in the grid: rear and front views to 0.5 m off
# at 2 m (14 deg, read as up to 15), pitch up to 10 deg, with a little margin.
PROVEN_BEARING_DEG = {"rear": 16.0, "front": 16.0}


@dataclass
class CameraEstimate:
    belt_direction: dict[str, np.ndarray | None] = field(default_factory=dict)  # unit image vector per foot
    vanishing_point: np.ndarray | None = None  # belt's vanishing point, pixels
    depth_travel_leg: float | None = None  # standing foot's travel toward/away from the camera
    perspective: float | None = None  # foot's image distance from the vanishing point, TO / IC
    distance_leg: float | None = None
    height_leg: float | None = None
    lateral_leg: float | None = None  # + = camera right of the runner's line, as the picture shows it
    off_axis_deg: float | None = None
    # Image x moved per unit of depth along the belt (regression of the standing feet's x on
    # their depth, both in x pixels): 0 for a camera on the belt's line; tan(bearing) off it.
    depth_shear: float = 0.0
    # 1 / focal length in depth units (the same regression): how much nearer points spread
    # out. With it the correction is the pinhole's exact one, not its first-order term.
    inverse_focal: float = 0.0
    view: str = ""

    def report(self, width: int, height: int) -> dict:
        vp = self.vanishing_point
        return {
            "events_from": "foot depth relative to the pelvis",
            "belt_vanishing_point": None if vp is None else [round(vp[0] / width, 3), round(vp[1] / height, 3)],
            "feet_depth_travel_leg_lengths": _round(self.depth_travel_leg),
            "perspective_ratio": _round(self.perspective, 3),
            "distance_leg_lengths": _round(self.distance_leg),
            "height_leg_lengths": _round(self.height_leg),
            "lateral_offset_leg_lengths": _round(self.lateral_leg),
            "off_axis_deg": _round(self.off_axis_deg, 1),
            "depth_shear": _round(self.depth_shear, 3),
            "bearing_deg": _round(self.bearing_deg, 1),
        }

    @property
    def bearing_deg(self) -> float:
        """How far off the belt's line the camera sees the runner (sign: image x per depth)."""
        return float(np.degrees(np.arctan(self.depth_shear)))

    def warnings(self) -> list[str]:
        notes = []
        checks = (
            ("distance_leg", self.distance_leg, "The camera seems to be about {v:.1f} leg lengths from the runner"),
            ("height_leg", self.height_leg, "The camera seems to be about {v:.1f} leg lengths above the belt"),
        )
        for key, value, text in checks:
            low, high = PROVEN[key]
            if value is not None and not low <= value <= high:
                notes.append(
                    text.format(v=value)
                    + "; the engine is tested for cameras 2-5 m behind or in front of the treadmill, "
                    "0.3-1.5 m high and at most 0.5 m off its centre line: knee and foot angles may be off."
                )
        limit = PROVEN_BEARING_DEG.get(self.view)
        if limit is not None and abs(self.bearing_deg) > limit:
            notes.append(
                f"The camera seems to look at the runner {abs(self.bearing_deg):.0f}° off the belt's line; "
                "the engine is tested for cameras 2-5 m behind or in front of the treadmill, 0.3-1.5 m high and "
                f"at most {limit:.0f}° off its centre line (0.5 m at 2 m): "
                "knee and foot angles may be off."
            )
        return notes


def _round(value, digits=2):
    return None if value is None else round(float(value), digits)


def estimate(
    xyz: np.ndarray, events: dict[str, FootEvents], view: str, leg_px: float, unfiltered: np.ndarray | None = None
) -> CameraEstimate:
    """Camera estimate for a rear or front view (an empty one for the side view).

    unfiltered: xyz before the low-pass, for the belt lines: the filter smears the foot's
    settling and heel rise into the flat part of stance and bends them.
    """
    paths = xyz if unfiltered is None else unfiltered
    est = CameraEstimate(view=view)
    if view not in ("rear", "front"):
        return est
    forward = 1.0 if view == "rear" else -1.0
    lines, travel, ratios_ic_to, rides, heel_paths = [], [], [], [], {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pelvis_x = float(np.nanmedian(paths[:, [lm.LEFT_HIP, lm.RIGHT_HIP], 0]))
    for side, ev in events.items():
        heel = FOOT[side][0]
        ahead = foot_ahead_of_pelvis(xyz, side, forward)
        heel_paths[side] = []
        for k in ev.complete:
            ic, to = ev.ic[k], ev.to[k]
            a, b = int(np.ceil(ic + FLAT[0] * (to - ic))), int(np.floor(ic + FLAT[1] * (to - ic)))
            i_ic, i_to = int(round(ic)), min(int(round(to)), len(xyz) - 1)
            b = min(b, len(xyz) - 1)
            r0, r1 = int(np.ceil(ic + RIDE[0] * (to - ic))), min(int(np.floor(ic + RIDE[1] * (to - ic))), len(xyz) - 1)
            for joint in (heel, ANKLE[side]):
                ride = paths[r0 : r1 + 1, joint][:, [0, 2]] - (pelvis_x, 0.0)
                ride = ride[np.isfinite(ride).all(axis=1)]
                if len(ride) >= 3:
                    rides.append(ride)
            if b - a < 1:
                continue
            if np.isfinite(ahead[[i_ic, i_to]]).all():
                travel.append(ahead[i_ic] - ahead[i_to])
            for joint in (heel, ANKLE[side]):
                pts = paths[a : b + 1, joint, :2]
                pts = pts[np.isfinite(pts).all(axis=1)]
                if len(pts) < 2:
                    continue
                centre = pts.mean(axis=0)
                _, sv, vt = np.linalg.svd(pts - centre)
                direction = vt[0] * (np.sign(vt[0][1]) or 1.0)  # pointing down the image
                extent = np.ptp((pts - centre) @ vt[0])
                if joint == heel:
                    path = paths[a : b + 1, joint]
                    heel_paths[side].append(path[np.isfinite(path).all(axis=1)])
                # An orthographic or very distant camera shows no belt ride: no line.
                if extent >= 3.0 and (len(sv) < 2 or sv[0] > 3 * sv[1]):
                    lines.append((centre, direction, sv[0] ** 2))
            ratios_ic_to.append((side, a, b, (ahead[a] - ahead[b]) / leg_px))
    if travel:
        est.depth_travel_leg = float(np.median(travel)) / leg_px
    est.depth_shear, est.inverse_focal = _depth_shear(rides, leg_px)
    for side, heel_rides in heel_paths.items():
        # As a camera on the belt's line sees it (the frontal measures' frame, see
        # _depth_shear): off the line, a low camera sees the belt run almost across the
        # picture and a turned-out foot almost along it.
        sheared = [
            np.stack([on_belt_line_x(p[:, 0], p[:, 2], est.depth_shear, est.inverse_focal), p[:, 1]], axis=1)
            for p in heel_rides
        ]
        est.belt_direction[side] = _mean_direction([p - p.mean(axis=0) for p in sheared if len(p)])
    est.vanishing_point = _intersection(lines)
    _geometry(est, xyz, ratios_ic_to, leg_px)
    return est


def on_belt_line_x(x, depth, shear: float, inverse_focal: float):
    """Image x as the same camera moved sideways onto the belt's centre line would see it.

    Moving a pinhole sideways by L shifts every point by f L / Z (Z its depth along the
    lens's axis, whatever the pitch), i.e. relative to the pelvis (depth 0, at Z0) by
    -shear depth / (1 + depth / f) with shear = L / Z0. The first-order term alone
    (-shear depth) leaves ~2 deg in a front view's knee angle 0.5 m off at 2 m: there the
    knee comes towards the lens at mid-stance and a tilted lens sees the hip, knee and
    ankle at depths 10-15 % apart.
    """
    depth = np.nan_to_num(np.asarray(depth, dtype=float))
    # Bounded: a point beyond half the pelvis's distance nearer is a depth failure.
    spread = 1.0 + np.clip(inverse_focal * depth, -0.5, 0.5)
    return x - shear * depth / spread


def _depth_shear(rides, leg_px: float) -> tuple[float, float]:
    """Slope of image x against depth at the pelvis while the feet ride the belt, and the
    inverse focal length g in depth units.

    A camera off the belt's centre line sees the runner at a bearing: anything moving
    along the belt (the standing foot, but also the knee bending forward) moves sideways
    in the picture by tan(bearing) times its depth change. Frontal measures take that
    out (on_belt_line_x) so a forward knee bend is not read as the knee moving in.

    Through a pinhole a point riding the belt keeps x - cx = X0 / (1 + g depth) (cx: the
    belt's vanishing column, g: 1 / focal length), so x = a + b depth + c x depth with
    b = cx g, c = -g: linear, one offset a per stance. rides hold x relative to the
    pelvis's column, where the slope wanted is b. A straight line x ~ depth would
    overstate it by ~20 % at 2 m (the standing foot spends most of its stance nearer the
    camera than the pelvis) and a parabola fails at fast belts. Left and right feet are
    pooled: their own small bearings (half a hip width) cancel.
    """
    if len(rides) < 4:
        return 0.0, 0.0
    columns = []
    for ride in rides:
        x, depth = ride[:, 0], ride[:, 1]
        cross = x * depth
        columns.append(np.stack([x - x.mean(), depth - depth.mean(), cross - cross.mean()], axis=1))
    pooled = np.concatenate(columns)
    design = pooled[:, 1:]
    if np.linalg.matrix_rank(design) < 2:
        return 0.0, 0.0
    slope, cross = np.linalg.lstsq(design, pooled[:, 0], rcond=None)[0]
    # g reads 0.77-1.16 of the truth over the test grid. A lens nearer than a leg's length
    # (f < leg_px) is a failed fit: then the first-order correction alone.
    inverse_focal = float(-cross) if 0.0 < -cross * leg_px < 1.0 else 0.0
    return float(np.clip(slope, -1.0, 1.0)), inverse_focal


def _mean_direction(paths) -> np.ndarray | None:
    """One direction for all the stances' heel paths (each centred on itself)."""
    if not paths:
        return None
    pooled = np.concatenate(paths)
    _, sv, vt = np.linalg.svd(pooled)
    # Only a ride clearly above the landmarks' jitter has a direction (not so in a distant
    # or parallel projection, where the belt runs straight into the picture).
    if len(sv) < 2 or sv[0] < 2 * sv[1] or sv[0] / np.sqrt(len(pooled)) < 1.0:
        return None
    return vt[0] * (np.sign(vt[0][1]) or 1.0)


def _intersection(lines) -> np.ndarray | None:
    """Least-squares meeting point of the belt lines, None when they are (nearly) parallel."""
    if len(lines) < 4:
        return None
    normals = np.array([[-d[1], d[0]] for _, d, _ in lines])
    offsets = np.array([n @ c for n, (c, _, _) in zip(normals, lines, strict=True)])
    weights = np.array([w for _, _, w in lines])
    a = normals.T @ (normals * weights[:, None])
    b = normals.T @ (offsets * weights)
    eigen = np.linalg.eigvalsh(a)
    if eigen[0] < 1e-4 * eigen[1]:
        return None
    return np.linalg.solve(a, b)


def _geometry(est: CameraEstimate, xyz, stances, leg_px) -> None:
    """Height, distance and lateral offset from the vanishing point (see the module doc).

    For a floor point p at depth d: |p - VP| is proportional to 1/d, so TO/IC distances from
    the VP give the depth ratio; the rows of the pelvis and of the floor under it give the
    camera's height in hip heights; the floor's column under the pelvis gives the offset.
    """
    vp = est.vanishing_point
    if vp is None or not stances:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ratios, rows, cols, distances = [], [], [], []
        for side, a, b, travel in stances:
            heel = FOOT[side][0]
            # While the foot is flat its heel is on the belt: floor points at two depths.
            first, last = xyz[a, heel, :2] - vp, xyz[b, heel, :2] - vp
            mid = (a + b) // 2
            floor = xyz[mid, heel, :2] - vp
            pelvis = (xyz[mid, lm.LEFT_HIP, :2] + xyz[mid, lm.RIGHT_HIP, :2]) / 2 - vp
            ratio = np.linalg.norm(last) / max(np.linalg.norm(first), 1e-6)
            if abs(ratio - 1) > 1e-3:
                # first/last distance ratio = d_last / d_first... = 1 + travel / d (see below).
                distances.append(abs(travel / (ratio - 1)))
            ratios.append(ratio)
            rows.append((floor[1], pelvis[1]))
            cols.append((floor[0], pelvis[0]))
        floor_row, pelvis_row = np.nanmedian(np.array(rows), axis=0)
        est.perspective = float(np.nanmedian(ratios))
    if not np.isfinite(est.perspective) or floor_row <= 0 or floor_row - pelvis_row <= 0:
        return
    # Floor row = f H / d, pelvis row = f (H - hip) / d: H / hip = floor / (floor - pelvis).
    est.height_leg = float(floor_row / (floor_row - pelvis_row))
    mid_x = float(np.nanmedian([c[1] for c in cols]))  # the runner's centre line
    est.lateral_leg = float(-mid_x / floor_row * est.height_leg)
    if distances:
        # A floor point's distance from the VP is proportional to 1/depth, so the ratio of
        # the flat heel's distances is d_first / d_last = 1 +- travel / d_last.
        est.distance_leg = float(np.median(distances))
        est.off_axis_deg = float(np.degrees(np.arctan2(est.lateral_leg, est.distance_leg)))
