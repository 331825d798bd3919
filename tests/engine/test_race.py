"""The 51% race on one laptop (engine.wallet.race): the rules shared by the model and the real
race, the model's success rate against the exact probability and Nakamoto's P, and real races on
a lab chain whose verdict matches what the node did."""

from __future__ import annotations

import json
import math
import random

import pytest

from engine.wallet import attack_cli
from engine.wallet.odds import attacker_success_probability, race_success_probability
from engine.wallet.race import GIVE_UP, RELEASE, RaceRules, simulate_race

GRID = [(q, z) for q in (0.1, 0.3, 0.45) for z in (1, 2, 3)]
RUNS = 4000


def test_rules_release_only_when_strictly_longer_and_confirmed():
    rules = RaceRules(2, give_up_behind=3)
    assert rules.decide(2, 1, 1) is None  # longer, but the merchant has not handed the goods over yet
    assert rules.decide(2, 2, 2) is None  # a tie: Core keeps the branch it saw first
    assert rules.decide(3, 2, 2) == RELEASE
    assert rules.decide(1, 4, 4) == GIVE_UP
    with pytest.raises(ValueError, match="confirmations"):
        RaceRules(0)


def test_exact_probability_is_rosenfelds_with_a_premined_block():
    # Rosenfeld (2014), q = 0.3, z = 2: 1 - sum C(m+z-1, m)(p^z q^m - p^m q^z) = 0.432
    assert race_success_probability(0.3, 2, 10_000) == pytest.approx(0.432, abs=1e-4)
    assert race_success_probability(0.45, 3, 8) < race_success_probability(0.45, 3, 100)  # giving up costs
    assert race_success_probability(0.5, 2, 8) < 1 < attacker_success_probability(0.5, 2) + 1e-9


@pytest.mark.parametrize(("q", "z"), GRID)
def test_model_success_rate_matches_the_odds(q, z):
    rules = RaceRules(z, give_up_behind=8)
    rng = random.Random(f"{q}-{z}")
    wins = sum(simulate_race(q, rules, rng)[0] for _ in range(RUNS))
    rate, exact = wins / RUNS, rules.success_probability(q)
    sigma = math.sqrt(exact * (1 - exact) / RUNS)
    assert abs(rate - exact) <= 4 * sigma + 1e-9, (rate, exact)
    # Nakamoto's P approximates the attacker's progress as Poisson and lets it try forever
    nakamoto = attacker_success_probability(q, z)
    assert abs(rate - nakamoto) <= 4 * sigma + abs(nakamoto - exact) + 1e-9


def _race(node, wallet_dir, z, capsys, *extra):
    argv = [
        "--rpc-url", node.url, "--rpc-cookie", str(node.cookie_file), "--attacker-cores", "1",
        "--honest-cores", "1", "--confirmations", str(z), "--wallet", str(wallet_dir), "--json", *extra,
    ]  # fmt: skip
    assert attack_cli.main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _check_consistent(node, out):
    from engine.rpc import RPCClient, RPCError

    rpc = RPCClient(node.url, cookie_file=node.cookie_file)
    try:
        in_chain = int(rpc.call("getrawtransaction", out["payment_txid"], True).get("confirmations", 0)) > 0
    except RPCError:
        in_chain = False
    assert (out["result"] == "succeeded") == (not in_chain and out["refund_in_active_chain"]), out
    if out["result"] == "succeeded":
        assert out["private_blocks"] > out["public_blocks"] >= out["confirmations"] - 1
        assert out["reorg_depth"] == out["public_blocks"]
    assert {"payment_txid", "result", "q", "p_nakamoto", "private_blocks", "public_blocks", "reorg_depth"} <= set(out)


def test_attack_on_a_lab_chain_ends_consistently(node_factory, tmp_path, capsys):
    """One quick race with 1 honest and 1 attacking core (tiny difficulty: blocks in a blink)."""
    node = node_factory("lab", extra_args=("--lab-hashrate", "3e5", "--retarget-interval", "100000")).start()
    out = _race(node, tmp_path / "w", 1, capsys)
    _check_consistent(node, out)
    # q is the two miners' own hash counts (a race of a second or two on a shared machine: near
    # even, not exactly; the slow test checks the mean over 30 races)
    assert out["q"] == pytest.approx(out["attacker_hashes"] / (out["attacker_hashes"] + out["honest_hashes"]))
    assert 0.2 < out["q"] < 0.8 and out["p_nakamoto"] == attacker_success_probability(out["q"], 1)
    assert out["world_cost"]["hardware_usd"] > 0


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_many_races_on_a_lab_chain_agree_with_the_odds(node_factory, tmp_path, capsys):
    """RACES real races (~1 s blocks): each verdict is what the node did; the success rate agrees
    with the mean exact probability for the measured q within sampling error."""
    node = node_factory("lab", extra_args=("--lab-hashrate", "2e6", "--retarget-interval", "100000")).start()
    races = [_race(node, tmp_path / "w", 2, capsys, "--give-up-behind", "8") for _ in range(RACES)]
    for out in races:
        _check_consistent(node, out)
    assert abs(sum(o["q"] for o in races) / RACES - 0.5) < 0.1  # one core each: an even split of the hashes
    rate = sum(o["result"] == "succeeded" for o in races) / RACES
    expected = sum(o["p_race"] for o in races) / RACES
    sigma = math.sqrt(max(expected * (1 - expected), 0.01) / RACES)
    print(
        f"races {RACES} q {sum(o['q'] for o in races) / RACES:.3f} success {rate:.3f} exact {expected:.3f} "
        f"nakamoto {sum(o['p_nakamoto'] for o in races) / RACES:.3f}"
    )
    assert abs(rate - expected) <= 3 * sigma


RACES = 30
