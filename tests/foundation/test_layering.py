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


def test_every_app_of_the_project_has_its_place_in_the_layers():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = {
        name.strip()
        for contract in config["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    ours = {app.name for app in apps.get_app_configs() if Path(app.path).parent == PROJECT_ROOT}
    assert ours, "no project apps found"
    assert ours <= layered, f"add {sorted(ours - layered)} to the layers contract in pyproject.toml"
    assert layered <= set(config["root_packages"]), "every layer must be a root package"
