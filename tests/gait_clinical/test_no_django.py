"""gait.clinical is plain Python: importable and usable without Django settings."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

SCRIPT = """
import sys
from gait.clinical import comparison, reasoning, targets
reasoning.suggest([{"code": "pelvic_drop", "side": "left", "value": 8.0}])
targets.judge_metrics(targets.Runner(height_cm=175, speed_kmh=10), {"cadence": {"left": 170, "right": 170}})
comparison.compare({}, {})
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "rest_framework", "celery", "mediapipe"))
print(",".join(loaded))
"""


def test_gait_clinical_imports_no_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
