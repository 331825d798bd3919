"""The private branch crosses lab-chain retargets: pow.cpp GetNextWorkRequired (engine/primitives/pow.py),
fed the consensus parameters getblockchaininfo reports, agrees with the node's own chain, block by block
on a real lab chain, and a branch mined through two retargets is accepted whole when released."""

from __future__ import annotations

from dataclasses import fields

import pytest

from engine.primitives.params import ConsensusParams
from engine.primitives.pow import next_work_required
from engine.rpc import RPCClient
from engine.wallet.attack import PrivateFork
from engine.wallet.wallet import Wallet
from regtest.chainparams import REGTEST, lab_params

INTERVAL = 4


@pytest.fixture
def retarget_lab_node(node_factory):
    return node_factory("lab", extra_args=("--lab-hashrate", "1000", "--retarget-interval", str(INTERVAL))).start()


def headers(rpc) -> list[dict]:
    return [rpc.call("getblockheader", rpc.call("getblockhash", h)) for h in range(rpc.call("getblockcount") + 1)]


def engine_bits(chain: list[dict], height: int, consensus: dict) -> int:
    prev = chain[height - 1]
    return next_work_required(
        height,
        int(prev["bits"], 16),
        prev["time"],
        chain[height]["time"],
        lambda h: chain[h]["time"],
        ConsensusParams.from_consensus(consensus),
    )


def test_engine_rule_matches_the_node_on_a_real_lab_chain(retarget_lab_node, tmp_path):
    rpc = RPCClient(retarget_lab_node.url, cookie_file=retarget_lab_node.cookie_file)
    rpc.call("generatetoaddress", 3 * INTERVAL + 1, Wallet.open(tmp_path / "w").mining_address)
    chain = headers(rpc)
    consensus = rpc.call("getblockchaininfo")["consensus"]
    bits = [int(h["bits"], 16) for h in chain]
    assert len(set(bits[1:])) >= 3  # the retargets at 8 and 12 moved the difficulty (fast blocks: 4x)
    assert [engine_bits(chain, h, consensus) for h in range(1, len(chain))] == bits[1:]


def test_consensus_parameters_survive_getblockchaininfo():
    """What the node reports (ConsensusParams.to_consensus) reads back as the same parameters, for
    Core's regtest and lab chains alike: the private branch and the node apply one rule to one set."""
    for params in (lab_params(0x1F00FFFF, retarget_interval=INTERVAL), lab_params(0x207FFFFF), REGTEST):
        read = ConsensusParams.from_consensus(params.to_consensus())
        assert {f.name: getattr(read, f.name) for f in fields(ConsensusParams)} == {
            f.name: getattr(params, f.name) for f in fields(ConsensusParams)
        }


def test_a_regtest_branch_crosses_a_retarget_height_without_the_windows_first_block():
    """Regtest never retargets (fPowNoRetargeting): at height 2016 the parent's bits stand, and
    Core never needs the window's first block's time, which a private branch does not keep."""
    fork = PrivateFork(2015, "00" * 32, 0x207FFFFF, [1_700_000_000] * 11, REGTEST, b"\x51", {})
    assert fork._bits_for(2016, 1_700_000_600) == 0x207FFFFF
    assert fork._bits_for(4032, 1_700_000_600) == 0x207FFFFF


def test_private_branch_mined_through_two_retargets_is_accepted(retarget_lab_node, tmp_path):
    rpc = RPCClient(retarget_lab_node.url, cookie_file=retarget_lab_node.cookie_file)
    attacker = Wallet.open(tmp_path / "attacker")
    rpc.call("generatetoaddress", 3 * INTERVAL + 1, attacker.mining_address)  # tip 13
    fork = PrivateFork.start(rpc, attacker.mining_script)
    for _ in range(2 * INTERVAL):  # heights 14..21: retargets at 16 (looks back to public 12) and 20
        fork.mine_block(threads=2)
    assert fork.tip_height == 21 and fork.hashes > 0 and fork.hashrate_hs > 0
    assert fork.release(rpc) == [None] * (2 * INTERVAL)  # BIP22: every block accepted, none bad-diffbits
    assert rpc.call("getbestblockhash") == fork.blocks[-1][0]
    assert int(rpc.call("getblockheader", fork.blocks[-1][0])["bits"], 16) != int(
        rpc.call("getblockheader", rpc.call("getblockhash", 13))["bits"], 16
    )
