"""The Tab protocol, the TabContext a tab is built from, the lab state tabs share, and TABS: the
one list the window installs its tabs from, in order.

A tab lives in its own folder (gui/<name>/tab.py) with a `build(ctx: TabContext) -> Tab`
function. A Tab is a QWidget that also derives from `Tab` (below): `scrolls` (whether the window
wraps it in a scroll area; the Chain and Node tabs fit the room instead), and the hooks
`apply_theme(look)`, `redraw()` (the window's 500 ms timer), `export(folder) -> list[Path]`
(the header's Export…) and `shutdown()` (the window closes), all no-ops unless the tab needs them.
Adding a tab = one folder + one line in TABS.

A tab never reads another tab: it observes the controller, and what two tabs share goes
through the window's LabState (`ctx.lab`):
- `lab.facts()`: every figure the window shows, worked out once (engine/lab_figures.py) in a plain
  dict: height, the tip's difficulty and reward and the block they speak for, the next halving
  and retarget, blocks found, cores, the AI price per core-second and the SLA over the whole run
  (sla_penalty_usd, ...), the scenario's decision horizon. The cards, the tabs, the worksheet and `snapshot --facts` read it.
- `lab.snapshot()`: the live lab's inputs in one dict (chain info, cores, hashrate, AI report,
  node state, ...; MainWindow.lab_state); `lab.changed(snapshot)` when it moved (at most once a
  redraw).
- `lab.scenario` / `lab.scenario_changed(dict)`: the Economics tab's scenario values (the lesson
  and the worksheet price the run with them, the controller bills the AI work with them); `lab.figures`: its figures
  (the Attack tab's cost in the world's money). The Economics tab publishes both.
- `lab.request_mark(ChartMark)` -> `lab.mark_requested`: a vertical mark on the chain's
  difficulty chart (the lesson's retargets and halvings); the Chain tab draws it.
The window itself feeds the Chain tab the blocks and hashrate it receives (its own slots), so the
cards, the status bar and the charts count the same blocks.
"""

from __future__ import annotations

import importlib
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.lab_figures import lab_facts
from gui.i18n import tr
from gui.qt import QT_TRANSLATE_NOOP, QObject, Signal

if TYPE_CHECKING:
    from gui.window.controller import LabController
    from gui.window.theme import Theme


@dataclass(frozen=True)
class TabEntry:
    """One line of TABS: `name` (snapshot's --tab, MainWindow.tab(name)), the title shown
    (translated at install) and the module whose `build(ctx)` makes the tab."""

    name: str
    title: str
    module: str

    def build(self, ctx: TabContext) -> Tab:
        return importlib.import_module(self.module).build(ctx)

    @property
    def shown_title(self) -> str:
        return tr(self.title)


TABS: tuple[TabEntry, ...] = (
    TabEntry("chain", QT_TRANSLATE_NOOP("", "Chain"), "gui.chain.tab"),
    TabEntry("economics", QT_TRANSLATE_NOOP("", "Economics"), "gui.economics.tab"),
    TabEntry("node", QT_TRANSLATE_NOOP("", "Node"), "gui.node.tab"),
    TabEntry("class", QT_TRANSLATE_NOOP("", "Class"), "gui.classroom.tab"),
    TabEntry("wallet", QT_TRANSLATE_NOOP("", "Wallet"), "gui.wallet.tab"),
    TabEntry("attack", QT_TRANSLATE_NOOP("", "Attack (51%)"), "gui.attack.tab"),
    TabEntry("lesson", QT_TRANSLATE_NOOP("", "Lesson"), "gui.lesson.tab"),
)


@dataclass(frozen=True)
class Look:
    """The window's appearance, given to every tab's `apply_theme`."""

    theme_name: str  # "dark" | "light"
    theme: Theme  # colours and fonts (gui/window/theme.py), the presenter variant when on
    palette: dict  # chart colours (gui/widgets/charts.PALETTES)
    presenter: bool
    font_pt: int  # the chart font's size


@dataclass(frozen=True)
class ChartMark:
    """A vertical line at a block height on the chain's difficulty chart, with a short label;
    colours are chart palette roles ("target", "halving": 3:1 on every theme's background). The
    chart places the label (Chart.layout_marks: never over another)."""

    height: int
    text: str
    colour: str = "target"
    label_colour: str = "target"


class LabState(QObject):
    """What tabs share, owned by the window (see the module's docstring)."""

    changed = Signal(dict)  # the live lab moved: its snapshot()
    scenario_changed = Signal(dict)
    mark_requested = Signal(object)  # ChartMark

    def __init__(self, snapshot: Callable[[], dict] = dict, parent=None):
        super().__init__(parent)
        self._snapshot = snapshot
        self.scenario: dict = {}  # the Economics tab's values (+ site_mw); {} before it has any
        self.figures: dict[str, Any] | None = None  # the Economics tab's figures, when computed

    def snapshot(self) -> dict:
        """The live lab: chain_info, mining_slots, ai_slots, total_cores, hashrate_hs,
        ai_report, node_state, tip_time, gap_sum_s, gaps, blocks_found, mined_heights,
        class_blocks (a student's blocks by the class pool), ai_usd_per_core_s."""
        return self._snapshot()

    def facts(self) -> dict[str, Any]:
        """Every figure the window shows, as plain JSON-ready values (engine.lab_figures.lab_facts);
        {} before the window knows anything."""
        s = self.snapshot()
        if not s:
            return {}
        return lab_facts(
            s.get("chain_info") or {},
            tip_time=s.get("tip_time"),
            gap_sum_s=s.get("gap_sum_s", 0.0),
            gaps=s.get("gaps", 0),
            now_s=time.time(),
            node_state=s.get("node_state", "starting"),
            blocks_found=s.get("blocks_found"),
            mined_heights=s.get("mined_heights", ()),
            class_blocks=s.get("class_blocks"),
            hashrate_hs=s.get("hashrate_hs", 0.0),
            mining_slots=s.get("mining_slots", 0),
            ai_slots=s.get("ai_slots", 0),
            total_cores=s.get("total_cores", 0),
            ai_report=s.get("ai_report"),
            ai_usd_per_core_s=s.get("ai_usd_per_core_s"),
            scenario=self.scenario,
        )

    def publish_scenario(self, values: dict) -> None:
        self.scenario = dict(values)
        self.scenario_changed.emit(self.scenario)

    def publish_figures(self, figures: dict | None) -> None:
        self.figures = figures

    def request_mark(self, mark: ChartMark) -> None:
        self.mark_requested.emit(mark)


def weak_call(method: Callable[..., Any], default: Any = None) -> Callable[..., Any]:
    """`method` (a bound method of the window) called through a weak reference: what the window
    owns (its lab state, the tabs' context) must not keep the window alive once it is closed, or
    every closed window (a language switch, a new lesson, each GUI test) stays in memory and is
    restyled at every theme change."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any, **kwargs: Any) -> Any:
        bound = ref()
        return default if bound is None else bound(*args, **kwargs)

    return call


def _no_status(message: str, timeout_ms: int = 0) -> None:
    pass


def _no_restart() -> None:
    pass


@dataclass
class TabContext:
    """What a tab is built from: the controller (its signals and few methods, the settings), the
    shared lab state, and the two things a tab asks of the window."""

    controller: LabController
    lab: LabState = field(default_factory=LabState)
    show_status: Callable[..., None] = _no_status  # (message, timeout_ms) in the status bar
    restart: Callable[[], None] = _no_restart  # close the window to reopen it (a new chain)


class Tab:
    """The hooks the window calls on every tab; a tab overrides the ones it needs."""

    scrolls = True  # the window wraps the page in a scroll area rather than grow past a 720-line screen

    def apply_theme(self, look: Look) -> None:
        """The theme or presenter mode changed (also called once at start)."""

    def redraw(self) -> None:
        """The window's redraw timer (every 500 ms) and before a snapshot or an export."""

    def export(self, folder: Path) -> list[Path]:
        """Write this tab's charts and data into `folder` for slides; returns the files written."""
        return []

    def shutdown(self) -> None:
        """The window closes: stop this tab's workers."""
