"""A clinic's threshold overrides (Clinic settings) reach the analysis run by the command."""

import json

import pytest

from core.selectors import clinic_settings
from gait.engine.synthetic import generate
from gait.management.commands.analyze_gait import Command


@pytest.fixture
def side_runner_leaning_6_degrees(tmp_path):
    path = tmp_path / "runner.npz"
    generate(view="side", trunk_lean=6.0, duration=10.0, fps=60).save_npz(path)
    return path


def findings(npz, tmp_path):
    out = tmp_path / "report.json"
    Command().handle("--landmarks", str(npz), "--json", str(out))
    return {f["code"]: f for f in json.loads(out.read_text())["findings"]}


@pytest.mark.django_db
def test_the_clinic_threshold_decides_what_is_a_finding(side_runner_leaning_6_degrees, tmp_path):
    assert "trunk_lean" not in findings(side_runner_leaning_6_degrees, tmp_path)  # default 10 deg

    settings_row = clinic_settings()
    settings_row.gait_threshold_overrides = {"trunk_lean": 4}
    settings_row.save()

    lean = findings(side_runner_leaning_6_degrees, tmp_path)["trunk_lean"]
    assert lean["threshold"] == 4 and lean["value"] == pytest.approx(6.0, abs=0.5)


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [{"knee_in": 5}, {"trunk_lean": "steep"}])
def test_settings_refuse_unknown_codes_and_non_numbers(overrides):
    from django.core.exceptions import ValidationError

    settings_row = clinic_settings()
    settings_row.gait_threshold_overrides = overrides
    with pytest.raises(ValidationError, match="Not valid"):
        settings_row.full_clean()
