"""SHA-256d kernels against hashlib: lane words, targets, nonce ranges, real block headers."""

from __future__ import annotations

import hashlib
import random
import struct
import threading

import numpy as np
import pytest

from engine.mining import sha256d
from engine.mining.kernels import (
    KERNEL_NAMES,
    MAX_LANES,
    available_kernels,
    best_kernel_name,
    get_kernel,
    job_params,
    top_word,
    unrolled,
)
from engine.mining.kernels.common import IV, compress, digest_top_word
from engine.primitives.hashes import sha256d as hashlib_sha256d

NONCE_SPACE = 1 << 32


def hash_int(header76: bytes, nonce: int) -> int:
    digest = hashlib.sha256(hashlib.sha256(header76 + struct.pack("<I", nonce)).digest()).digest()
    return int.from_bytes(digest, "little")


def header(version: int, prev_hex: str, merkle_hex: str, time_: int, bits: int, nonce: int) -> bytes:
    # Header fields are little-endian; hashes are shown byte-reversed (Bitcoin Core uint256::GetHex).
    return (
        struct.pack("<I", version)
        + bytes.fromhex(prev_hex)[::-1]
        + bytes.fromhex(merkle_hex)[::-1]
        + struct.pack("<III", time_, bits, nonce)
    )


def bits_to_target(bits: int) -> int:
    # Bitcoin Core arith_uint256::SetCompact
    return (bits & 0x007FFFFF) << (8 * ((bits >> 24) - 3))


GENESIS_MERKLE = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
# Bitcoin Core kernel/chainparams.cpp CMainParams: genesis time, nonce, bits; block 1 from mainnet.
KNOWN_BLOCKS = [
    pytest.param(
        header(1, "00" * 32, GENESIS_MERKLE, 1231006505, 0x1D00FFFF, 2083236893),
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
        id="mainnet-genesis",
    ),
    pytest.param(
        header(
            1,
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098",
            1231469665,
            0x1D00FFFF,
            2573394689,
        ),
        "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
        id="mainnet-block-1",
    ),
]
# Bitcoin Core kernel/chainparams.cpp CRegTestParams: genesis time 1296688602, nonce 2, bits 0x207fffff.
REGTEST_GENESIS = header(1, "00" * 32, GENESIS_MERKLE, 1296688602, 0x207FFFFF, 2)
REGTEST_GENESIS_HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"


@pytest.fixture(scope="module", params=KERNEL_NAMES)
def kernel(request):
    if request.param not in available_kernels():
        pytest.skip(f"this CPU cannot run the {request.param} kernel")
    return get_kernel(request.param)


def test_midstate_compression_matches_hashlib_on_a_whole_message():
    """compress() is plain SHA-256: two blocks of a padded 80-byte message give hashlib's digest."""
    data = bytes(range(80))
    padded = data + b"\x80" + bytes(64 * 2 - 80 - 9) + (640).to_bytes(8, "big")
    state = compress(compress(IV, padded[:64]), padded[64:])
    assert b"".join(v.to_bytes(4, "big") for v in state) == hashlib.sha256(data).digest()


def test_known_headers_hash_to_their_block_hashes():
    for param in KNOWN_BLOCKS:
        header80, block_hash = param.values
        assert hashlib_sha256d(header80)[::-1].hex() == block_hash
    assert hashlib_sha256d(REGTEST_GENESIS)[::-1].hex() == REGTEST_GENESIS_HASH


def test_every_lane_word_matches_hashlib_on_random_headers(kernel):
    rng = random.Random(1234)
    lanes_out = kernel.new_lanes_buffer()
    for _ in range(20):
        header80 = rng.randbytes(80)
        params = job_params(header80)
        start = rng.choice([0, rng.randrange(NONCE_SPACE - MAX_LANES), NONCE_SPACE - kernel.lanes])
        start -= start % kernel.lanes  # the lane words cover one aligned block of nonces
        # target_top 0: only a hash with 32 leading zero bits would stop the scan early
        result = kernel.scan(params, start, start + kernel.lanes, np.uint32(0), lanes_out)
        expected = [hash_int(header80[:76], n) >> 224 for n in range(start, start + kernel.lanes)]
        assert result == -1
        assert [int(v) for v in lanes_out[: kernel.lanes]] == expected


def test_digest_top_word_is_the_byte_swapped_last_state_word():
    digest = hashlib.sha256(b"lab").digest()
    h7 = int.from_bytes(digest[28:], "big")
    assert digest_top_word(h7) == int.from_bytes(digest, "little") >> 224


@pytest.mark.parametrize("trial", range(6))
def test_search_returns_the_first_nonce_meeting_the_target(kernel, trial):
    rng = random.Random(trial)
    header80 = rng.randbytes(80)
    start = rng.randrange(NONCE_SPACE - 5000)
    # a target about 1 in 600 hashes meet, so the answer lies some hundreds of nonces in
    target = (1 << 256) // 600
    expected = sha256d.find_nonce_hashlib(header80, target, start, 5000)
    nonce, hashes = kernel.search(job_params(header80), header80[:76], target, start, start + 5000)
    assert nonce == expected
    assert hashes == (5000 if expected is None else expected - start + 1)


def test_target_equal_to_the_hash_is_met_and_one_below_is_not(kernel):
    header80 = bytes(range(80))
    nonce = 123_457
    h = hash_int(header80[:76], nonce)
    params = job_params(header80)
    assert kernel.search(params, header80[:76], h, nonce, nonce + 1) == (nonce, 1)
    # Same top word as the hash but smaller: a candidate the full check must reject.
    assert kernel.search(params, header80[:76], h - 1, nonce, nonce + 1) == (None, 1)
    assert kernel.search(params, header80[:76], -1, 0, 1000) == (None, 1000)
    assert kernel.search(params, header80[:76], (1 << 256) - 1, 77, 1000) == (77, 1)


def test_nonce_range_stops_at_the_end_of_the_nonce_space(kernel):
    header80 = bytes(80)
    last = NONCE_SPACE - 1
    hashes_of_tail = {n: hash_int(header80[:76], n) for n in range(NONCE_SPACE - 5, NONCE_SPACE)}
    # only the very last nonce meets this target; the lanes past 2**32 wrap to 0.. and must not count
    target = hashes_of_tail[last]
    met = [n for n, h in hashes_of_tail.items() if h <= target]
    params = job_params(header80)
    nonce, _ = kernel.search(params, header80[:76], target, NONCE_SPACE - 5, NONCE_SPACE + 100)
    assert nonce == min(met)
    assert kernel.search(params, header80[:76], target, NONCE_SPACE - 5, NONCE_SPACE - 5) == (None, 0)
    # a range ending before a candidate must not return it, even inside one lane block
    start = NONCE_SPACE - 32
    assert kernel.search(params, header80[:76], hash_int(header80[:76], start + 3), start, start + 3)[0] in (
        [n for n in range(start, start + 3) if hash_int(header80[:76], n) <= hash_int(header80[:76], start + 3)]
        or [None]
    )


@pytest.mark.parametrize("header80, block_hash", KNOWN_BLOCKS)
def test_finds_a_real_blocks_nonce(kernel, header80, block_hash):
    true_nonce = struct.unpack("<I", header80[76:])[0]
    target = bits_to_target(0x1D00FFFF)
    window = 1 << 19 if kernel.name == "scalar" else 1 << 22
    nonce, hashes = kernel.search(job_params(header80), header80[:76], target, true_nonce - window, true_nonce + 1000)
    assert nonce == true_nonce
    assert hashes == window + 1


def test_public_find_nonce_matches_the_hashlib_reference():
    rng = random.Random(99)
    for _ in range(5):
        header80 = rng.randbytes(80)
        # about 1 in 3000: past the hashlib prefix, so the compiled kernel does the work
        target = (1 << 256) // 3000
        assert sha256d.find_nonce(header80, target, 10, 20_000) == sha256d.find_nonce_hashlib(
            header80, target, 10, 20_000
        )
    assert sha256d.find_nonce(REGTEST_GENESIS, bits_to_target(0x207FFFFF)) == sha256d.find_nonce_hashlib(
        REGTEST_GENESIS, bits_to_target(0x207FFFFF)
    )
    assert sha256d.find_nonce(bytes(80), -1, 0, 3000) is None
    with pytest.raises(ValueError):
        sha256d.find_nonce(bytes(79), 1)


def test_kernels_give_the_same_answers_on_parallel_threads():
    kernel = get_kernel(best_kernel_name())
    headers = [random.Random(i).randbytes(80) for i in range(4)]
    target = (1 << 256) // 200_000
    expected = [sha256d.find_nonce_hashlib(h, target, 0, 3000) for h in headers]  # mostly None, cheap
    got = [None] * len(headers)
    fast = [None] * len(headers)

    def run(i):
        got[i] = kernel.search(job_params(headers[i]), headers[i][:76], target, 0, 3000)[0]
        fast[i] = kernel.search(job_params(headers[i]), headers[i][:76], target, 0, 1 << 21)[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(headers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected
    for h, n in zip(headers, fast):
        assert n is not None and hash_int(h[:76], n) <= target
        assert sha256d.find_nonce_hashlib(h, target, max(0, n - 2000), 2000) is None  # nothing just before


def test_measure_hashrate_counts_real_hashes():
    rate_hs = sha256d.measure_hashrate(0.2, threads=1)
    assert rate_hs > 1e6  # the compiled kernel beats a hashlib loop (~1 MH/s) on any machine


def test_generated_source_is_written_once_and_imports(tmp_path, monkeypatch):
    monkeypatch.setenv("MINE2COMPUTE_CACHE_DIR", str(tmp_path))
    first = unrolled.source_path(4)
    mtime_ns = first.stat().st_mtime_ns
    assert unrolled.source_path(4) == first and first.stat().st_mtime_ns == mtime_ns
    assert first.read_text() == unrolled.generate_source(4)
    compile(first.read_text(), str(first), "exec")
    assert "for lane in range(4):" in first.read_text()


def test_best_kernel_can_be_forced_by_environment(monkeypatch):
    monkeypatch.setenv("MINE2COMPUTE_KERNEL", "lanes8")
    assert best_kernel_name() == "lanes8"
    monkeypatch.setenv("MINE2COMPUTE_KERNEL", "nosuch")
    with pytest.raises(ValueError):
        best_kernel_name()


def test_top_word_of_targets():
    assert top_word((1 << 256) - 1) == 0xFFFFFFFF
    assert top_word(1 << 300) == 0xFFFFFFFF
    assert top_word(bits_to_target(0x1D00FFFF)) == 0
    assert top_word(bits_to_target(0x207FFFFF)) == 0x7FFFFF00
