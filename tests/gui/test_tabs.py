"""The Tab protocol (gui/window/tabs.py): every tab is one folder with a tab.py, listed once in TABS,
and the window installs exactly that list, in order, the same way."""

from __future__ import annotations

import gc
import importlib
import weakref
from pathlib import Path

from gui.window.snapshot import build_parser
from gui.window.tabs import TABS, Tab
from tests.helpers.windows import window_with_settings

GUI = Path(__file__).resolve().parents[2] / "gui"


def test_every_tab_folder_is_listed_once_and_every_entry_has_a_folder():
    folders = {p.parent.name for p in GUI.glob("*/tab.py")}
    modules = [entry.module for entry in TABS]
    assert len(set(modules)) == len(modules) and len({e.name for e in TABS}) == len(TABS)
    assert {m.split(".")[1] for m in modules} == folders
    for entry in TABS:
        assert entry.module == f"gui.{entry.module.split('.')[1]}.tab"
        assert callable(importlib.import_module(entry.module).build), entry.module


def test_the_window_installs_every_tab_from_the_list_in_order(qapp, tmp_path):
    controller, window = window_with_settings(tmp_path)
    try:
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [e.shown_title for e in TABS]
        for entry in TABS:
            page = window.tab(entry.name)
            assert isinstance(page, Tab), entry.name
            # a scrolling tab sits in a scroll area, the others are the page itself
            index = [e.name for e in TABS].index(entry.name)
            shown = window.tabs.widget(index)
            assert (shown is page) != page.scrolls, entry.name
    finally:
        window.close()
        controller.shutdown()


def test_snapshot_offers_every_tab():
    action = next(a for a in build_parser()._actions if a.dest == "tab")
    assert list(action.choices) == [entry.name for entry in TABS]


def test_a_closed_window_is_freed(qapp, tmp_path):
    """What the window owns (its lab state, the tabs' context) must not keep it alive: a closed
    window stayed in memory, ~130 widgets each, restyled at every later theme change."""

    def open_and_close() -> tuple[weakref.ref, weakref.ref]:
        controller, window = window_with_settings(tmp_path)
        qapp.processEvents()
        window.close()
        qapp.processEvents()
        return weakref.ref(window), weakref.ref(controller)

    window_ref, controller_ref = open_and_close()
    gc.collect()
    qapp.processEvents()
    assert window_ref() is None and controller_ref() is None
