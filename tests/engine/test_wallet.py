"""The lab wallet: key derivation against the BIPs' vectors, the key file, and balances,
payments, fees and refusals against a node process over JSON-RPC."""

from __future__ import annotations

import math
import stat

import pytest

from engine.primitives.chain import COINBASE_MATURITY
from engine.primitives.descriptors import descriptor_checksum
from engine.primitives.params import ConsensusParams
from engine.primitives.subsidy import block_subsidy_sat
from engine.rpc import RPCClient
from engine.wallet.keys import XPRV_VERSION, ExtKey, Keychain
from engine.wallet.reasons import explain
from engine.wallet.tx import parse_btc
from engine.wallet.wallet import KEY_FILE, SendError, Wallet
from regtest.descriptors import checksum as node_checksum

REGTEST_RULES = ConsensusParams()  # Core's regtest: a halving every 150 blocks

ABANDON = " ".join(["abandon"] * 11 + ["about"])


def test_bip32_vector_1():
    # BIP32 test vector 1, chain m/0H/1
    key = ExtKey.from_seed(bytes.fromhex("000102030405060708090a0b0c0d0e0f")).derive("m/0h/1")
    assert key.serialize(XPRV_VERSION) == (
        "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53K"
        "w1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"
    )


def test_bip84_vectors():
    keychain = Keychain(ABANDON, hrp="bc", coin_type=0)
    assert keychain.key(0, 0).address == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    assert keychain.key(0, 1).address == "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"
    assert keychain.key(1, 0).address == "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"


def test_descriptor_checksum_matches_the_nodes_and_bip380():
    for desc in Keychain(ABANDON).descriptors():
        body, check = desc.split("#")
        assert check == descriptor_checksum(body) == node_checksum(body)
        assert body.startswith("wpkh(tprv") and body.endswith(("/0/*)", "/1/*)"))
    # BIP380's example
    assert descriptor_checksum("raw(deadbeef)") == "89f8spxm"


def test_key_file_private_kept_and_backup_shown_once(tmp_path):
    wallet = Wallet.open(tmp_path / "w")
    key_file = tmp_path / "w" / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    phrase, descriptors = wallet.backup_once()
    assert len(phrase.split()) == 12 and len(descriptors) == 2
    assert wallet.backup_once() is None
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = Wallet.open(tmp_path / "w")  # same keys on the next start
    assert again.mining_address == wallet.mining_address and again.mining_address.startswith("bcrt1q")
    assert Wallet.open(tmp_path / "other").mining_address != wallet.mining_address
    assert wallet.receive_address() != wallet.mining_address


def test_parse_btc():
    assert parse_btc("0.5") == 50_000_000 and parse_btc("1,25 BTC") == 125_000_000
    assert parse_btc("0.00000001") == 1
    for bad in ("", "abc", "-1", "0", "0.000000001", "nan", "22000000"):
        with pytest.raises(ValueError):
            parse_btc(bad)


def test_reasons_in_words():
    assert "minimum relay fee" in explain("min relay fee not met, 100 < 141")
    assert "100 confirmations" in explain("bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 5")
    assert explain("something-new").endswith("something-new")


@pytest.fixture
def wallets(regtest_node, tmp_path):
    """(rpc, alice, bob, miner): three empty wallets on a regtest node."""
    rpc = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    return rpc, Wallet.open(tmp_path / "alice"), Wallet.open(tmp_path / "bob"), Wallet.open(tmp_path / "miner")


def test_balances_payment_fees_and_history(wallets):
    rpc, alice, bob, miner = wallets
    rpc.call("generatetoaddress", 101, alice.mining_address)
    state = alice.refresh(rpc)
    heights = range(1, 102)
    mature = [h for h in heights if 101 - h + 1 >= COINBASE_MATURITY]
    assert state.confirmed_sat == sum(block_subsidy_sat(h, REGTEST_RULES) for h in mature)
    assert state.immature_sat == sum(block_subsidy_sat(h, REGTEST_RULES) for h in heights if h not in mature)
    assert state.unconfirmed_sat == 0 and state.blocks_mined == 101 and state.fees_earned_sat == 0

    payment = alice.pay(rpc, bob.receive_address(), parse_btc("1.5"), fee_rate_sat_vb=5)
    entry = rpc.call("getmempoolentry", payment.txid)
    paid_rate = round(entry["fees"]["base"] * 10**8) / entry["vsize"]
    assert 5 <= paid_rate < 5.2 and round(entry["fees"]["base"] * 10**8) == payment.fee_sat
    b = bob.refresh(rpc)
    assert (b.unconfirmed_sat, b.confirmed_sat) == (150_000_000, 0)
    assert [(h.kind, h.amount_sat, h.confirmations) for h in b.history] == [("received", 150_000_000, 0)]
    a = alice.refresh(rpc)
    assert a.confirmed_sat == state.confirmed_sat - 50 * 10**8  # the one coin spent
    assert a.unconfirmed_sat == 50 * 10**8 - 150_000_000 - payment.fee_sat  # change
    sent = [h for h in a.history if h.kind == "sent"]
    assert [(h.amount_sat, h.fee_sat, h.confirmations) for h in sent] == [(150_000_000, payment.fee_sat, 0)]

    rpc.call("generatetoaddress", 1, miner.mining_address)  # the block carries the payment and its fee
    m = miner.refresh(rpc)
    assert (
        m.fees_earned_sat == payment.fee_sat
        and m.immature_sat == block_subsidy_sat(102, REGTEST_RULES) + payment.fee_sat
    )
    b = bob.refresh(rpc)
    assert (b.confirmed_sat, b.unconfirmed_sat, b.history[0].confirmations) == (150_000_000, 0, 1)
    # Bob pays back from the coin he received, his change spendable before it confirms
    back = bob.pay(rpc, alice.receive_address(), parse_btc("0.5"), fee_rate_sat_vb=1)
    again = bob.pay(rpc, alice.receive_address(), parse_btc("0.1"), fee_rate_sat_vb=1)
    assert again.coins[0].txid == back.txid  # spends the first payment's change
    rpc.call("generatetoaddress", 1, miner.mining_address)
    assert miner.refresh(rpc).fees_earned_sat == payment.fee_sat + back.fee_sat + again.fee_sat
    b = bob.refresh(rpc)
    assert b.confirmed_sat == 150_000_000 - 60_000_000 - back.fee_sat - again.fee_sat
    assert sorted(h.kind for h in b.history) == ["received", "sent", "sent"]


def test_refusals_in_words_change_nothing(wallets):
    rpc, alice, bob, _ = wallets
    rpc.call("generatetoaddress", 101, alice.mining_address)
    state = alice.refresh(rpc)
    with pytest.raises(SendError, match="Not enough spendable"):
        alice.pay(rpc, bob.receive_address(), state.confirmed_sat + 1, 1)
    with pytest.raises(SendError, match="another network"):
        alice.pay(rpc, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", 1000, 1)
    with pytest.raises(SendError, match="Not a valid address"):
        alice.pay(rpc, "bcrt1qnotanaddress", 1000, 1)
    with pytest.raises(SendError, match="minimum relay fee"):
        alice.pay(rpc, bob.receive_address(), 100_000, 0.5)
    first = alice.prepare(state, bob.receive_address(), 100_000, 2)
    double = alice.prepare(state, bob.receive_address(), 200_000, 2)  # the same coin, same fee rate
    assert first.coins == double.coins
    alice.broadcast(rpc, first)
    with pytest.raises(SendError, match="already being spent"):
        alice.broadcast(rpc, double)
    assert rpc.call("getrawmempool") == [first.txid]
    assert math.isclose(bob.refresh(rpc).unconfirmed_sat, 100_000)
