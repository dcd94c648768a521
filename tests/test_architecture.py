"""The core (domain, engine, connectors, jobs) never imports Django: the CLI, the jobs and the
tests share it, and it must stay usable without a web stack."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "idms"
CORE = ("domain", "engine", "connectors", "jobs")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_package_source_imports_no_django_and_no_web(package):
    offenders = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] == "django" or name.startswith("idms.web"):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_importing_the_whole_core_loads_no_django():
    modules = sorted(
        ".".join(("idms", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        for package in CORE
        for path in (SRC / package).rglob("*.py")
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
