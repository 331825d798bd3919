"""Known vectors for the consensus arithmetic (Bitcoin Core's own unit-test values)."""

from __future__ import annotations

import pytest
from bitcoin.core import b2lx
from hypothesis import given
from hypothesis import strategies as st

from engine.primitives.chain import median_time_past
from engine.primitives.pow import bits_to_target, block_work, calculate_next_work_required, target_to_bits
from engine.primitives.pow import difficulty_from_bits as difficulty
from engine.primitives.subsidy import block_subsidy_sat
from regtest.chainparams import REGTEST, REGTEST_GENESIS_HASH, ChainParams, genesis_block, lab_params
from regtest.node import start_bits_for

MAIN = ChainParams(
    name="main",
    pow_limit=(1 << 224) - 1,
    halving_interval=210_000,
    target_spacing_s=600,
    retarget_interval=2016,
    no_retargeting=False,
    allow_min_difficulty_blocks=False,
)


def test_regtest_genesis_hash_is_bitcoin_cores():
    g = genesis_block()
    assert b2lx(g.GetHash()) == REGTEST_GENESIS_HASH
    assert int.from_bytes(g.GetHash(), "little") <= bits_to_target(g.nBits)[0]


@pytest.mark.parametrize(
    "height, btc",
    [
        (0, 50),
        (149, 50),
        (150, 25),
        (299, 25),
        (300, 12.5),
        (450, 6.25),
        (600, 3.125),
        (63 * 150, 50 / 2**63),
        (64 * 150, 0),
        (1000 * 150, 0),
    ],
)
def test_regtest_subsidy_halves_every_150_blocks(height, btc):
    assert block_subsidy_sat(height, REGTEST) == int(btc * 100_000_000)


def test_mainnet_subsidy_schedule_at_the_2024_and_2028_halvings():
    assert block_subsidy_sat(839_999, MAIN) == 625_000_000
    assert block_subsidy_sat(840_000, MAIN) == 312_500_000
    assert block_subsidy_sat(1_050_000, MAIN) == 156_250_000


# Bitcoin Core src/test/pow_tests.cpp: (last retarget time, last block time, nBits, expected).
@pytest.mark.parametrize(
    "first_time, last_time, bits, expected",
    [
        (1261130161, 1262152739, 0x1D00FFFF, 0x1D00D86A),  # get_next_work
        (1231006505, 1233061996, 0x1D00FFFF, 0x1D00FFFF),  # get_next_work_pow_limit
        (1279008237, 1279297671, 0x1C05A3F4, 0x1C0168FD),  # get_next_work_lower_limit_actual
        (1263163443, 1269211443, 0x1C387F6F, 0x1D00E1FD),  # get_next_work_upper_limit_actual
    ],
)
def test_retarget_matches_bitcoin_core_vectors(first_time, last_time, bits, expected):
    assert calculate_next_work_required(bits, last_time, first_time, MAIN) == expected


def test_retarget_by_hand_on_the_lab_clock():
    params = lab_params(0x1F00FFFF, target_spacing_s=5, retarget_interval=24)
    # Blocks came twice as fast as the 120 s target: the target halves (difficulty doubles).
    assert params.target_timespan_s == 120
    new_bits = calculate_next_work_required(0x1F00FFFF, 1000 + 60, 1000, params)
    assert bits_to_target(new_bits)[0] == target_to_target_compact((0xFFFF << 8 * 28) // 2)
    # Clamped at 4x either way.
    faster = calculate_next_work_required(0x1F00FFFF, 1001, 1000, params)
    assert bits_to_target(faster)[0] == target_to_target_compact((0xFFFF << 8 * 28) // 4)
    slower = calculate_next_work_required(0x1E00FFFF, 1000 + 10_000, 1000, params)
    assert bits_to_target(slower)[0] == target_to_target_compact((0xFFFF << 8 * 27) * 4)


def test_retarget_never_exceeds_the_pow_limit():
    params = lab_params(0x207FFFFF)
    assert calculate_next_work_required(0x207FFFFF, 10**6, 0, params) == 0x207FFFFF


def test_regtest_does_not_retarget():
    assert calculate_next_work_required(0x207FFFFF, 1001, 1000, REGTEST) == 0x207FFFFF


def target_to_target_compact(target: int) -> int:
    """What a target becomes after a trip through nBits (compact form loses low bits)."""
    return bits_to_target(target_to_bits(target))[0]


def test_difficulty_matches_core():
    assert difficulty(0x1D00FFFF) == 1.0
    assert difficulty(0x207FFFFF) == pytest.approx(4.656542373906925e-10, rel=1e-12)
    assert difficulty(0x1B0404CB) == pytest.approx(16307.420938523983, rel=1e-12)


def test_compact_encoding_vectors():
    # arith_uint256_tests.cpp / pow_tests: SetCompact and GetCompact.
    assert bits_to_target(0x1D00FFFF)[0] == 0xFFFF << 208
    assert target_to_bits(0xFFFF << 208) == 0x1D00FFFF
    assert target_to_bits(0x80) == 0x02008000  # sign bit forces an extra byte
    assert bits_to_target(0x04923456) == (0x123456 << 8, True, False)  # negative
    assert bits_to_target(0xFF123456)[2]  # overflow
    assert block_work(0x207FFFFF) == 2


@given(st.integers(min_value=1, max_value=(1 << 255)))
def test_compact_round_trip_keeps_the_top_bits(target):
    bits = target_to_bits(target)
    decoded, negative, overflow = bits_to_target(bits)
    assert not negative and not overflow
    assert decoded <= target
    assert target - decoded < (1 << max(target.bit_length() - 16, 0)) or decoded == target


def test_median_time_past_uses_last_eleven():
    assert median_time_past([5, 1, 3]) == 3
    assert median_time_past(list(range(100))) == 94


def test_lab_start_difficulty_matches_the_machine():
    # 2 MH/s and 5 s blocks: 10 M expected hashes per block.
    bits = start_bits_for(2e6, 5, REGTEST.pow_limit)
    assert block_work(bits) == pytest.approx(10e6, rel=1e-4)
    # A hashrate too slow for the pow limit is capped at it.
    assert start_bits_for(0.1, 5, REGTEST.pow_limit) == 0x207FFFFF


def test_lab_params_reject_bad_values():
    with pytest.raises(ValueError, match="halving_interval"):
        lab_params(0x207FFFFF, halving_interval=0)
    with pytest.raises(ValueError, match="retarget_interval"):
        lab_params(0x207FFFFF, retarget_interval=1)
