"""The layering contract: the domain never imports Qt, and only storage talks to SQLite; and
the checks that hold it (import-linter, mypy, ruff) run in CI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "retro_desk"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def domain_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


def test_the_domain_never_imports_qt() -> None:
    offenders = [str(p) for p in domain_files() if "PySide6" in imported_modules(p)]
    assert domain_files() and offenders == []


def test_only_storage_talks_to_sqlite() -> None:
    offenders = [
        str(p)
        for p in PACKAGE.rglob("*.py")
        if "storage" not in p.relative_to(PACKAGE).parts
        and imported_modules(p) & {"sqlite3", "sqlite_utils"}
    ]
    assert offenders == []


def test_storage_never_imports_the_blame_modules() -> None:
    """Storage sits below the language reflection: it names places in a retro with the neutral
    retro_desk.textref, not with anything that matches blame."""
    offenders = []
    for path in (PACKAGE / "storage").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            offenders += [
                f"{path.name}: {module}" for module in modules
                if module.startswith(("retro_desk.language", "retro_desk.reflection"))
            ]
    assert offenders == []


ROOT = PACKAGE.parent


def test_ci_runs_the_checks_before_the_tests() -> None:
    # Issue 14: ruff and mypy were configured and ran nowhere.
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert lines.index("python3 tasks.py lint") < next(
        number for number, line in enumerate(lines) if "tasks.py test" in line)


def test_mypy_checks_the_qt_layer_too() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mypy = config["tool"]["mypy"]
    assert mypy["strict"] is True and mypy["files"] == ["retro_desk"]
    assert "exclude" not in mypy and "overrides" not in mypy


def test_the_import_contracts_hold_and_cover_the_blame_modules() -> None:
    import subprocess
    import sys
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    storage = next(c for c in contracts if c.get("source_modules") == ["retro_desk.storage"])
    assert {"retro_desk.ui", "retro_desk.language"} <= set(storage["forbidden_modules"])
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout
