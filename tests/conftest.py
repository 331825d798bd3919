"""Shared fixtures and the markers. Qt runs offscreen in every test (no display on CI).

Layout: tests/engine/, tests/regtest/ and tests/gui/ mirror the packages they test; tests/ itself
holds the project-wide checks (layering, docs); tests/helpers/ is what several modules share
(`from tests.helpers.<module> import ...`).

Markers (registered in pyproject.toml, applied here so they cannot be forgotten):
  node  the test starts a node process (`python -m regtest`): added to every test whose fixtures
        are marked @starts_node_process (node_factory, so regtest_node and lab_node too, and the
        modules' own node fixtures); tests that start a node in their body are marked by hand,
        and a node started (NodeProcess, `-m regtest`, `-m gui.cli node`) by a test without the
        marker fails that test, saying so.
  gui   the test needs a QApplication or a window: added to every test under tests/gui/ and to
        every test using `qtbot` or `qapp`.
  slow  long benchmarks and soak tests, left out of the default run.

    python -m pytest                                          # everything but slow (README, CI)
    python -m pytest -m "not node and not gui and not slow"   # the quick tier, under a minute
    python -m pytest tests/engine                             # one folder
    python -m pytest -m slow                                  # the slow ones

`node_factory` starts real node processes (`python -m regtest`) the way the GUI launches them;
`regtest_node` is one such node on Bitcoin Core's regtest chain, `lab_node` one on the lab chain;
each is stopped after the test.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import node as node_helpers
from tests.helpers.node import NodeProcess, launches_a_node, starts_node_process

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GUI_DIR = Path(__file__).resolve().parent / "gui"
GUI_FIXTURES = {"qtbot", "qapp"}


def uses_a_node_fixture(item) -> bool:
    """Whether a fixture the test uses, directly or through others, is marked @starts_node_process."""
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        getattr(defs[-1].func, "starts_node_process", False) for defs in info.name2fixturedefs.values() if defs
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if GUI_DIR in Path(item.path).resolve().parents or set(getattr(item, "fixturenames", ())) & GUI_FIXTURES:
            item.add_marker(pytest.mark.gui)
        if uses_a_node_fixture(item):
            item.add_marker(pytest.mark.node)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # before the test's fixtures (module-scoped ones included) are set up
    node_helpers.node_processes_allowed = item.get_closest_marker("node") is not None


_popen_init = subprocess.Popen.__init__


@functools.wraps(_popen_init)
def _popen_init_checking_for_nodes(self, args, *rest, **kwargs):
    argv = [os.fspath(a) for a in args] if isinstance(args, (list, tuple)) else str(args).split()
    if launches_a_node(argv):
        node_helpers.require_node_marker(" ".join(argv[1:4]))
    _popen_init(self, args, *rest, **kwargs)


def pytest_configure(config):
    # every child process a test starts passes here, so a node started without the marker is caught
    subprocess.Popen.__init__ = _popen_init_checking_for_nodes  # type: ignore[method-assign]


def pytest_unconfigure(config):
    subprocess.Popen.__init__ = _popen_init  # type: ignore[method-assign]


@pytest.fixture
@starts_node_process
def node_factory(tmp_path):
    nodes: list[NodeProcess] = []

    def make(chain: str = "regtest", datadir: Path | None = None, **kwargs) -> NodeProcess:
        node = NodeProcess(datadir or tmp_path / f"node{len(nodes)}", chain=chain, **kwargs)
        nodes.append(node)
        return node

    yield make
    for node in nodes:
        try:
            node.stop(10)
        except Exception:
            node.kill()
        node.kill()


@pytest.fixture
def regtest_node(node_factory):
    """A started node on Bitcoin Core's regtest chain."""
    return node_factory("regtest").start()


@pytest.fixture
def lab_node(node_factory):
    """A started node on the lab chain sized for 1 GH/s (difficulty ~1): the tests' shares at low
    difficulty are never blocks by chance."""
    return node_factory("lab", extra_args=("--lab-hashrate", "1e9")).start()
