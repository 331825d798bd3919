"""The chain's worker: `ChainPoller` reads the node once a second on its own thread with its own
RPC client (chain info, then only the new block headers, or all of them after a reorg) and hands
the controller `BlockRow`s, one per block as the window shows it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from engine.lab_figures import block_reward_btc
from engine.primitives.params import ConsensusParams
from engine.rpc import RPCClient, RPCError

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 1.0
RECENT_BLOCKS = 2000  # headers kept for the charts and the table


@dataclass(frozen=True)
class BlockRow:
    """One block as the window shows it, read from its header."""

    height: int
    hash: str
    time: int
    bits: str
    difficulty: float
    subsidy_btc: float
    interval_s: int | None  # seconds since the previous block


class ChainPoller(threading.Thread):
    """Polls the node once a second on its own thread with its own RPC proxy."""

    def __init__(self, rpc: RPCClient, emit_info, emit_blocks, emit_error):
        super().__init__(name="chain-poller", daemon=True)
        self.rpc = rpc
        self.emit_info, self.emit_blocks, self.emit_error = emit_info, emit_blocks, emit_error
        self.stop_event = threading.Event()
        self.known_height = -1
        self.last_hash: str | None = None

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.poll_once()
            except RPCError as exc:
                self.emit_error(str(exc))
            except Exception as exc:  # never let the poller die silently
                log.exception("chain poll failed")
                self.emit_error(str(exc))
            self.stop_event.wait(POLL_INTERVAL_S)

    def poll_once(self) -> None:
        info = self.rpc.call("getblockchaininfo")
        for key, method, args in (("networkhashps", "getnetworkhashps", (24,)), ("uptime", "uptime", ())):
            try:
                info[key] = self.rpc.call(method, *args)
            except RPCError:  # an attached node may not have every method
                info[key] = None
        self.emit_info(info)
        height, best = info["blocks"], info["bestblockhash"]
        if best == self.last_hash:
            return
        params = ConsensusParams.from_consensus(info.get("consensus"))
        start = max(0, height - RECENT_BLOCKS + 1)
        if self.known_height >= 0 and self.known_height < height:
            # Only the new blocks, unless a reorg replaced what we showed.
            header = self.rpc.call("getblockheader", self.rpc.call("getblockhash", self.known_height))
            if header["hash"] == self.last_hash:
                start = self.known_height + 1
        rows = []
        prev_time = None
        if start > 0:
            prev_time = self.rpc.call("getblockheader", self.rpc.call("getblockhash", start - 1))["time"]
        block_hash = self.rpc.call("getblockhash", start)
        for h in range(start, height + 1):
            header = self.rpc.call("getblockheader", block_hash)
            rows.append(
                BlockRow(
                    h,
                    header["hash"],
                    header["time"],
                    header["bits"],
                    float(header["difficulty"]),
                    block_reward_btc(h, params),
                    # block 1's interval would reach back to the 2011 genesis
                    header["time"] - prev_time if prev_time is not None and h > 1 else None,
                )
            )
            prev_time = header["time"]
            block_hash = header.get("nextblockhash")
            if block_hash is None:
                break
        replaced = start <= self.known_height
        self.known_height, self.last_hash = rows[-1].height if rows else height, best
        self.emit_blocks(rows, replaced)
