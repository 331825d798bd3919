"""The layering rules of docs/architecture.md ("The import contracts"), enforced
by import-linter's contracts in pyproject.toml: engine/ and regtest/ never import Qt or gui/, engine/
never imports regtest/ (the miner talks to nodes over JSON-RPC only), engine.primitives imports nothing
else of ours, engine's subjects form layers without circles, and the node imports only
engine.primitives and engine.mining."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.helpers import ROOT

CONTRACT_IDS = {
    "top-layers",
    "core-without-qt",
    "pure-primitives",
    "engine-subjects",
    "node-imports",
    "tabs-independent",
}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """`lint-imports` (import-linter's command, installed beside this Python) on `cwd`'s pyproject.toml."""
    beside = Path(sys.executable).with_name("lint-imports")
    command = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert command, "lint-imports not found: install the test extra (pip install -e .[test])"
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(
        [command, "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_contracts_exist():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert set(config["root_packages"]) == {"engine", "regtest", "gui"}
    contracts = {c["id"]: c for c in config["contracts"]}
    assert set(contracts) >= CONTRACT_IDS
    assert contracts["top-layers"]["layers"] == ["gui", "regtest", "engine"]
    assert {"gui", "PySide6", "pyqtgraph", "shiboken6"} <= set(contracts["core-without-qt"]["forbidden_modules"])
    assert contracts["core-without-qt"]["source_modules"] == ["engine", "regtest"]
    assert contracts["engine-subjects"]["layers"][-1] == "engine.primitives"
    assert {"engine.wallet", "engine.economy", "engine.lesson", "engine.pool"} <= set(
        contracts["node-imports"]["forbidden_modules"]
    )


def test_lint_imports_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0 and "0 broken" in result.stdout, result.stdout + result.stderr
    for contract_id in CONTRACT_IDS:
        assert contract_id in (ROOT / "pyproject.toml").read_text()


def test_lint_imports_catches_a_forbidden_import(tmp_path):
    """The check itself must fail when a lower layer imports an upper one."""
    for package, body in (("high", ""), ("low", ""), ("low/widget", "import high\n")):
        path = tmp_path / (package + ".py" if "/" in package else package + "/__init__.py")
        path.parent.mkdir(exist_ok=True)
        path.write_text(body)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["high", "low"]\n\n[[tool.importlinter.contracts]]\n'
        'name = "high above low"\ntype = "layers"\nlayers = ["high", "low"]\n'
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout + result.stderr
