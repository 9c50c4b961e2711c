"""The layer rules of ARCHITECTURE.md hold, and import-linter catches each kind of break.

`make lint` runs `lint-imports` on the project; these tests run it on a copy of the
project's packages with one offending import added, to show that every contract really
fails, naming the import, when its rule is broken.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def run_lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """The project's packages (Python files only) and its pyproject.toml."""
    tree = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for package in CONFIG["root_packages"]:
        for source in (ROOT / package).rglob("*.py"):
            target = tree / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return tree


def test_the_project_keeps_every_contract(project_copy):
    result = run_lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("institutions", "networks.models", "Institutions never import networks"),
        ("sources", "institutions.models", "Layers"),
        ("networks", "web.views", "The domain never imports a delivery or feature app"),
        ("networks", "visuals.graphs", "The domain never imports a delivery or feature app"),
        ("visuals", "api.visual", "Feature apps never import a delivery app"),
        ("web", "api.serializers", "The two deliveries never import each other"),
        ("api", "web.views", "The two deliveries never import each other"),
        ("curation", "config.settings", "Nothing imports config"),
    ],
)
def test_each_broken_rule_fails_naming_the_import(project_copy, importer, imported, contract):
    offender = project_copy / importer / "offending_import.py"
    offender.write_text(f"import {imported}  # breaks a rule on purpose\n")
    try:
        result = run_lint_imports(project_copy)
    finally:
        offender.unlink()
    assert result.returncode != 0
    assert f"{contract}" in result.stdout
    assert "BROKEN" in result.stdout
    assert f"{importer}.offending_import -> {imported}" in result.stdout
