"""The class pool's service: when the embedded node is shared with the class, the teacher's window
opens a Stratum pool in front of it (port 3333 or the next free one) and emits its
engine.pool.stats snapshot every second, and the teacher's own miner mines through that pool (a
row like any student's; the hashrate card still reads this laptop's miner); a student's window
that joined a class mines through the teacher's pool, and its blocks found are the ones that pool
credits to the student's name (`student_blocks`). Owned by the LabController; the Class tab
observes it. While the class pool is open, the Attack tab's 51% race counts the class's hashes
here (`class_hashes`) and reports the race through `race`, which the Class tab shows."""

from __future__ import annotations

import secrets
import socket

from engine.rpc import RPCClient
from gui.qt import QCoreApplication, QObject, QTimer, Signal
from gui.window.class_login import SHARE_USER, store_class_password

POOL_PORT = 3333  # the usual Stratum port; the teacher's window takes the next free one if it is busy
TEACHER_NAME = "teacher"  # the teacher's row in the Class tab (a worker name, like a student's)


class ClassroomService(QObject):
    """The class pool (teacher) and the class joined (student), read from the settings."""

    stats = Signal(object)  # engine.pool.stats.PoolSnapshot every second while the pool runs
    status = Signal(str)
    problem = Signal(str)
    race = Signal(object)  # the Attack tab's RaceStatus while it attacks the class chain (its end too)

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.pool = None  # engine.pool.server.Pool while the node is shared with the class
        self._address: str | None = None
        self._own_password = secrets.token_hex(16)  # the teacher's miner's login to its own pool
        self._timer = QTimer(self, interval=1000, timeout=self._emit_stats)

    def rpcauth(self) -> str | None:
        """The class login as Core's salted rpcauth line, the only form the settings keep: a
        class password saved in clear by an older version is turned into one and removed."""
        s = self.settings
        password = s.value("node/share_password", "")
        if password:
            store_class_password(s, password)
        return s.value("node/share_rpcauth", "") or None

    @property
    def sharing(self) -> bool:
        """Whether the embedded node listens on the network for the class."""
        return self.settings.value("node/mode", "embedded") == "embedded" and bool(
            self.settings.value("node/share", False, type=bool)
        )

    def address(self) -> str | None:
        """What students type into their Node settings to attach, when sharing."""
        return self._address if self.sharing else None

    def find_address(self, port: str) -> None:
        """Runs on a thread: resolving this computer's name may wait on the network."""
        host = socket.gethostname()
        try:
            address = socket.gethostbyname(host)
        except OSError:
            address = None
        shown = host if not address or address.startswith("127.") else f"{address} ({host})"
        self._address = f"http://{shown}:{port}  user '{SHARE_USER}' and the class password"

    def start_pool(self, url: str, cookie: str | None, payout_script: bytes | None = None) -> None:
        """Sharing also opens the class's Stratum pool: port 3333, or the next free one. Its blocks
        pay `payout_script` (the teacher's wallet, as the teacher's own blocks did before)."""
        from engine.pool.server import Pool

        rpcauth = self.rpcauth()
        for port in [*range(POOL_PORT, POOL_PORT + 10), 0]:
            pool = Pool(
                RPCClient(url, cookie_file=cookie),
                payout_script,
                host="0.0.0.0",
                port=port,
                rpcauth=rpcauth,
                owner_password=self._own_password,
            )
            try:
                self.pool = pool.start()
                break
            except OSError:
                continue
        else:
            # Translated in the controller's context, where these lines were written first.
            self.problem.emit(QCoreApplication.translate("LabController", "The class pool could not open a port"))
            return
        self.status.emit(
            QCoreApplication.translate("LabController", "Class pool open on port {port}").format(port=self.pool.port)
        )
        self._timer.start()

    def _emit_stats(self) -> None:
        if self.pool is not None:
            self.stats.emit(self.pool.stats.snapshot())

    def class_hashes(self) -> int:
        """The class's hashes so far: the pool's accepted share work, the teacher's own miner left
        out (its cores attack during the race). 0 when no pool is open."""
        pool = self.pool
        return pool.stats.accepted_hashes(exclude=(TEACHER_NAME,)) if pool is not None else 0

    def stop_pool(self) -> None:
        self._timer.stop()
        if self.pool is not None:
            self.pool.stop()
            self.pool = None

    def own_pool(self) -> dict | None:
        """Where the teacher's own miner mines while the class pool is open: through it, on
        loopback, so the teacher is a row like any student."""
        if self.pool is None or self.pool.port is None:
            return None
        return {"host": "127.0.0.1", "port": self.pool.port, "name": TEACHER_NAME, "password": self._own_password}

    def student_blocks(self, miner) -> int | None:
        """The blocks the teacher's pool credits to this window's name (its per-worker statistics,
        the student's row in the teacher's Class tab): the tally the pool tells at each login plus
        each block it accepted from us since (engine.mining.stratum_client's `pool_blocks`). The
        pool's blocks pay the teacher's wallet, so the student's wallet finds none of them. None
        when this window has not joined a class, or before the pool told its tally."""
        if self.joined() is None or miner is None:
            return None
        return getattr(miner.source, "pool_blocks", None)

    def joined(self) -> dict | None:
        """The class this window mines in through the teacher's pool (Join a class), if any."""
        s = self.settings
        if not s.value("class/joined", False, type=bool) or s.value("node/mode", "embedded") != "attach":
            return None
        return {
            "host": s.value("class/host", ""),
            "port": int(s.value("class/pool_port", POOL_PORT)),
            "name": s.value("class/name", ""),
            "password": s.value("class/password", ""),
        }
