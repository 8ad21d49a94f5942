"""Comparison of two trials against each metric's SDD, and matched events (synthetic events)."""

from __future__ import annotations

import pytest

from gait.clinical.comparison import SDD, compare, matched_events

BASE = {
    "deg": 5.0,
    "% shoulder width": 5.0,
    "% leg length": 20.0,
    "steps/min": 170.0,
    "ms": 250.0,
    "%": 35.0,
    "dBFS": -20.0,
}


def block(metric, left, right=None):
    return {metric: {"left": left, "right": right, "unit": SDD[metric].unit}}


def one(metric, a, b, **kwargs):
    (row,) = [r for r in compare(block(metric, a), block(metric, b), **kwargs) if r.side == "left"]
    return row


@pytest.mark.parametrize("metric", sorted(SDD))
@pytest.mark.parametrize("delta, detectable", [(0.0, True), (-0.01, False), (0.01, True)])
def test_detectable_at_and_over_the_sdd_not_just_under(metric, delta, detectable):
    sdd = SDD[metric].value
    a = BASE[SDD[metric].unit]
    for sign in (1, -1):
        row = one(metric, a, round(a + sign * (sdd + delta), 2))
        assert row.sdd == sdd
        assert row.detectable is detectable, (sign, row)
        if not detectable:
            assert row.verdict == "no detectable change"


def test_published_defaults_and_their_sources():
    assert SDD["pelvic_drop"].value == 2.8 and "Dingenen" in SDD["pelvic_drop"].source
    assert SDD["overstride"].value == 4.8 and "tibia" in SDD["overstride"].source
    assert SDD["cadence"].value == 9.96 and "Schoenwether" in SDD["cadence"].source
    assert "no between-session SDD is published" in SDD["knee_valgus"].source


@pytest.mark.parametrize("metric", ["knee_valgus", "pelvic_drop", "overstride", "heel_strike", "trunk_lean"])
def test_lower_is_better_for_the_deviations(metric):
    assert one(metric, 12.0, 5.0).verdict == "improved"
    assert one(metric, 5.0, 12.0).verdict == "worse"
    assert one(metric, 5.0, 6.0).verdict == "no detectable change"


def test_pelvic_drop_exactly_at_its_sdd():
    row = one("pelvic_drop", 5.0, 7.8)  # 7.8 - 5.0 is 2.8000000000000003 in floating point
    assert (row.change, row.detectable, row.verdict) == (2.8, True, "worse")
    assert one("pelvic_drop", 5.0, 7.79).verdict == "no detectable change"
    assert one("pelvic_drop", 7.81, 5.0).verdict == "improved"


def test_cadence_is_judged_by_closeness_to_the_runners_band():
    band = {"cadence": (162.0, 178.0)}
    assert one("cadence", 150.0, 160.0, bands=band).verdict == "improved"
    assert one("cadence", 170.0, 190.0, bands=band).verdict == "worse"
    assert one("cadence", 188.0, 177.0, bands=band).verdict == "improved"
    assert one("cadence", 163.0, 175.0, bands=band).verdict == "changed"  # inside the band both times
    assert one("cadence", 150.0, 160.0).verdict == "changed"  # no band given
    assert one("cadence", 150.0, 159.0, bands=band).verdict == "no detectable change"


def test_timing_metrics_have_no_direction():
    assert one("contact_time", 300.0, 250.0).verdict == "changed"


def test_clinic_sdd_overrides_the_default():
    row = one("cadence", 170.0, 175.0, sdd={"cadence": 4.0})
    assert (row.sdd, row.detectable, row.sdd_source) == (4.0, True, "set by the clinic")


def test_missing_values_and_unknown_metrics_are_not_compared():
    rows = compare(block("pelvic_drop", 5.0, None), block("pelvic_drop", 9.0, 4.0))
    right = next(r for r in rows if r.side == "right")
    assert (right.change, right.detectable, right.verdict) == (None, None, "not compared")
    odd = {"mystery": {"left": 1.0, "right": 2.0, "unit": "deg"}}
    assert {r.verdict for r in compare(odd, {"mystery": {"left": 9.0, "right": 9.0}})} == {"not compared"}
    assert compare(block("pelvic_drop", 1.0), block("overstride", 1.0)) == []  # only metrics in both


def test_both_sides_are_compared_and_rows_serialise():
    rows = compare(block("pelvic_drop", 5.0, 9.0), block("pelvic_drop", 9.0, 5.0))
    assert [(r.side, r.verdict) for r in rows] == [("left", "worse"), ("right", "improved")]
    assert rows[0].as_dict()["sdd_source"].startswith("contralateral pelvic drop")


EVENTS_A = {"left": {"initial_contact": [10, 52, 94]}, "right": {"initial_contact": [31, 73, 115, 157]}}
EVENTS_B = {"left": {"initial_contact": [40, 61]}, "right": {"initial_contact": [20, 50, 80]}}


def test_matched_events_pair_contact_n_of_each_side_in_trial_a_order():
    pairs = matched_events(EVENTS_A, EVENTS_B, fps_a=60.0, fps_b=30.0)
    assert [(p.side, p.n, p.frame_a, p.frame_b) for p in pairs] == [
        ("left", 0, 10, 40),
        ("right", 0, 31, 20),
        ("left", 1, 52, 61),
        ("right", 1, 73, 50),
        ("right", 2, 115, 80),
    ]
    assert (pairs[0].time_a, pairs[0].time_b) == (pytest.approx(10 / 60, abs=1e-4), pytest.approx(40 / 30, abs=1e-4))


def test_matched_events_start_indices_and_timestamps():
    pairs = matched_events(EVENTS_A, EVENTS_B, 60.0, 30.0, start_a=1, timestamps_b=[i * 0.05 for i in range(100)])
    assert [(p.side, p.frame_a, p.frame_b, p.time_b) for p in pairs][:2] == [
        ("left", 52, 40, 2.0),
        ("right", 73, 20, 1.0),
    ]
    with pytest.raises(ValueError, match="frame rates"):
        matched_events(EVENTS_A, EVENTS_B, 0, 30)
    assert matched_events(EVENTS_A, {}, 60, 60) == []
