"""The JSON-RPC server: Bitcoin Core's envelope, auth, methods and error codes, driven by
python-bitcoinlib's client and by raw HTTP, plus a hypothesis fuzz of malformed requests."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time

import bitcoin.rpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regtest.node import Node

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


@pytest.fixture(scope="module")
def inprocess_node(tmp_path_factory):
    n = Node(datadir=tmp_path_factory.mktemp("rpc"), chain="regtest", rpcport=0, rpcuser="alice", rpcpassword="s3cret")
    n.start()
    n.methods.__call__("generatetoaddress", [3, ADDRESS])
    yield n
    n.shutdown()


@pytest.fixture
def proxy(inprocess_node):
    cookie = inprocess_node.cookie_file.read_text()
    return bitcoin.rpc.RawProxy(service_url=f"http://{cookie}@127.0.0.1:{inprocess_node.rpc_port}")


def post(inprocess_node, body: bytes | str, auth: str | None = "cookie", headers=None, method="POST", path="/"):
    conn = http.client.HTTPConnection("127.0.0.1", inprocess_node.rpc_port, timeout=30)
    h = {"Content-Type": "application/json"}
    if auth == "cookie":
        auth = inprocess_node.cookie_file.read_text()
    if auth:
        h["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    h.update(headers or {})
    conn.request(method, path, body=body if isinstance(body, bytes) else body.encode(), headers=h)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, (json.loads(data) if data and resp.getheader("Content-Type") == "application/json" else data)


def call(inprocess_node, method, params=None, version=None):
    req = {"method": method, "params": params or [], "id": 7}
    if version:
        req["jsonrpc"] = version
    return post(inprocess_node, json.dumps(req))


# --- methods through python-bitcoinlib's client -------------------------------------------
def test_chain_queries(proxy):
    assert proxy.getblockcount() == 3
    assert proxy.getblockhash(0) == "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"
    best = proxy.getbestblockhash()
    header = proxy.getblockheader(best)
    assert header["height"] == 3 and header["confirmations"] == 1 and header["bits"] == "207fffff"
    assert len(proxy.getblockheader(best, False)) == 160
    block = proxy.getblock(best)
    assert block["tx"] and block["nTx"] == 1 and block["previousblockhash"] == proxy.getblockhash(2)
    assert proxy.getblock(proxy.getblockhash(1))["nextblockhash"] == proxy.getblockhash(2)
    assert proxy.getblock(best, 2)["tx"][0]["vout"][0]["scriptPubKey"]["address"] == ADDRESS
    assert proxy.getblock(best, False) == proxy.getblock(best, 0)
    assert float(proxy.getdifficulty()) == pytest.approx(4.656542373906925e-10)
    assert proxy.uptime() >= 0


def test_getblockchaininfo_prints_the_chain_parameters(proxy):
    info = proxy.getblockchaininfo()
    assert info["chain"] == "regtest" and info["blocks"] == 3 and info["bits"] == "207fffff"
    consensus = info["consensus"]
    assert consensus["subsidy_halving_interval"] == 150 and consensus["pow_no_retargeting"] is True
    assert consensus["next_halving_height"] == 150


def test_getblocktemplate_fields(proxy):
    tpl = proxy.getblocktemplate({"rules": ["segwit"]})
    for key in (
        "version",
        "rules",
        "previousblockhash",
        "transactions",
        "coinbasevalue",
        "target",
        "mintime",
        "mutable",
        "noncerange",
        "curtime",
        "bits",
        "height",
        "longpollid",
        "default_witness_commitment",
        "sigoplimit",
        "weightlimit",
        "capabilities",
    ):
        assert key in tpl
    assert tpl["height"] == 4 and tpl["coinbasevalue"] == 5_000_000_000
    assert tpl["default_witness_commitment"].startswith("6a24aa21a9ed")
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        proxy.getblocktemplate({})
    assert err.value.error["code"] == -8 and "segwit rule set" in err.value.error["message"]
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        proxy.getblocktemplate({"mode": "bogus", "rules": ["segwit"]})
    assert err.value.error == {"code": -8, "message": "Invalid mode"}


def test_longpoll_returns_when_the_tip_changes(inprocess_node, proxy):
    tpl = proxy.getblocktemplate({"rules": ["segwit"]})
    result = {}

    def poll():
        cookie = inprocess_node.cookie_file.read_text()
        p = bitcoin.rpc.RawProxy(service_url=f"http://{cookie}@127.0.0.1:{inprocess_node.rpc_port}", timeout=60)
        result["tpl"] = p.getblocktemplate({"rules": ["segwit"], "longpollid": tpl["longpollid"]})

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    assert t.is_alive(), "longpoll answered before the tip changed"
    new_hash = proxy.generatetoaddress(1, ADDRESS)[0]
    t.join(10)
    assert not t.is_alive()
    assert result["tpl"]["previousblockhash"] == new_hash


def test_getnetworkhashps_and_mininginfo(proxy):
    assert proxy.getnetworkhashps() >= 0
    info = proxy.getmininginfo()
    assert info["chain"] == "regtest" and info["next"]["height"] == info["blocks"] + 1
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        proxy.getnetworkhashps(120, 10**6)
    assert err.value.error["code"] == -8
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        proxy.getnetworkhashps(0)
    assert err.value.error == {"code": -8, "message": "Invalid nblocks. Must be a positive number or -1."}
    assert proxy.getnetworkhashps(-1) >= 0


def test_validateaddress(proxy):
    good = proxy.validateaddress(ADDRESS)
    assert good["isvalid"] and good["scriptPubKey"] == "0014751e76e8199196d454941c45d1b3a323f1433bd6"
    assert good["witness_version"] == 0
    # BIP350 regtest test vector (bech32m, witness v1).
    taproot = proxy.validateaddress("bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6")
    assert taproot["isvalid"] and taproot["witness_version"] == 1
    assert proxy.validateaddress("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc")["isscript"] is True
    assert proxy.validateaddress("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")["isvalid"]
    for bad in (
        "",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "notanaddress",
        "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt081",
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    ):
        out = proxy.validateaddress(bad)
        assert out["isvalid"] is False and out["error"]


def test_generatetoaddress_rejects_a_bad_address(proxy):
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        proxy.generatetoaddress(1, "nope")
    assert err.value.error == {"code": -5, "message": "Error: Invalid address"}


def test_errors_for_bad_parameters(proxy):
    cases = [
        (lambda: proxy.getblockhash(10**6), -8, "Block height out of range"),
        (lambda: proxy.getblockhash("1"), -3, "Wrong type passed"),
        (lambda: proxy.getblock("00" * 32), -5, "Block not found"),
        (lambda: proxy.getblock("abc"), -8, "blockhash must be of length 64"),
        (lambda: proxy.getblock("zz" * 32), -8, "blockhash must be hexadecimal string"),
        (lambda: proxy.getblockcount(1), -1, "getblockcount"),
        (lambda: proxy.getblockhash(), -1, "getblockhash height"),
        (lambda: proxy.nosuchmethod(), -32601, "Method not found"),
    ]
    for fn, code, text in cases:
        with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
            fn()
        assert err.value.error["code"] == code and text in err.value.error["message"]


def test_help(proxy):
    assert "getblocktemplate" in proxy.help() and "== Mining ==" in proxy.help()
    assert proxy.help("getblockhash").startswith("getblockhash height")
    assert proxy.help("nope") == "help: unknown command: nope"


# --- the HTTP / JSON-RPC envelope ---------------------------------------------------------
def test_auth(inprocess_node):
    assert post(inprocess_node, '{"method":"getblockcount"}', auth=None)[0] == 401
    assert post(inprocess_node, '{"method":"getblockcount"}', auth="__cookie__:wrong")[0] == 401
    assert post(inprocess_node, '{"method":"getblockcount"}', auth="alice:s3cret")[0] == 200
    status, reply = post(inprocess_node, '{"method":"getblockcount","id":1}')
    assert status == 200 and reply["error"] is None and reply["id"] == 1


def test_legacy_errors_carry_http_status_and_v2_errors_do_not(inprocess_node):
    assert call(inprocess_node, "nosuch")[0] == 404
    status, reply = call(inprocess_node, "getblockhash", [-1])
    assert status == 500 and reply["error"]["code"] == -8 and reply["result"] is None
    status, reply = call(inprocess_node, "getblockhash", [-1], version="2.0")
    assert status == 200 and "result" not in reply and reply["error"]["code"] == -8
    status, reply = call(inprocess_node, "getblockcount", version="2.0")
    assert status == 200 and reply == {"jsonrpc": "2.0", "result": reply["result"], "id": 7}
    # A JSON-RPC 2.0 notification gets no body.
    status, body = post(inprocess_node, '{"jsonrpc":"2.0","method":"getblockcount"}')
    assert status == 204 and not body


def test_batch(inprocess_node):
    body = json.dumps(
        [
            {"method": "getblockcount", "id": 1},
            {"method": "nosuch", "id": 2},
            {"method": "getblockhash", "params": [0], "id": 3},
            5,
        ]
    )
    status, reply = post(inprocess_node, body)
    assert status == 200 and [r["id"] for r in reply] == [1, 2, 3, None]
    assert reply[1]["error"]["code"] == -32601 and reply[3]["error"]["code"] == -32600
    assert post(inprocess_node, "[]") == (200, [])  # httprpc.cpp: an empty batch is answered []
    notes = json.dumps([{"jsonrpc": "2.0", "method": "getblockcount"}] * 2)
    assert post(inprocess_node, notes)[0] == 204  # all notifications: no content, as Core


@pytest.mark.parametrize(
    "body, code, status",
    [
        ("{", -32700, 500),
        ("nan", -32700, 500),
        ('{"method": NaN}', -32700, 500),
        ('"just a string"', -32700, 500),
        ("{}", -32600, 400),
        ('{"method": 5}', -32600, 400),
        ('{"method": "getblockcount", "params": 5}', -32600, 400),
        (b"\xff\xfe", -32700, 500),
    ],
)
def test_malformed_bodies(inprocess_node, body, code, status):
    got_status, reply = post(inprocess_node, body)
    assert got_status == status and reply["error"]["code"] == code


def test_named_parameters(inprocess_node):
    status, reply = call(inprocess_node, "getblockhash", {"height": 0})
    assert status == 200 and reply["result"].startswith("0f9188f1")
    status, reply = call(inprocess_node, "getblockhash", {"hieght": 0})
    assert reply["error"] == {"code": -8, "message": "Unknown named parameter hieght"}


def test_non_post_and_huge_bodies_are_refused(inprocess_node):
    assert post(inprocess_node, "", method="GET")[0] == 405
    assert post(inprocess_node, "{}", path="/rest/x")[0] == 404
    conn = http.client.HTTPConnection("127.0.0.1", inprocess_node.rpc_port, timeout=30)
    auth = base64.b64encode(inprocess_node.cookie_file.read_text().encode()).decode()
    conn.putrequest("POST", "/")
    conn.putheader("Authorization", "Basic " + auth)
    conn.putheader("Content-Length", str(64 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    assert call(inprocess_node, "getblockcount")[0] == 200


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
method_names = st.sampled_from(
    [
        "getblock",
        "getblockhash",
        "getblockheader",
        "submitblock",
        "getblocktemplate",
        "getnetworkhashps",
        "validateaddress",
        "generatetoaddress",
        "help",
        "getchaintips",
        "bogus",
        "",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=method_names | st.text(max_size=20), params=json_values, raw=st.binary(max_size=200), use_raw=st.booleans()
)
def test_fuzz_malformed_requests_never_kill_the_server(inprocess_node, method, params, raw, use_raw):
    if method == "generatetoaddress" and isinstance(params, list) and params and isinstance(params[0], int):
        params = [min(params[0], 2)] + params[1:]  # keep the fuzz from mining for minutes
    body = raw if use_raw else json.dumps({"method": method, "params": params, "id": 1})
    status, reply = post(inprocess_node, body)
    assert status in (200, 204, 400, 404, 500)
    if isinstance(reply, dict) and reply.get("error"):
        assert isinstance(reply["error"]["code"], int) and isinstance(reply["error"]["message"], str)
    assert call(inprocess_node, "getblockcount")[0] == 200


def test_python_bitcoinlib_proxy_typed_calls(inprocess_node):
    """bitcoin.rpc.Proxy, the typed client, round-trips blocks and headers through our node."""
    cookie = inprocess_node.cookie_file.read_text()
    typed = bitcoin.rpc.Proxy(service_url=f"http://{cookie}@127.0.0.1:{inprocess_node.rpc_port}")
    hashes = list(typed.generatetoaddress(2, ADDRESS))
    assert typed.getbestblockhash() == hashes[-1]
    block = typed.getblock(hashes[-1])
    assert block.GetHash() == hashes[-1] and block.vtx[0].is_coinbase()
    assert typed.getblockheader(hashes[-1]).GetHash() == hashes[-1]
    # Resubmitting the same CBlock is a BIP22 "duplicate", not an error.
    assert typed.submitblock(block) == "duplicate"
    assert typed.getblockcount() == typed.getblockheader(hashes[-1], verbose=True)["height"]
