"""Block jobs from getblocktemplate results, checked by deserializing with python-bitcoinlib."""

from __future__ import annotations

import copy
import hashlib

import pytest
from bitcoin import base58
from bitcoin.core import (
    CBlock,
    CMutableTransaction,
    COutPoint,
    CScriptWitness,
    CTransaction,
    CTxIn,
    CTxInWitness,
    CTxOut,
    CTxWitness,
    b2lx,
    lx,
)
from bitcoin.core.script import OP_TRUE, CScript
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.mining import jobs
from engine.mining.kernels import job_params
from engine.mining.sha256d import find_nonce
from engine.primitives.merkle import witness_commitment_script
from engine.primitives.pow import bits_to_target
from engine.primitives.script import script_for_address

# Recorded from a regtest node right after genesis ({"rules": ["segwit"]}), Bitcoin Core's format.
EMPTY_REGTEST_TEMPLATE = {
    "capabilities": ["proposal"],
    "version": 536870912,
    "rules": ["csv", "!segwit", "taproot"],
    "vbavailable": {},
    "vbrequired": 0,
    "previousblockhash": "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
    "transactions": [],
    "coinbaseaux": {},
    "coinbasevalue": 5000000000,
    "longpollid": "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e22060",
    "target": "7fffff0000000000000000000000000000000000000000000000000000000000",
    "mintime": 1296688603,
    "mutable": ["time", "transactions", "prevblock"],
    "noncerange": "00000000ffffffff",
    "sigoplimit": 80000,
    "sizelimit": 4000000,
    "weightlimit": 4000000,
    "curtime": 1795688811,
    "bits": "207fffff",
    "height": 1,
    "default_witness_commitment": "6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9",
}
EXTRANONCE = bytes.fromhex("0102030405060708")


def _tx(witness: bool, salt: int) -> CTransaction:
    txin = CTxIn(COutPoint(hashlib.sha256(bytes([salt])).digest(), salt), CScript(), 0xFFFFFFFD)
    wit = CTxWitness([CTxInWitness(CScriptWitness([bytes([salt]) * 72, b"\x02" * 33]))]) if witness else CTxWitness()
    return CTransaction.from_tx(
        CMutableTransaction([txin], [CTxOut(1000 + salt, CScript([OP_TRUE]))], nLockTime=salt, nVersion=2, witness=wit)
    )


def template_with_transactions(with_commitment: bool = True) -> dict:
    """A template shaped like Core's for a block at height 300 with a legacy and a segwit tx."""
    txs = [_tx(False, 1), _tx(True, 2)]
    entries = [
        {
            "data": tx.serialize().hex(),
            "txid": b2lx(tx.GetTxid()),
            "hash": b2lx(tx.GetHash()),
            "depends": [],
            "fee": 500,
            "sigops": 4,
            "weight": len(tx.serialize()) * 4,
        }
        for tx in txs
    ]
    t = copy.deepcopy(EMPTY_REGTEST_TEMPLATE)
    t.update(
        height=300,
        coinbasevalue=312500000 + 1000,
        transactions=entries,
        previousblockhash="3b2a4c1e3c0f5d5a2ee2c14a8a4ad31e0b3b0ffbe23a1c6d0f6e5b6c4a1d2e3f",
        longpollid="3b2a4c1e3c0f5d5a2ee2c14a8a4ad31e0b3b0ffbe23a1c6d0f6e5b6c4a1d2e3f7",
    )
    if with_commitment:
        # what Core's GenerateCoinbaseCommitment puts in the template: the witness merkle root
        # over (zero coinbase wtxid, wtxids...) with a zero reserved value
        leaves = [bytes(32)] + [tx.GetHash() for tx in txs]
        root = CBlock.build_merkle_tree_from_txids(leaves)[-1]
        commitment = hashlib.sha256(hashlib.sha256(root + bytes(32)).digest()).digest()
        t["default_witness_commitment"] = "6a24aa21a9ed" + commitment.hex()
    else:
        del t["default_witness_commitment"]
    return t


def decode_bip34_height(script_sig: bytes) -> int:
    """Read the CScriptNum at the start of a coinbase scriptSig (BIP34)."""
    op = script_sig[0]
    if 0x51 <= op <= 0x60:
        return op - 0x50
    assert 1 <= op <= 8, "height must be a direct push"
    return int.from_bytes(script_sig[1 : 1 + op], "little", signed=True)


def deserialize(job: jobs.BlockJob, nonce: int = 0) -> CBlock:
    block = CBlock.deserialize(job.block_bytes(nonce))
    assert block.serialize() == job.block_bytes(nonce)  # nothing lost or reordered
    return block


def test_template_fields_are_parsed_like_core_shows_them():
    t = jobs.BlockTemplate.from_rpc(EMPTY_REGTEST_TEMPLATE)
    assert t.height == 1 and t.bits == 0x207FFFFF and t.coinbase_value == 50 * 100_000_000
    assert t.target == bits_to_target(0x207FFFFF)[0] == 0x7FFFFF << 232
    assert t.longpollid.startswith(t.previous_block_hash)
    assert t.default_witness_commitment == bytes(witness_commitment_script([]))


def test_empty_template_block_has_coinbase_bip34_height_commitment_and_reserved_value():
    payout = script_for_address("bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85")
    template = jobs.BlockTemplate.from_rpc(EMPTY_REGTEST_TEMPLATE)
    job = jobs.make_job(template, payout, EXTRANONCE, ntime=1296688700)
    block = deserialize(job)
    assert len(block.vtx) == 1
    cb = block.vtx[0]
    assert cb.is_coinbase()
    assert decode_bip34_height(cb.vin[0].scriptSig) == 1
    assert EXTRANONCE in cb.vin[0].scriptSig and jobs.COINBASE_TAG in cb.vin[0].scriptSig
    assert 2 <= len(cb.vin[0].scriptSig) <= 100  # Core consensus/tx_check.cpp "bad-cb-length"
    assert cb.vout[0].nValue == 5_000_000_000 and cb.vout[0].scriptPubKey == payout
    assert (
        cb.vout[1].nValue == 0 and cb.vout[1].scriptPubKey.hex() == EMPTY_REGTEST_TEMPLATE["default_witness_commitment"]
    )
    assert list(cb.wit.vtxinwit[0].scriptWitness.stack) == [bytes(32)]
    assert block.hashMerkleRoot == block.calc_merkle_root() == cb.GetTxid()
    assert b2lx(block.hashPrevBlock) == EMPTY_REGTEST_TEMPLATE["previousblockhash"]
    assert block.nBits == 0x207FFFFF and block.nTime == 1296688700 and block.nVersion == 536870912


@pytest.mark.parametrize("height", [1, 16, 17, 127, 128, 255, 256, 32767, 32768, 65536, 840_000, 2**31 - 1])
def test_bip34_height_encodings(height):
    template = jobs.BlockTemplate.from_rpc(dict(EMPTY_REGTEST_TEMPLATE, height=height))
    cb = deserialize(jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE)).vtx[0]
    assert decode_bip34_height(cb.vin[0].scriptSig) == height
    # minimal encoding, the way Core's `CScript() << nHeight` writes it
    assert cb.vin[0].scriptSig.startswith(CScript([height]))


def test_block_with_transactions_commits_to_their_txids_and_wtxids():
    raw = template_with_transactions()
    template = jobs.BlockTemplate.from_rpc(raw)
    job = jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE)
    block = deserialize(job)
    assert [tx.serialize().hex() for tx in block.vtx[1:]] == [t["data"] for t in raw["transactions"]]
    assert block.hashMerkleRoot == block.calc_merkle_root()
    assert decode_bip34_height(block.vtx[0].vin[0].scriptSig) == 300
    # BIP141: commitment = SHA256d(witness merkle root || witness reserved value)
    commitment_out = block.vtx[0].vout[1].scriptPubKey
    reserved = block.vtx[0].wit.vtxinwit[0].scriptWitness.stack[0]
    expected = hashlib.sha256(hashlib.sha256(block.calc_witness_merkle_root() + reserved).digest()).digest()
    assert commitment_out == CScript(bytes.fromhex("6a24aa21a9ed") + expected)
    assert lx(raw["transactions"][1]["hash"]) != lx(raw["transactions"][1]["txid"])


def test_missing_default_witness_commitment_is_computed_for_witness_transactions():
    with_c = jobs.make_job(
        jobs.BlockTemplate.from_rpc(template_with_transactions(True)),
        jobs.DEFAULT_PAYOUT_SCRIPT,
        EXTRANONCE,
        ntime=1_700_000_000,
    )
    without = jobs.make_job(
        jobs.BlockTemplate.from_rpc(template_with_transactions(False)),
        jobs.DEFAULT_PAYOUT_SCRIPT,
        EXTRANONCE,
        ntime=1_700_000_000,
    )
    assert with_c.block_bytes(7) == without.block_bytes(7)


def test_extranonce_changes_coinbase_and_merkle_root_only():
    template = jobs.BlockTemplate.from_rpc(template_with_transactions())
    a = jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE, ntime=1_700_000_000)
    b = jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, bytes(8), ntime=1_700_000_000)
    assert a.merkle_root != b.merkle_root
    assert a.header76[:36] == b.header76[:36] and a.header76[68:] == b.header76[68:]
    with pytest.raises(ValueError):
        jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, b"short")


def test_a_mined_job_meets_its_target_and_hashes_like_bitcoinlib():
    template = jobs.BlockTemplate.from_rpc(EMPTY_REGTEST_TEMPLATE)
    job = jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE)
    nonce = find_nonce(job.header(0), job.target)
    block = deserialize(job, nonce)
    assert block.nNonce == nonce
    assert b2lx(block.GetHash()) == job.block_hash(nonce)
    assert int.from_bytes(block.GetHash(), "little") <= job.target
    assert job.params().tolist() == job_params(job.header(nonce)).tolist()


def test_header_time_stays_within_the_template_bounds():
    t = jobs.BlockTemplate.from_rpc(EMPTY_REGTEST_TEMPLATE)
    assert t.header_time(now_s=0) == t.mintime
    assert t.header_time(now_s=t.curtime + 10) == t.curtime + 10
    assert t.header_time(now_s=t.curtime + 10**6) <= t.curtime + jobs.MAX_FUTURE_BLOCK_TIME_S


@pytest.mark.parametrize(
    "address, script_hex",
    [
        # BIP173 / BIP350 test vectors
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
        (
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        ),
        # the genesis coinbase's pay-to-pubkey-hash address
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"),
    ],
)
def test_addresses_decode_to_their_scripts(address, script_hex):
    assert script_for_address(address).hex() == script_hex


def test_regtest_base58_addresses_decode():
    h160 = bytes(range(20))
    assert script_for_address(str(base58.CBase58Data.from_bytes(h160, 111))).hex() == "76a914" + h160.hex() + "88ac"
    assert script_for_address(str(base58.CBase58Data.from_bytes(h160, 196))).hex() == "a914" + h160.hex() + "87"


@pytest.mark.parametrize(
    "address",
    [
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # BIP350: v0 program with a bech32m checksum
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj1",  # bad checksum
        "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # mixed case
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # bad base58 checksum
        "hello",
    ],
)
def test_bad_addresses_are_refused(address):
    with pytest.raises(ValueError):
        script_for_address(address)


@settings(max_examples=40, deadline=None)
@given(
    height=st.integers(1, 2**31 - 1),
    extranonce=st.binary(min_size=8, max_size=8),
    value=st.integers(0, 21_000_000 * 100_000_000),
    n_txs=st.integers(0, 6),
    witness=st.booleans(),
    ntime=st.integers(0, 2**32 - 1),
)
def test_any_template_gives_a_block_that_deserializes_and_commits_to_its_contents(
    height, extranonce, value, n_txs, witness, ntime
):
    txs = [_tx(witness and i % 2 == 1, i + 1) for i in range(n_txs)]
    raw = dict(
        EMPTY_REGTEST_TEMPLATE,
        height=height,
        coinbasevalue=value,
        transactions=[
            {"data": tx.serialize().hex(), "txid": b2lx(tx.GetTxid()), "hash": b2lx(tx.GetHash())} for tx in txs
        ],
    )
    del raw["default_witness_commitment"]  # we compute it when witness transactions need it
    job = jobs.make_job(jobs.BlockTemplate.from_rpc(raw), jobs.DEFAULT_PAYOUT_SCRIPT, extranonce, ntime=ntime)
    block = deserialize(job, nonce=ntime ^ 0x5A5A5A5A)
    assert block.hashMerkleRoot == block.calc_merkle_root()
    assert decode_bip34_height(block.vtx[0].vin[0].scriptSig) == height
    assert block.vtx[0].vout[0].nValue == value and block.nTime == ntime
    has_witness = any(tx.has_witness() for tx in txs)
    assert len(block.vtx[0].vout) == (2 if has_witness else 1)
    if has_witness:
        expected = hashlib.sha256(hashlib.sha256(block.calc_witness_merkle_root() + bytes(32)).digest()).digest()
        assert block.vtx[0].vout[1].scriptPubKey == CScript(bytes.fromhex("6a24aa21a9ed") + expected)


# What bcoin 1.0.2's regtest answers (recorded): segwit not active, yet a default_witness_commitment.
BCOIN_REGTEST_TEMPLATE = dict(
    EMPTY_REGTEST_TEMPLATE,
    rules=[],
    sigoplimit=20000,
    sizelimit=1000000,
    coinbaseaux={"flags": "6d696e65642062792062636f696e"},
)
for _field in ("weightlimit", "taproot"):
    BCOIN_REGTEST_TEMPLATE.pop(_field, None)


@pytest.mark.parametrize("rules", [[], ["csv"], ["csv", "taproot"]])
def test_no_witness_commitment_or_witness_when_the_rules_lack_segwit(rules):
    """bcoin refuses any witness as unexpected-witness when segwit is not in force, even though
    its template carries default_witness_commitment: only `rules` says whether segwit applies."""
    template = jobs.BlockTemplate.from_rpc(dict(BCOIN_REGTEST_TEMPLATE, rules=rules))
    assert template.default_witness_commitment is not None and not template.segwit
    job = jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE, ntime=1296688700)
    block = deserialize(job, nonce=find_nonce(job.header(0), job.target))
    cb = block.vtx[0]
    assert len(cb.vout) == 1 and cb.vout[0].nValue == 5_000_000_000
    assert not any(out.scriptPubKey.startswith(bytes.fromhex("6a24aa21a9ed")) for out in cb.vout)
    assert not cb.has_witness()
    # no segwit marker/flag: the submitted bytes are the witness-stripped serialization
    nonce = block.nNonce
    assert job.block_bytes(nonce) == block.serialize({"include_witness": False})
    assert job.block_bytes(nonce)[85:87] != b"\x00\x01"  # after count and nVersion: 1 input, no marker
    assert block.hashMerkleRoot == cb.GetTxid()


@pytest.mark.parametrize("rules", [["csv", "!segwit"], ["segwit"], ["csv", "!segwit", "taproot"]])
def test_witness_commitment_and_reserved_value_when_the_rules_include_segwit(rules):
    template = jobs.BlockTemplate.from_rpc(dict(EMPTY_REGTEST_TEMPLATE, rules=rules))
    assert template.segwit
    block = deserialize(jobs.make_job(template, jobs.DEFAULT_PAYOUT_SCRIPT, EXTRANONCE))
    cb = block.vtx[0]
    assert cb.vout[1].scriptPubKey.hex() == EMPTY_REGTEST_TEMPLATE["default_witness_commitment"]
    assert list(cb.wit.vtxinwit[0].scriptWitness.stack) == [jobs.WITNESS_RESERVED_VALUE]


def test_a_template_without_rules_is_pre_segwit_and_bad_rules_are_refused_clearly():
    raw = dict(EMPTY_REGTEST_TEMPLATE)
    del raw["rules"]
    assert not jobs.BlockTemplate.from_rpc(raw).segwit
    with pytest.raises(ValueError, match="'rules' must be a list of strings"):
        jobs.BlockTemplate.from_rpc(dict(EMPTY_REGTEST_TEMPLATE, rules="segwit"))
