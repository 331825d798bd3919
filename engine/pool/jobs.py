"""Pool jobs: one getblocktemplate cut into mining.notify fields, and one share checked against it.

The coinbase and merkle root are engine.mining.jobs' (the same coinbase our solo miner builds,
its 8-byte extranonce being extranonce1 + extranonce2), so a share that meets the block target
becomes a block exactly as the solo miner's would (segwit commitment only when the template's
rules include segwit).
"""

from __future__ import annotations

import dataclasses
import itertools
import struct
import time
from dataclasses import dataclass, field

from engine.mining.jobs import BlockTemplate, make_job
from engine.mining.stratum import EXTRANONCE2_SIZE, header80, hex_bytes, prevhash_to_stratum, split_coinbase
from engine.primitives.chain import MAX_FUTURE_BLOCK_TIME_S
from engine.primitives.hashes import sha256d
from engine.primitives.merkle import merkle_branch, root_from_branch

DUPLICATES_PER_JOB = 200_000  # bound on remembered shares per job (memory stays flat)
_job_ids = itertools.count(1)


class ShareRefused(Exception):
    """A share the pool does not count; `reason` in Core's BIP22 style, `code` Stratum's
    (20 other, 21 job not found / stale, 22 duplicate, 23 low difficulty; slush's spec)."""

    def __init__(self, reason: str, code: int = 20, stale: bool = False):
        super().__init__(reason)
        self.reason, self.code, self.stale = reason, code, stale


@dataclass
class PoolJob:
    job_id: str
    template: BlockTemplate
    payout_script: bytes
    coinb1: bytes
    coinb2: bytes
    branch: tuple[bytes, ...]
    ntime: int
    created_s: float
    stale: bool = False
    submitted: set = field(default_factory=set, repr=False)

    @classmethod
    def from_template(cls, template: BlockTemplate, payout_script: bytes) -> PoolJob:
        coinb1, coinb2 = split_coinbase(template, payout_script)
        branch = tuple(merkle_branch([t.txid for t in template.transactions]))
        return cls(
            f"{next(_job_ids):x}",
            template,
            payout_script,
            coinb1,
            coinb2,
            branch,
            template.header_time(),
            time.monotonic(),
        )

    def clone(self) -> PoolJob:
        """The same work under a new id (sent with a new difficulty: the id says which applies).
        It shares the original's submitted set: one header sent under both ids is a duplicate."""
        return dataclasses.replace(self, job_id=f"{next(_job_ids):x}")

    def retire(self) -> None:
        """The tip moved: every share on this job is stale from now on (refused before the
        duplicate check), so the shares remembered for that check are dropped. Keeping them for
        the 64 jobs kept held ~25 MB at 200 shares/s and a block every 10 s."""
        self.stale = True
        self.submitted = set()

    def notify_params(self, clean: bool) -> list:
        t = self.template
        return [
            self.job_id,
            prevhash_to_stratum(t.previous_block_hash),
            self.coinb1.hex(),
            self.coinb2.hex(),
            [b.hex() for b in self.branch],
            f"{t.version & 0xFFFFFFFF:08x}",
            f"{t.bits:08x}",
            f"{self.ntime:08x}",
            clean,
        ]

    def check(
        self,
        extranonce1: bytes,
        extranonce2_hex,
        ntime_hex,
        nonce_hex,
        version_bits_hex,
        version_mask: int,
        share_target: int,
        now_s: float | None = None,
    ) -> tuple[bytes, int, int]:
        """Check one mining.submit; returns (header80, hash as an integer, version) or raises ShareRefused."""
        extranonce2 = _hex(extranonce2_hex, EXTRANONCE2_SIZE, "extranonce2")
        ntime = int.from_bytes(_hex(ntime_hex, 4, "ntime"), "big")
        nonce = int.from_bytes(_hex(nonce_hex, 4, "nonce"), "big")
        version = self.template.version & 0xFFFFFFFF
        if version_bits_hex is not None:  # BIP310: only bits inside the negotiated mask may change
            bits = int.from_bytes(_hex(version_bits_hex, 4, "version bits"), "big")
            if bits & ~version_mask & 0xFFFFFFFF:
                raise ShareRefused("bad-version-bits")
            version = (version & ~version_mask) | (bits & version_mask)
        if self.stale:
            raise ShareRefused("stale-prevblk", 21, stale=True)
        now = int(time.time() if now_s is None else now_s)
        # Core validation.cpp ContextualCheckBlockHeader: time-too-old (<= median time past),
        # time-too-new (> now + MAX_FUTURE_BLOCK_TIME)
        if ntime < self.template.mintime:
            raise ShareRefused("time-too-old")
        if ntime > now + MAX_FUTURE_BLOCK_TIME_S:
            raise ShareRefused("time-too-new")
        key = (extranonce1, extranonce2, ntime, nonce, version)
        if key in self.submitted:
            raise ShareRefused("duplicate", 22)
        coinbase = self.coinb1 + extranonce1 + extranonce2 + self.coinb2
        root = root_from_branch(sha256d(coinbase), list(self.branch))
        header = header80(
            version, bytes.fromhex(self.template.previous_block_hash)[::-1], root, ntime, self.template.bits, nonce
        )
        value = int.from_bytes(sha256d(header), "little")
        if value > share_target and value > self.template.target:
            raise ShareRefused("low-difficulty", 23)  # Core says "high-hash" for a block
        if len(self.submitted) < DUPLICATES_PER_JOB:
            self.submitted.add(key)
        return header, value, version


def block_hex(job: PoolJob, extranonce1: bytes, extranonce2: bytes, header: bytes) -> str:
    """The full block for submitblock: engine.mining.jobs' block (coinbase with witness when
    segwit applies, template transactions) under the share's header."""
    ntime = struct.unpack("<I", header[68:72])[0]
    built = make_job(job.template, job.payout_script, extranonce1 + extranonce2, ntime)
    if built.merkle_root != header[36:68]:
        raise ValueError("share header does not commit to the job's coinbase")
    built = dataclasses.replace(built, header76=header[:76])
    return built.block_hex(struct.unpack("<I", header[76:80])[0])


def _hex(value, size: int, name: str) -> bytes:
    raw = hex_bytes(value, size)
    if raw is None:  # exactly 2 * size hex digits: "12 34 56" is no nonce
        raise ShareRefused(f"bad-{name.replace(' ', '-')}")
    return raw
