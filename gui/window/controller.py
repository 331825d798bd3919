"""The one controller: owns the node process, the miner, the AI runner, the capacity allocator,
the wallet service and the class pool's service (gui/classroom/service.py), and turns their state
into Qt signals; the ChainPoller (gui/chain/service.py) reads the chain once a second. Widgets
observe it and never call RPC or kernels themselves. Engine callbacks arrive on engine threads;
emitting a signal from there queues the slot onto the GUI thread (Electrum's QtEventListener
pattern). The kernels' progress lines come from kernel_progress.py."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from engine.ai.billing import ai_billing_for_lab, load_books, save_books
from engine.ai.jobs import AIJobRunner
from engine.capacity import CapacityAllocator
from engine.economy.lab_mapping import LabMapping
from engine.mining.events import BlockResult, ConnectionProblem, KernelProgress, MinerStats
from engine.mining.miner import Miner
from engine.mining.refusals import MiningRefused
from engine.rpc import RPCClient, RPCError
from gui.chain.service import ChainPoller
from gui.classroom.service import ClassroomService
from gui.i18n import tr
from gui.qt import QObject, QSettings, QStandardPaths, QTimer, Signal
from gui.wallet.service import WalletService
from gui.window.kernel_progress import MinerKernelLine, size_new_chain
from gui.window.node_process import BitcoindProcess, NodeProcess

log = logging.getLogger(__name__)

LEASE_NOTICE_S = 30.0  # lab time for an AI lease to end after its cores are taken back
AI_BOOKS = "ai_books.json"  # the AI runner's books (the SLA totals), beside the chain they were earned on
AI_BOOKS_SAVE_S = 10.0  # also saved this often while running (the app may not close cleanly)


def default_datadir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".mine2compute")


class LabController(QObject):
    """Starts and stops everything; every slow step runs off the GUI thread."""

    status = Signal(str)  # one line for the status bar
    compile_progress = Signal(str, int)  # message, percent (-1: busy, 100: done)
    node_ready = Signal(str)  # RPC URL
    node_failed = Signal(str)  # what went wrong and what to do
    chain_info = Signal(dict)  # getblockchaininfo (+ networkhashps) every second
    blocks = Signal(list, bool)  # new BlockRows, and whether they replace the shown ones (reorg)
    miner_stats = Signal(object)  # MinerStats every second
    block_result = Signal(object)  # BlockResult
    ai_report = Signal(object)  # AIReport every second
    allocation = Signal(object)  # Allocation after every capacity change
    problem = Signal(str)  # a passing problem (connection lost, retrying)
    node_log = Signal(str)  # each line the node process writes
    _launch_requested = Signal(tuple)

    def __init__(
        self,
        datadir: Path | None = None,
        settings: QSettings | None = None,
        total_cores: int | None = None,
        lab_hashrate_hs: float | None = None,
        parent=None,
    ):
        """`lab_hashrate_hs` sizes a new lab chain without timing the kernels (tests, demos)."""
        super().__init__(parent)
        self.lab_hashrate_hs = lab_hashrate_hs
        self.settings = settings or QSettings("mine2compute", "Mine-to-Compute Lab")
        self.datadir = Path(datadir) if datadir else default_datadir()
        self.base_datadir = self.datadir  # lessons live in base_datadir/lessons/, never over the user's chain
        self.lesson = False  # a lesson-pace chain (New lesson), remembered as lesson/datadir
        lesson_dir = self.settings.value("lesson/datadir", "")
        if (
            lesson_dir
            and self.settings.value("node/mode", "embedded") == "embedded"
            and self.settings.value("node/chain", "lab") == "lab"
        ):
            self.datadir, self.lesson = Path(lesson_dir), True
        self.total_cores = total_cores or os.cpu_count() or 1
        self.node: NodeProcess | None = None
        self.rpc: RPCClient | None = None
        self.miner: Miner | None = None
        self.ai: AIJobRunner | None = None
        self.allocator: CapacityAllocator | None = None
        self.poller: ChainPoller | None = None
        self.url: str | None = None
        self.chain_name = "lab"
        self.mapping = LabMapping(site_mw=1000.0, total_cores=self.total_cores)
        self.scenario_values: dict | None = None
        self.billing = None  # the AI runner's BillingRate, from the scenario (None before it has one)
        saved = int(self.settings.value("ui/throttle", self.total_cores))
        self._throttle_cores = min(max(saved, 1), self.total_cores)  # remembered by the window
        self.classroom = ClassroomService(self.settings, parent=self)  # the class pool, the class joined
        self.classroom.status.connect(self.status)
        self.classroom.problem.connect(self.problem)
        self._ai_slots = 0
        self._books_saved_s = 0.0
        self._shutting_down = False
        self._threads: list[threading.Thread] = []
        self._launch_requested.connect(self._launch_embedded)
        self._lease_timer = QTimer(
            self, singleShot=True, interval=int(LEASE_NOTICE_S * 1000), timeout=self._end_unused_lease
        )
        # One key for the user whatever the chain (a lesson chain too): the backup is shown once.
        self.wallet = WalletService(self.base_datadir / "wallet", parent=self)  # the miner's coinbase pays to it

    # --- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the node chosen in the settings (embedded by default), then the miner."""
        mode = self.settings.value("node/mode", "embedded")
        if mode == "attach":
            url = self.settings.value("node/url", "http://127.0.0.1:18443")
            self._connect(
                url,
                self.settings.value("node/cookie", "") or None,
                self.settings.value("node/user", "") or None,
                self.settings.value("node/password", "") or None,
            )
        elif mode == "bitcoind":
            self.chain_name = "regtest"
            self._launch(BitcoindProcess(self.datadir / "bitcoind", parent=self))
        else:
            self.chain_name = self.settings.value("node/chain", "lab")
            chain_exists = (self.datadir / self.chain_name / "chainparams.json").exists()
            if self.chain_name == "lab" and not chain_exists and self.lab_hashrate_hs:
                self._launch_embedded(("--lab-hashrate", f"{self.lab_hashrate_hs:.0f}"))
            elif self.chain_name == "lab" and not chain_exists:
                self._in_thread("calibrate", self._calibrate_then_launch)
            else:
                self._launch_embedded(())

    def _in_thread(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _calibrate_then_launch(self) -> None:
        """First run: size the lab chain with the kernel the miner starts with, timed on the
        miner's thread count (~1 s); the miner times the others as it mines."""
        try:
            kernel, hashrate = size_new_chain(self.total_cores, self.compile_progress.emit)
        except Exception as exc:  # a compiler or cache failure must not leave the window waiting
            log.exception("kernel calibration failed")
            self.node_failed.emit(
                tr(
                    "Could not prepare the SHA-256d kernels ({error}). Check that the "
                    "cache folder is writable, or set MINE2COMPUTE_KERNEL=scalar."
                ).format(error=exc)
            )
            return
        if not self._shutting_down:
            # A queued signal brings the launch back to the GUI thread, where QProcess lives.
            self._launch_requested.emit(("--lab-hashrate", f"{hashrate:.0f}"))

    def _launch_embedded(self, extra_args: tuple[str, ...]) -> None:
        from gui.qt import QProcessEnvironment
        from gui.window.class_login import class_node_args
        from regtest.cli import RPCAUTH_ENV

        port = int(self.settings.value("node/rpcport", 0))
        if self.lesson:
            extra_args = (*extra_args, "--pace", "lesson")
        rpcauth = None
        if self.classroom.sharing:
            # The class needs a fixed address: the chain's usual port unless one is set, and a
            # password login besides the cookie (the node refuses a LAN bind without one), given
            # as Core's salted rpcauth through the environment: no secret on any command line.
            port = port or {"lab": 18449, "regtest": 18443}[self.chain_name]
            extra_args = (*extra_args, "--rpcbind", "0.0.0.0", *class_node_args())
            rpcauth = self.classroom.rpcauth()
        node = NodeProcess(self.datadir, self.chain_name, port, extra_args, parent=self)
        env = QProcessEnvironment.systemEnvironment()
        env.remove(RPCAUTH_ENV)  # never pass on a login this window did not choose
        if rpcauth:
            env.insert(RPCAUTH_ENV, rpcauth)
        node.proc.setProcessEnvironment(env)
        self._launch(node)

    def new_lesson(self) -> Path:
        """Choose a fresh folder for a lesson-pace chain, used from the next start (which sizes it
        to this computer, as a first launch does); the user's own chain is left as it is."""
        folder = self.base_datadir / "lessons" / time.strftime("%Y-%m-%d_%H%M%S")
        self.settings.setValue("lesson/datadir", str(folder))
        self.settings.sync()
        return folder

    def leave_lesson(self) -> None:
        """Back to the user's own chain from the next start (the lesson's chain stays on disk)."""
        self.settings.remove("lesson/datadir")
        self.settings.sync()

    def _launch(self, node: NodeProcess) -> None:
        if self._shutting_down:
            return
        self.node = node
        node.ready.connect(lambda url, cookie: self._connect(url, cookie, None, None))
        node.failed.connect(self._node_failed)
        node.log_line.connect(self.node_log)
        self.status.emit(tr("Starting the node…"))
        node.start()

    def _node_failed(self, message: str) -> None:
        # Mining needs the node; the AI jobs do not, so they (and their tally) carry on.
        self._stop_mining()
        self.node_failed.emit(message)

    def restart_node(self) -> None:
        """After a crash: start the same node again (the chain is safe on disk)."""
        if self.node is not None:
            self.node.start()

    def _connect(self, url: str, cookie: str | None, user: str | None, password: str | None) -> None:
        if self._shutting_down:  # a node that came up while the window was closing
            return
        self.url = url
        if self.classroom.sharing:
            port = url.rsplit(":", 1)[1]
            self._in_thread("class-address", lambda: self.classroom.find_address(port))
        self.rpc = RPCClient(url, cookie_file=cookie, user=user, password=password)
        if self.classroom.sharing and self.classroom.pool is None:
            self.classroom.start_pool(url, cookie, self.wallet.mining_script)
        self.node_ready.emit(url)
        self.status.emit(tr("Node ready at {url}").format(url=url))
        self.wallet.set_rpc(self.rpc)
        self._start_engine()

    def _start_engine(self) -> None:
        source = None
        joined = self.classroom.joined() or self.classroom.own_pool()  # the teacher mines through the class pool
        if joined:
            from engine.mining.stratum_client import StratumSource

            try:
                source = StratumSource(
                    f"stratum+tcp://{joined['host']}:{joined['port']}", joined["name"], joined["password"]
                )
            except ValueError as exc:
                self.problem.emit(str(exc))
        self._kernel_line = MinerKernelLine()
        self.miner = Miner(
            self.rpc,
            self.wallet.mining_script,
            max_slots=self.total_cores,
            slots=self.total_cores,
            on_event=self._on_miner_event,
            source=source,
        )
        if self.ai is None:  # kept across node restarts
            self.ai = self._make_ai()
        self.allocator = CapacityAllocator(
            self.miner,
            self.ai,
            self._throttle_cores,
            ai_slots=min(self._ai_slots, self._throttle_cores),
            on_change=self.allocation.emit,
        )
        self.miner.start()
        self.poller = ChainPoller(self.rpc, self.chain_info.emit, self.blocks.emit, self.problem.emit)
        self.poller.start()
        self.allocation.emit(self.allocator.allocation)

    # --- the AI runner's books, across the app's own restart -----------------------------------
    def ai_books_path(self) -> Path:
        """Where this chain's AI books are kept (a new lesson, a new chain: new books)."""
        return self.datadir / self.chain_name / AI_BOOKS

    def _make_ai(self) -> AIJobRunner:
        """The AI runner, its books carried on from the last run on this chain: the SLA figures
        are over the whole run, and a language switch or a kernel choice reopens the app."""
        ai = AIJobRunner(max_slots=self.total_cores, billing=self.billing, on_report=self._on_ai_report)
        try:
            books = load_books(self.ai_books_path())
            if books is not None:
                ai.ledger.carry(books)
        except ValueError as exc:
            self.problem.emit(
                tr("The AI jobs' totals could not be read, so they start from zero: {error}").format(error=exc)
            )
        self._books_saved_s = time.monotonic()
        return ai

    def save_ai_books(self, ai: AIJobRunner | None = None) -> None:
        ai = ai if ai is not None else self.ai
        if ai is None:
            return
        try:
            save_books(self.ai_books_path(), ai.ledger.books())
        except OSError as exc:
            log.warning("could not save the AI books to %s: %s", self.ai_books_path(), exc)
        self._books_saved_s = time.monotonic()

    # --- engine events -> signals -------------------------------------------------------------
    def _on_ai_report(self, report) -> None:
        if not self._shutting_down:  # the reporter thread may outlive the window by a moment
            self.ai_report.emit(report)
            if time.monotonic() - self._books_saved_s >= AI_BOOKS_SAVE_S:
                self.save_ai_books()

    def _on_miner_event(self, event) -> None:
        if self._shutting_down:  # a late event from a miner thread: nobody listens any more
            return
        if isinstance(event, MinerStats):
            self.miner_stats.emit(event)
        elif isinstance(event, BlockResult):
            self.block_result.emit(event)
        elif isinstance(event, KernelProgress):
            self.compile_progress.emit(*self._kernel_line(event))
        elif isinstance(event, ConnectionProblem):
            self.problem.emit(
                tr("Node unreachable ({error}); retrying in {s:.0f} s").format(error=event.message, s=event.retry_in_s)
            )
        elif isinstance(event, MiningRefused):  # the miner has stopped: an error banner, not a passing note
            self.node_failed.emit(event.message)

    # --- capacity -----------------------------------------------------------------------------
    def set_ai_cores(self, cores: int) -> None:
        """Move cores between mining and AI jobs (the rest mine).

        Taking cores back from AI is downtime against the tenant's SLA until the lease on them
        ends, LEASE_NOTICE_S later; mining can stop at any moment at no cost.
        """
        self._ai_slots = cores
        if self.allocator:
            self.allocator.set_ai_slots(min(cores, self.allocator.total_cores))
            self._lease_timer.start()
        elif self.ai is not None:  # the node is down: no miner to share with, AI still moves
            self.ai.set_slots(min(cores, self._throttle_cores))
            self._lease_timer.start()

    def _end_unused_lease(self) -> None:
        if self.ai is not None and self.ai.contracted_slots > self.ai.slots:
            self.ai.set_contracted_slots(self.ai.slots)

    def set_throttle(self, cores: int) -> None:
        """Use only `cores` of the machine's cores, so a laptop stays cool."""
        self._throttle_cores = max(0, min(cores, self.total_cores))
        if self.allocator:
            self.allocator.set_total_cores(self._throttle_cores)
            if self._ai_slots and self.allocator.allocation.ai_slots < self._ai_slots:
                self.allocator.set_ai_slots(min(self._ai_slots, self._throttle_cores))

    def set_mining_paused(self, paused: bool) -> None:
        if self.miner:
            (self.miner.pause if paused else self.miner.resume)()

    def set_scenario_values(self, values: dict) -> None:
        """The economics panel's scenario: it prices the AI runner's work."""
        self.scenario_values = dict(values)
        self.mapping = LabMapping(site_mw=float(values.get("site_mw", 1000.0)), total_cores=self.total_cores)
        self._apply_billing()

    def _apply_billing(self) -> None:
        """The scenario prices a core-second of AI work (never a speed test: the same scenario
        gives the same price on every launch, whatever the load)."""
        if self.scenario_values is None:
            return
        try:
            self.billing = ai_billing_for_lab(self.scenario_values, self.mapping)
        except (ValueError, KeyError) as exc:
            self.problem.emit(tr("AI billing not updated: {error}").format(error=exc))
            return
        ai = self.ai  # read once: shutdown on the GUI thread may clear it meanwhile
        if ai is not None:
            ai.set_billing(self.billing)

    # --- shutdown -----------------------------------------------------------------------------
    def _stop_mining(self) -> None:
        if self.poller:
            self.poller.stop_event.set()
            self.poller.join(5)
            self.poller = None
        if self.miner:
            self.miner.stop()
            self.miner = None
        self.allocator = None

    def _stop_engine(self) -> None:
        self._stop_mining()
        self.classroom.stop_pool()
        if self.ai:
            self.ai.close()
            self.save_ai_books(self.ai)  # after close: the contract ended, its books are final
            self.ai = None
        self.allocator = None

    def shutdown(self) -> None:
        """Clean shutdown: miner and AI stopped, node stopped and flushed."""
        self._shutting_down = True
        rpc = self.rpc
        self._stop_engine()
        self.wallet.stop()
        if self.node and self.node.running():
            if rpc is not None:
                try:  # the `stop` RPC works everywhere; a signal is not a clean stop on Windows
                    rpc.call("stop", timeout_s=5)
                except RPCError:
                    pass
            self.node.stop()
        # The calibration thread may sit in a long first compile; it is a daemon and its
        # result is ignored once shutting down, so it is not waited for.
        for thread in self._threads:
            if thread.name != "calibrate":
                thread.join(10)
