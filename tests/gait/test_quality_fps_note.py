"""Below 60 fps the report says which measures are approximate, mid-stance angles included
(at 30 fps a 6 m/s runner's stance is about 4.5 frames, so mid-stance can land a frame off)."""

from gait.engine import analyze, synthetic


def test_thirty_fps_says_mid_stance_angles_are_approximate():
    series = synthetic.generate(view="rear", fps=30, duration=8.0)
    warnings = analyze.analyze(series)["quality"]["warnings"]
    note = next(w for w in warnings if "30 frames per second" in w)
    assert "mid-stance angles" in note


def test_sixty_fps_has_no_such_note():
    series = synthetic.generate(view="rear", fps=60, duration=8.0)
    assert not any("frames per second" in w for w in analyze.analyze(series)["quality"]["warnings"])
