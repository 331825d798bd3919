"""Bitcoin Core's RPC defaults (issue 20): a password login may call everything unless
-rpcwhitelist/-rpcwhitelistdefault say otherwise (httprpc.cpp), the class login's explicit
whitelist, ckpool's call sequence under -rpcuser, preciousblock, getrpcinfo, getnetworkinfo, and
batches of any length answered in bounded memory."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
from bitcoin.core import CMutableTransaction, CTransaction, CTxInWitness, CTxOut, CTxWitness, b2lx
from bitcoin.core.script import CScriptWitness

from gui.window.class_login import CLASS_WHITELIST, SHARE_USER, class_node_args
from regtest.cli import build_parser
from regtest.node import Node
from regtest.rpc.auth import COOKIE_USER, Auth
from regtest.rpc.jsonrpc import MAX_JSON_VALUES
from tests.helpers.blockmaker import block_from_template, make_block

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
RULES = {"rules": ["segwit"]}


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = Node(datadir=tmp_path_factory.mktemp("core"), chain="regtest", rpcport=0, rpcuser="pool", rpcpassword="x1")
    n.start()
    n.methods("generatetoaddress", [101, ADDRESS])
    yield n
    n.shutdown()


def post(node, body, auth: str = "pool:x1", http10: bool = False):
    conn = http.client.HTTPConnection("127.0.0.1", node.rpc_port, timeout=120)
    if http10:
        conn._http_vsn, conn._http_vsn_str = 10, "HTTP/1.0"
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}
    conn.request("POST", "/", body=body if isinstance(body, bytes) else body.encode(), headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data, dict(resp.getheaders())


def call(node, method, *params, auth: str = "pool:x1"):
    status, data, _ = post(node, json.dumps({"method": method, "params": list(params), "id": 1}), auth)
    return status, (json.loads(data) if data else None)


# --- who may call what ---------------------------------------------------------------------
def test_a_password_login_may_call_everything_by_default(node):
    for method, params in (("generatetoaddress", [1, ADDRESS]), ("getblock", [b2lx(node.chain.tip.hash)])):
        status, reply = call(node, method, *params)
        assert status == 200 and reply["error"] is None, (method, reply)


def test_ckpools_call_sequence_under_rpcuser(node):
    """ckpool (bitcoin.c): getblocktemplate, validateaddress, submitblock, preciousblock."""
    status, tpl = call(node, "getblocktemplate", RULES)
    assert status == 200
    status, valid = call(node, "validateaddress", ADDRESS)
    assert status == 200 and valid["result"]["isvalid"] is True
    block = block_from_template(tpl["result"])
    assert call(node, "submitblock", block.serialize().hex()) == (200, {"result": None, "error": None, "id": 1})
    assert call(node, "preciousblock", b2lx(block.GetHash())) == (200, {"result": None, "error": None, "id": 1})
    assert call(node, "getbestblockhash")[1]["result"] == b2lx(block.GetHash())
    assert call(node, "preciousblock", "00" * 32)[1]["error"] == {"code": -5, "message": "Block not found"}


def test_preciousblock_takes_the_tip_among_blocks_of_the_same_work(node):
    tpl = call(node, "getblocktemplate", RULES)[1]["result"]
    first, second = block_from_template(tpl), block_from_template(tpl, extranonce=7)
    assert call(node, "submitblock", first.serialize().hex())[1]["result"] is None
    assert call(node, "submitblock", second.serialize().hex())[1]["result"] == "inconclusive"  # a side branch
    assert node.chain.tip.hash == first.GetHash()  # first seen wins the tie
    call(node, "preciousblock", b2lx(second.GetHash()))
    assert node.chain.tip.hash == second.GetHash()
    call(node, "preciousblock", b2lx(first.GetHash()))  # a later call overrides an earlier one
    assert node.chain.tip.hash == first.GetHash()
    old = node.chain.active[-2]
    call(node, "preciousblock", b2lx(old.hash))  # less work than the tip: nothing happens
    assert node.chain.tip.hash == first.GetHash()


def test_whitelists_as_cores_httprpc():
    auth = Auth("c" * 64)
    assert auth.allowed("anyone", "stop") and auth.allowed(COOKIE_USER, "stop")  # no whitelist: everything
    auth.add_whitelist("pool:getblocktemplate, submitblock")
    assert auth.allowed("pool", "submitblock") and not auth.allowed("pool", "stop")
    # once any whitelist is set, -rpcwhitelistdefault defaults on: others may call nothing, the cookie too
    assert not auth.may_call_any("other") and not auth.allowed(COOKIE_USER, "getblockcount")
    auth.whitelist_default = False
    assert auth.allowed(COOKIE_USER, "stop") and auth.allowed("other", "stop")
    auth.add_whitelist("pool:submitblock,getblockcount")  # named twice: the intersection
    assert auth.whitelists["pool"] == {"submitblock"}
    auth.add_whitelist("nobody")  # a user alone: an empty whitelist
    assert not auth.allowed("nobody", "getblockcount")
    assert build_parser().parse_args(["-rpcwhitelistdefault=0"]).rpcwhitelistdefault is False
    assert build_parser().parse_args(["-rpcwhitelistdefault"]).rpcwhitelistdefault is True


def test_the_class_login_whitelist_covers_pools_and_wallets_and_leaves_the_cookie_free():
    args = build_parser().parse_args(list(class_node_args()))
    auth = Auth("c" * 64, whitelist_default=args.rpcwhitelistdefault)
    for spec in args.rpcwhitelist:
        auth.add_whitelist(spec)
    pools_and_wallets = {
        "getblocktemplate", "submitblock", "validateaddress", "preciousblock", "getrpcinfo", "getnetworkinfo",
        "getmininginfo", "getbestblockhash", "getblockhash", "sendrawtransaction", "scantxoutset", "gettxout",
    }  # fmt: skip
    assert all(auth.allowed(SHARE_USER, m) for m in pools_and_wallets)
    assert not any(auth.allowed(SHARE_USER, m) for m in ("stop", "generatetoaddress", "getblock"))
    assert auth.allowed(COOKIE_USER, "stop")
    assert set(CLASS_WHITELIST) == auth.whitelists[SHARE_USER]


def test_a_whitelisted_login_is_refused_what_it_may_not_call(tmp_path):
    n = Node(
        datadir=tmp_path,
        chain="regtest",
        rpcport=0,
        rpcuser="pool",
        rpcpassword="x1",
        rpcwhitelist=("pool:getblockcount",),
    )
    n.start()
    try:
        assert call(n, "getblockcount")[0] == 200
        assert call(n, "getblockhash", 0)[0] == 403
        cookie = n.cookie_file.read_text()
        assert call(n, "getblockcount", auth=cookie)[0] == 403  # Core: whitelistdefault on, the cookie too
        long_batch = [{"method": "getblockcount", "id": i} for i in range(MAX_JSON_VALUES // 2)]
        assert post(n, json.dumps(long_batch))[0] == 200  # read a call at a time, every call allowed
        long_batch.append({"method": "getblockhash", "params": [0], "id": -1})
        assert post(n, json.dumps(long_batch))[0] == 403  # one forbidden call refuses the whole batch
    finally:
        n.shutdown()


# --- getrpcinfo, getnetworkinfo ------------------------------------------------------------
def test_getrpcinfo_and_getnetworkinfo_answer_as_core(node):
    info = call(node, "getrpcinfo")[1]["result"]
    assert set(info) == {"active_commands", "logpath"}
    (active,) = info["active_commands"]
    assert active["method"] == "getrpcinfo" and isinstance(active["duration"], int) and active["duration"] >= 0
    net = call(node, "getnetworkinfo")[1]["result"]
    assert net["version"] == 290000 and net["connections"] == 0 and net["relayfee"] == 0.00001
    assert {"subversion", "protocolversion", "localservices", "networks", "incrementalfee", "warnings"} <= set(net)


# --- batches of any length -----------------------------------------------------------------
def test_a_5000_call_batch_is_answered_in_order(node):
    batch = [{"jsonrpc": "2.0", "method": "getblockhash", "params": [i % 50], "id": i} for i in range(5000)]
    status, data, _ = post(node, json.dumps(batch))
    reply = json.loads(data)
    assert status == 200 and [r["id"] for r in reply] == list(range(5000))
    assert reply[49]["result"] == b2lx(node.chain.active[49].hash)


def test_a_batch_past_the_parse_bound_is_read_a_call_at_a_time_and_streamed(node):
    calls = MAX_JSON_VALUES // 2 + 1000  # each call is two JSON values: over the bound together
    body = json.dumps([{"method": "getblockhash", "params": [i % 10], "id": i} for i in range(calls)])
    status, data, headers = post(node, body)
    reply = json.loads(data)
    assert status == 200 and headers.get("Transfer-Encoding") == "chunked" and len(reply) == calls
    assert reply[-1] == {"result": b2lx(node.chain.active[(calls - 1) % 10].hash), "error": None, "id": calls - 1}
    status, data, headers = post(node, body, http10=True)  # HTTP/1.0: the body ends with the connection
    assert status == 200 and len(json.loads(data)) == calls and headers.get("Connection") == "close"


def test_a_malformed_long_batch_runs_nothing(node):
    height = node.chain.height()
    calls = [{"method": "generatetoaddress", "params": [1, ADDRESS], "id": 0}]
    calls += [{"method": "getblockcount", "id": i} for i in range(MAX_JSON_VALUES // 2)]
    body = json.dumps(calls)[:-1] + ",{]"
    status, data, _ = post(node, body)
    assert status == 500 and json.loads(data)["error"]["code"] == -32700
    assert node.chain.height() == height


# --- blocks over 4,000,000 bytes: Core's reason in Core's order ------------------------------
def _heavy_block(node, witness_bytes: int, output_bytes: int = 0):
    tpl = call(node, "getblocktemplate", RULES)[1]["result"]
    cb = CMutableTransaction.from_tx(block_from_template(tpl).vtx[0])
    cb.wit = CTxWitness([CTxInWitness(CScriptWitness([bytes(witness_bytes)]))])
    if output_bytes:
        cb.vout.append(CTxOut(0, b"\x6a" + bytes(output_bytes)))
    return make_block(
        bytes.fromhex(tpl["previousblockhash"])[::-1],
        tpl["height"],
        tpl["curtime"],
        int(tpl["bits"], 16),
        tpl["coinbasevalue"],
        coinbase=CTransaction.from_tx(cb),
    )


def test_a_block_heavy_with_witness_is_bad_blk_weight_as_core_orders_its_checks(node):
    block = _heavy_block(node, 4_050_000)  # 4.05 MB, stripped a few hundred bytes
    assert len(block.serialize()) > 4_000_000
    assert call(node, "submitblock", block.serialize().hex())[1]["result"] == "bad-blk-weight"
    big = _heavy_block(node, 3_000_000, output_bytes=1_100_000)  # stripped over 1 MB: CheckBlock's size limit
    assert call(node, "submitblock", big.serialize().hex())[1]["result"] == "bad-blk-length"
    raw = bytearray(block.serialize())
    raw[36] ^= 1  # a wrong merkle root is found first, as Core's CheckBlock does
    assert call(node, "submitblock", raw.hex())[1]["result"] in ("bad-txnmrklroot", "high-hash")


# --- scantxoutset over ranged descriptors ---------------------------------------------------
def _tpub(key) -> str:
    from bitcoin import base58

    from engine.primitives.hashes import sha256d

    raw = (
        bytes.fromhex("043587cf")
        + bytes([key.depth])
        + key.parent_fingerprint
        + key.child_number.to_bytes(4, "big")
        + key.chain_code
        + key.pubkey
    )
    return base58.encode(raw + sha256d(raw)[:4])


def test_scantxoutset_expands_a_ranged_descriptor_over_its_range(node):
    from engine.primitives.hashes import hash160
    from engine.primitives.script import encode_segwit_address
    from engine.wallet.keys import ExtKey

    account = ExtKey.from_seed(b"scantxoutset ranged").derive("m/84h/1h/0h")
    fifth = account.derive("0/5")
    call(node, "generatetoaddress", 1, encode_segwit_address(0, hash160(fifth.pubkey)))
    desc = f"wpkh({_tpub(account)}/0/*)"
    fingerprint = hash160(account.pubkey)[:4].hex()
    status, reply = call(node, "scantxoutset", "start", [{"desc": desc, "range": [2, 9]}])
    (found,) = reply["result"]["unspents"]
    assert found["desc"].split("#")[0] == f"wpkh([{fingerprint}/0/5]{fifth.pubkey.hex()})"
    assert found["scriptPubKey"] == "0014" + hash160(fifth.pubkey).hex()
    assert call(node, "scantxoutset", "start", [desc])[1]["result"]["unspents"] == [found]  # default 0..1000
    assert call(node, "scantxoutset", "start", [{"desc": desc, "range": 4}])[1]["result"]["unspents"] == []
    bad = [
        ({"desc": desc, "range": [5, 2]}, -8, "Range specified as [begin,end] must not have begin after end"),
        ({"desc": desc, "range": [0, 2_000_000]}, -8, "Range is too large"),
        ({"desc": desc, "range": "x"}, -8, "Range must be specified as end or as [begin,end]"),
        (f"wpkh({_tpub(account)}/0/*')", -5, "Cannot derive script without private keys"),
        ("wpkh(tpubNotAKey/0/*)", -5, "key 'tpubNotAKey' is not valid"),
    ]
    for obj, code, message in bad:
        error = call(node, "scantxoutset", "start", [obj])[1]["error"]
        assert error["code"] == code and error["message"].startswith(message), (obj, error)


def test_descriptor_forms_give_cores_scripts():
    from regtest.descriptors import parse

    # BIP86's first test vector: the internal key of m/86'/0'/0'/0/0 and its output key
    internal = "02cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115"
    spk, inferred = parse(f"tr({internal})").expand()
    assert spk.hex() == "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"
    assert inferred.startswith("tr(cc8a4bc6")
    key = "03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd"
    assert parse(f"pkh({key})").expand()[0].hex() == "76a914" + parse(f"wpkh({key})").expand()[0].hex()[4:] + "88ac"
    assert parse(f"sh(wpkh({key}))").expand()[0][:2] == b"\xa9\x14"
    assert not parse(f"wpkh({key})").is_range
