"""The 51% race against the class chain, in the window: with the class pool open the Attack tab's
race counts the class's hashes from the pool (no honest miner of its own) and the Class tab shows
the race. The race itself is engine-tested against a node (tests/engine/test_race_pool.py); here
LabRace is a stand-in that reports what a real one would."""

from __future__ import annotations

from types import SimpleNamespace

from engine.pool.stats import HASHES_PER_DIFF1, PoolStats
from engine.wallet.attack import AttackError
from engine.wallet.race import RaceResult
from gui.attack import service as attack_service
from gui.attack.service import AttackService
from gui.attack.tab import AttackPanel
from gui.classroom.service import TEACHER_NAME, ClassroomService
from gui.classroom.tab import ClassTab
from gui.formats import percent
from gui.qt import QSettings
from gui.window.tabs import LabState, TabContext


class FakeRace:
    """LabRace's interface: records how it was made, reports one look and a succeeded end."""

    made: list[dict] = []

    def __init__(self, *args, status=None, honest_hashes=None, **kwargs):
        self.status, self.honest_hashes, self.paid_txid = status, honest_hashes, "ab" * 32
        self.auto_release = True
        FakeRace.made.append(dict(kwargs, args=args, honest_hashes=honest_hashes))

    def run(self) -> RaceResult:
        honest = self.honest_hashes()  # what the class has done, from the pool
        self.status(dict(fork_height=200, private=2, public=1, confirmations=1, attacker_hashes=honest,
                         honest_hashes=honest, seconds=3.0, q=0.5))  # fmt: skip
        fields = dict.fromkeys(RaceResult.__dataclass_fields__, 0)
        fields.update(payment_txid="ab" * 32, refund_txid="cd" * 32, result="succeeded", q=0.75, private_blocks=3,
                      public_blocks=1, reorg_depth=1, confirmations=1, released=True, reason="released",
                      payment_in_active_chain=False, refund_in_active_chain=True, attacker_hashes=3 * honest,
                      honest_hashes=honest, seconds=4.0, fork_height=200, honest_side="class pool")  # fmt: skip
        return RaceResult(**fields)


def test_the_attack_on_the_class_counts_the_class_pool_and_the_class_tab_shows_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(attack_service, "LabRace", FakeRace)
    FakeRace.made.clear()
    stats = PoolStats()
    stats.share("alice", 1.0, "accepted")
    stats.share("bob", 0.5, "accepted")
    stats.share(TEACHER_NAME, 8.0, "accepted")  # the teacher's own miner: its cores attack, not the class
    classroom = ClassroomService(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    classroom.pool = SimpleNamespace(stats=stats)
    controller = SimpleNamespace(
        total_cores=4, miner=None, classroom=classroom,
        wallet=SimpleNamespace(wallet=object(), rpc=object(), error=None),
    )  # fmt: skip
    lab = LabState(lambda: {"chain_info": {"consensus": {"pow_target_spacing": 5}}, "ai_slots": 0})
    panel = AttackPanel(AttackService(controller), TabContext(controller, lab))
    qtbot.addWidget(panel)
    class_tab = ClassTab()
    qtbot.addWidget(class_tab)
    classroom.race.connect(class_tab.on_race)
    assert class_tab.race.isHidden()

    panel.merchant.setText("bcrt1qmerchant")
    panel.start()
    qtbot.waitUntil(lambda: not panel.service.running and "succeeded" in panel.result.text(), timeout=10_000)
    # the honest side is the class's accepted share work, the teacher's own miner left out
    (made,) = FakeRace.made
    assert made["honest_hashes"]() == int(1.5 * HASHES_PER_DIFF1)
    assert "against the class's" in panel.odds.text() and "the honest miner's" not in panel.odds.text()
    assert "against the class's" in panel.cost.text()
    # the Class tab shows the race and its end
    qtbot.waitUntil(lambda: "reorganised 1 blocks deep" in class_tab.race.text(), timeout=5_000)
    text = class_tab.race.text()
    assert not class_tab.race.isHidden()
    assert "private branch 3 blocks against 1 public blocks" in text and f"q = {percent(0.75)}" in text
    assert "height 200" in text


def test_without_the_class_pool_the_race_runs_its_own_honest_miner(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(attack_service, "LabRace", FakeRace)
    FakeRace.made.clear()
    classroom = ClassroomService(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    controller = SimpleNamespace(
        total_cores=4, miner=None, classroom=classroom,
        wallet=SimpleNamespace(wallet=object(), rpc=object(), error=None),
    )  # fmt: skip
    service = AttackService(controller)
    seen = []
    classroom.race.connect(seen.append)

    def run(self):
        raise AttackError("stopped by the test")

    monkeypatch.setattr(FakeRace, "run", run)
    failed = []
    service.failed.connect(failed.append)
    service.start("bcrt1qmerchant", "1", 2.0, 1, 2, 2)
    qtbot.waitUntil(lambda: not service.running, timeout=10_000)
    (made,) = FakeRace.made
    assert made["honest_hashes"] is None and seen == []
    qtbot.waitUntil(lambda: failed == ["stopped by the test"], timeout=5_000)
