"""The architecture stays as designed: plain-Python rules, imports one way, writes disciplined.

The import contracts live in pyproject.toml ([tool.importlinter]) and are checked here by
import-linter, which follows imports through every module: a plain module importing a module
that imports Django breaks the contract as surely as importing Django itself.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "visabond"
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(config: Path, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", str(config)],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    """Plain-Python rules, apps importing downwards, policy writes one way, no cycles."""
    result = lint_imports(ROOT / "pyproject.toml", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_the_contracts_catch_an_indirect_django_import_and_a_cycle(tmp_path: Path) -> None:
    """The same kinds of contract, on a package made to break them, do break."""
    package = tmp_path / "demo"
    package.mkdir()
    files = {
        "__init__.py": "",
        "rules.py": "from demo import helpers\n",
        "helpers.py": "import django\nfrom demo import services\n",
        "services.py": "from demo import helpers\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_package = "demo"
            include_external_packages = true

            [[tool.importlinter.contracts]]
            name = "plain"
            type = "forbidden"
            source_modules = ["demo.rules"]
            forbidden_modules = ["django"]

            [[tool.importlinter.contracts]]
            name = "acyclic"
            type = "acyclic_siblings"
            ancestors = ["demo"]
            """
        )
    )
    result = lint_imports(config, cwd=tmp_path)
    assert result.returncode == 1
    assert "demo.rules -> demo.helpers" in result.stdout
    assert "No cycles are allowed in demo" in result.stdout


SERVICE_MODULES = sorted(
    [
        *PACKAGE.rglob("services.py"),
        *PACKAGE.rglob("*_services.py"),
        PACKAGE / "policy/seed/loader.py",
    ]
)


def opens(function: ast.FunctionDef) -> set[str]:
    """Which transaction a function opens: 'durable' (an entry point) or 'step'."""
    kinds = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name.endswith("atomic") and any(
            k.arg == "durable" and ast.unparse(k.value) == "True" for k in node.keywords
        ):
            kinds.add("durable")
        if name.endswith("within_caller_transaction"):
            kinds.add("step")
    return kinds


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_public_service_is_an_entry_point_or_a_step(path: Path) -> None:
    """docs/writes.md: an entry point opens atomic(durable=True); a step runs inside its
    caller's transaction (within_caller_transaction) and says so."""
    functions = [
        node
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    assert functions, path
    for function in functions:
        kinds = opens(function)
        doc = ast.get_docstring(function) or ""
        assert len(kinds) == 1, f"{function.name} opens {kinds or 'no transaction'}"
        if kinds == {"step"}:
            assert "caller's transaction" in doc, f"{function.name} does not say it is a step"
