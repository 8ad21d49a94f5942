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
@pytest.mark.parametrize(
    "overrides,reason",
    [
        ({"knee_in": 5}, "unknown finding code 'knee_in'"),
        ({"trunk_lean": "steep"}, "trunk_lean threshold must be a number, got 'steep'"),
        ({"trunk_lean": -3}, "trunk_lean threshold must be 0 or more, got -3"),
        ({"pelvic_drop": {"value": 6, "band": -1}}, "pelvic_drop band must be above 0, got -1"),
        ({"pelvic_drop": {"valu": 6}}, "pelvic_drop takes a number or"),
        ([8], "thresholds must map finding codes to numbers"),
    ],
)
def test_settings_refuse_unusable_thresholds_saying_why(overrides, reason):
    from django.core.exceptions import ValidationError

    settings_row = clinic_settings()
    settings_row.gait_threshold_overrides = overrides
    with pytest.raises(ValidationError) as refused:
        settings_row.full_clean()
    (message,) = refused.value.message_dict["gait_threshold_overrides"]
    assert message.startswith("Not valid: ") and reason in message


@pytest.mark.django_db
def test_settings_accept_zero_and_numbers_written_as_text():
    settings_row = clinic_settings()
    settings_row.gait_threshold_overrides = {"arm_crossover": 0, "trunk_lean": "8", "overstride": {"band": 2.5}}
    settings_row.full_clean()


@pytest.mark.django_db
def test_the_settings_page_refuses_a_negative_threshold_with_the_reason(client, clinic_admin):
    from core.models import ClinicSettings

    client.force_login(clinic_admin)
    response = client.post(
        "/admin/core/clinicsettings/add/",
        {
            "name": "Riverside Running Clinic",
            "reminder_hours_before": 48,
            "late_cancellation_hours": 24,
            "reassessment_interval_weeks": 6,
            "gait_threshold_overrides": '{"knee_valgus": -5}',
        },
    )
    assert response.status_code == 200
    assert "knee_valgus threshold must be 0 or more, got -5" in response.content.decode()
    assert not ClinicSettings.objects.exists()
