"""The import contracts in pyproject.toml hold, and cover every app of the project."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

from tests.conftest import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_app_of_the_project_is_in_every_contract():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = (c for c in config["contracts"] if c["type"] == "layers")
    by_name = {c["name"]: c for c in config["contracts"]}
    engine = next(c for name, c in by_name.items() if name.startswith("The gait engine"))
    reasoning = next(c for name, c in by_name.items() if name.startswith("Clinical reasoning"))
    mediapipe = next(c for name, c in by_name.items() if name.startswith("Only gait.engine.pose"))
    layered = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    ours = {app.name for app in apps.get_app_configs() if Path(app.path).parent == PROJECT_ROOT}
    assert {"core", "accounts", "appointments", "demo"} <= ours  # found the project's apps
    for where, names in [
        ("the layers", layered),
        ("root_packages", set(config["root_packages"])),
        ("the gait engine's forbidden_modules", set(engine["forbidden_modules"]) | {"gait"}),
        ("the clinical reasoning's forbidden_modules", set(reasoning["forbidden_modules"]) | {"gait"}),
        ("the MediaPipe contract's source_modules", set(mediapipe["source_modules"])),
    ]:
        assert ours <= names, f"add {sorted(ours - names)} to {where} in pyproject.toml"
