"""Stratum v1 wire formats, shared by the pool (engine.pool.server) and our miner's client
(engine.mining.stratum_client); they live here, below both, so the miner never imports the pool.

Byte orders follow what real miners do with them (pooler's cpuminer util.c stratum_notify and
cpu-miner.c stratum_gen_work / submit_upstream_work; ckpool stratifier.c):
- `prevhash` in mining.notify: the header's previous-block hash (internal byte order) with
  each 4-byte word byte-swapped, i.e. the display hex cut in 8 words taken in reverse order;
- version, nbits, ntime (notify) and ntime, nonce (submit): big-endian hex of the integer the
  header stores little-endian;
- the coinbase is coinb1 + extranonce1 + extranonce2 + coinb2 (non-witness serialization, the
  txid's), the merkle branch is the coinbase's path to the root in internal byte order;
- share target = diff-1 target / difficulty, diff-1 = 0x00000000FFFF0000...0 (Core's
  GetDifficulty divides by the same 0xFFFF * 2**208).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from engine.mining.jobs import EXTRANONCE_SIZE, BlockTemplate, build_coinbase
from engine.primitives.hashes import sha256d
from engine.primitives.merkle import root_from_branch
from engine.primitives.pow import difficulty_for_target

EXTRANONCE1_SIZE = 4
EXTRANONCE2_SIZE = EXTRANONCE_SIZE - EXTRANONCE1_SIZE  # together the 8-byte push jobs.py puts in the coinbase
# BIP310: the version bits a miner may roll (bits 13..28, the mask Bitaxe and cgminer ask for)
VERSION_ROLLING_MASK = 0x1FFFE000


# What our pool tells a block's finder once its node answered; our miner reads it back to count
# a block only when the node took it (engine.mining.stratum_client).
BLOCK_MESSAGE = re.compile(r"Block (\d+) ([0-9a-f]{64}) (accepted|rejected|stale) by the class's node(?: \((.*)\))?;")


def block_message(height: int, block_hash: str, status: str, reason: str | None, finder: str) -> str:
    because = f" ({reason})" if reason else ""
    return f"Block {height} {block_hash} {status} by the class's node{because}; found by {finder}."


# What our pool tells a worker as it logs in: the blocks its per-worker statistics credit to the
# name so far (they belong to the name: a miner that restarts gets its tally back); our miner
# counts on from it (engine.mining.stratum_client), so a student's window shows the pool's figure.
TALLY_MESSAGE = re.compile(r"Worker (.+) has (\d+) blocks? accepted by the class's node so far\.$")


def tally_message(name: str, blocks: int) -> str:
    return f"Worker {name} has {blocks} block{'' if blocks == 1 else 's'} accepted by the class's node so far."


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def hex_bytes(value, size: int | None = None) -> bytes | None:
    """`value` as bytes if it is a string of hex digits only (exactly 2 * `size` of them when
    given), else None. bytes.fromhex alone would take "12 34 56" (spaces) as a 4-byte field's 3."""
    if not isinstance(value, str) or len(value) % 2 or (size is not None and len(value) != 2 * size):
        return None
    raw = value.encode("ascii", "replace")
    if not _HEX_DIGITS.issuperset(raw):
        return None
    return bytes.fromhex(value)


def hex_int(value, size: int) -> int:
    """A big-endian hex field of exactly `size` bytes (version, nbits, ntime) as an integer."""
    raw = hex_bytes(value, size)
    if raw is None:
        raise ValueError(f"not {2 * size} hex digits: {str(value)[:20]!r}")
    return int.from_bytes(raw, "big")


def hash_difficulty(header80: bytes) -> tuple[int, float]:
    """The header's hash as an integer, and the share difficulty it meets."""
    value = int.from_bytes(sha256d(header80), "little")
    return value, difficulty_for_target(value)


def prevhash_to_stratum(previous_block_hash: str) -> str:
    """Display hex -> mining.notify prevhash (8 words in reverse order, each kept big-endian)."""
    words = [previous_block_hash[i : i + 8] for i in range(0, 64, 8)]
    return "".join(reversed(words))


def prevhash_from_stratum(prevhash: str) -> bytes:
    """mining.notify prevhash -> the 32 header bytes (internal order)."""
    raw = bytes.fromhex(prevhash)
    return b"".join(raw[i : i + 4][::-1] for i in range(0, 32, 4))


def split_coinbase(template: BlockTemplate, payout_script: bytes) -> tuple[bytes, bytes]:
    """coinb1, coinb2: our usual coinbase (engine.mining.jobs.build_coinbase) cut around its
    8-byte extranonce push, serialized without witness as its txid is."""
    marker = b"\xa5\x5a\xc3\x3c\x96\x69\x0f\xf0"
    raw = build_coinbase(template, payout_script, marker).serialize({"include_witness": False})
    at = raw.find(marker)
    if at < 0 or raw.find(marker, at + 1) >= 0:
        raise ValueError("extranonce marker not found once in the coinbase")
    return raw[:at], raw[at + EXTRANONCE_SIZE :]


def header80(version: int, prev_internal: bytes, root: bytes, ntime: int, bits: int, nonce: int) -> bytes:
    return struct.pack("<i", _signed(version)) + prev_internal + root + struct.pack("<III", ntime, bits, nonce)


def _signed(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


@dataclass(frozen=True)
class Notify:
    """mining.notify params, parsed (client side)."""

    job_id: str
    prevhash: str
    coinb1: bytes
    coinb2: bytes
    branch: tuple[bytes, ...]
    version: int
    bits: int
    ntime: int
    clean: bool

    @classmethod
    def from_params(cls, params) -> Notify:
        if not isinstance(params, list) or len(params) < 9:
            raise ValueError("mining.notify needs 9 params")
        job_id, prevhash, coinb1, coinb2, branch, version, bits, ntime, clean = params[:9]
        first, second = hex_bytes(coinb1), hex_bytes(coinb2)
        hashes = [h for b in branch if (h := hex_bytes(b, 32)) is not None] if isinstance(branch, list) else None
        if (
            not isinstance(job_id, str)
            or first is None
            or second is None
            or hex_bytes(prevhash, 32) is None
            or hashes is None
            or len(hashes) != len(branch)
        ):
            raise ValueError("mining.notify: malformed params")
        return cls(
            job_id,
            prevhash,
            first,
            second,
            tuple(hashes),
            hex_int(version, 4),
            hex_int(bits, 4),
            hex_int(ntime, 4),
            bool(clean),
        )

    def header76(
        self, extranonce1: bytes, extranonce2: bytes, version: int | None = None, ntime: int | None = None
    ) -> bytes:
        coinbase = self.coinb1 + extranonce1 + extranonce2 + self.coinb2
        root = root_from_branch(sha256d(coinbase), list(self.branch))
        return header80(
            self.version if version is None else version,
            prevhash_from_stratum(self.prevhash),
            root,
            self.ntime if ntime is None else ntime,
            self.bits,
            0,
        )[:76]
