"""The layering rules of DESIGN.md, enforced: engine/ and regtest/ never import Qt or gui/,
and engine/ never imports regtest/ (the miner talks to nodes over JSON-RPC only)."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

# Imports every module of a package with the forbidden top-level names made unimportable.
PROBE = r"""
import importlib, importlib.abc, pkgutil, sys
forbidden = set(sys.argv[2].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in forbidden:
            raise ImportError(f"layering: {name} imported while importing {current}")
sys.meta_path.insert(0, Block())
package = importlib.import_module(sys.argv[1])
current = sys.argv[1]
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    if info.name.endswith("__main__"):
        continue
    current = info.name
    importlib.import_module(info.name)
print("ok")
"""


def modules_of(package: str) -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(ROOT / package)], package + ".")]


@pytest.mark.parametrize(
    "package, forbidden",
    [
        ("regtest", "PySide6,pyqtgraph,gui,shiboken6"),
        ("engine", "PySide6,pyqtgraph,gui,shiboken6,regtest"),
    ],
)
def test_lower_layers_import_without_qt_or_upper_layers(package, forbidden):
    assert modules_of(package), f"{package} has no modules to check"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, package, forbidden],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr


def test_probe_catches_a_forbidden_import(tmp_path):
    """The probe itself must fail when a package's submodule imports a forbidden name."""
    (tmp_path / "layer").mkdir()
    (tmp_path / "layer" / "__init__.py").write_text("")
    (tmp_path / "layer" / "widget.py").write_text("import fractions\n")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "layer", "fractions"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0 and "layering" in result.stderr
