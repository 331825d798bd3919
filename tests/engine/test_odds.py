"""Nakamoto's double-spend odds against the tables printed in the whitepaper, section 11."""

import pytest

from engine.wallet.odds import attacker_success_probability, catch_up_probability, confirmations_for, hash_share

# Bitcoin: A Peer-to-Peer Electronic Cash System, section 11, the two tables of P for q and z
WHITEPAPER_Q_0_1 = [
    1.0,
    0.2045873,
    0.0509779,
    0.0131722,
    0.0034552,
    0.0009137,
    0.0002428,
    0.0000647,
    0.0000173,
    0.0000046,
    0.0000012,
]
WHITEPAPER_Q_0_3 = {
    0: 1.0,
    5: 0.1773523,
    10: 0.0416605,
    15: 0.0101008,
    20: 0.0024804,
    25: 0.0006132,
    30: 0.0001522,
    35: 0.0000379,
    40: 0.0000095,
    45: 0.0000024,
    50: 0.0000006,
}
# "Solving for P less than 0.1%"
WHITEPAPER_Z_FOR_0_1_PERCENT = {0.10: 5, 0.15: 8, 0.20: 11, 0.25: 15, 0.30: 24, 0.35: 41, 0.40: 89, 0.45: 340}


@pytest.mark.parametrize("z,expected", list(enumerate(WHITEPAPER_Q_0_1)))
def test_table_q_0_1(z, expected):
    assert round(attacker_success_probability(0.1, z), 7) == expected


@pytest.mark.parametrize("z,expected", list(WHITEPAPER_Q_0_3.items()))
def test_table_q_0_3(z, expected):
    assert round(attacker_success_probability(0.3, z), 7) == expected


@pytest.mark.parametrize("q,z", list(WHITEPAPER_Z_FOR_0_1_PERCENT.items()))
def test_confirmations_for_p_below_0_1_percent(q, z):
    assert confirmations_for(q) == z


def test_majority_always_wins_and_catch_up():
    assert attacker_success_probability(0.5, 100) == 1.0 == attacker_success_probability(0.7, 6)
    assert catch_up_probability(0.25, 0) == pytest.approx(1 / 3)  # q/p from one block behind... to one ahead
    assert catch_up_probability(0.25, 2) == pytest.approx((1 / 3) ** 3)
    assert catch_up_probability(0.6, 10) == 1.0 and catch_up_probability(0.1, -1) == 1.0


@pytest.mark.parametrize("q,z", [(-0.1, 1), (1.5, 1), ("0.3", 1), (0.3, -1), (0.3, 1.5), (True, 1)])
def test_bad_input_is_a_clear_value_error(q, z):
    with pytest.raises(ValueError, match="must be"):
        attacker_success_probability(q, z)


def test_hash_share_is_the_attackers_fraction_of_both_sides_hashes():
    assert hash_share(3e6, 1e6) == pytest.approx(0.75)
    assert hash_share(0, 5) == 0.0 and hash_share(5, 0) == 1.0
    assert hash_share(0, 0) == 0.0  # before either side hashed
