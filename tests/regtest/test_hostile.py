"""A curious classroom against the node (issue 12): bounded memory per request, the window's
calls answered under 1,000 slow connections and a flood, failed logins limited across all
connections, secrets on no command line, Core's answers to malformed parameters and HTTP.
Loopback only; every client loop is bounded in count and time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gui.window.class_login import class_node_args
from regtest.rpc.auth import GLOBAL_FAILED_LOGIN_BURST, GLOBAL_FAILED_LOGINS_PER_S, Auth, make_rpcauth
from regtest.rpc.jsonrpc import MAX_JSON_VALUES
from tests.helpers import ROOT
from tests.helpers.hostile_clients import (
    Flood,
    SlowConnections,
    basic,
    latencies_ms,
    peak_rss_mb,
    percentile,
    raise_fd_limit,
    raw_post,
    rpc,
    rss_mb,
)
from tests.helpers.node import NodeProcess, starts_node_process

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
CLASS_PASSWORD = "satoshi21-class"
RSS_BOUND_MB = 300  # what one request may add to the node's peak RSS (32 MiB body at most)


def start_node(tmp: Path, *args: str, rpcauth: str | None = None) -> NodeProcess:
    if rpcauth:
        os.environ["MINE2COMPUTE_RPCAUTH"] = rpcauth
    try:
        return NodeProcess(tmp, chain="regtest", extra_args=args).start()
    finally:
        os.environ.pop("MINE2COMPUTE_RPCAUTH", None)


@pytest.fixture(scope="module")
@starts_node_process
def node(tmp_path_factory):
    # started as the window starts a shared class: the class login with its whitelist
    n = start_node(
        tmp_path_factory.mktemp("hostile"), *class_node_args(), rpcauth=make_rpcauth("class", CLASS_PASSWORD)
    )
    n.rpc("generatetoaddress", 3, ADDRESS)
    yield n
    n.stop()


def cookie(node) -> str:
    return node.cookie_file.read_text()


# --- Core's answers to malformed parameters (request -> Core's code) -----------------------
CORE_CODES = [
    ("getblockhash", [2147483648], -1, "JSON integer out of range"),
    ("getblockhash", [-2147483649], -1, "JSON integer out of range"),
    ("getblockhash", [1.0], -1, "JSON integer out of range"),
    ("getblockhash", [1e3], -1, "JSON integer out of range"),
    ("getblockhash", ["1"], -3, "JSON value of type string is not of expected type number"),
    ("getblockhash", [True], -3, "JSON value of type bool is not of expected type number"),
    ("getblockhash", [None], -3, "JSON value of type null is not of expected type number"),
    ("getblockhash", [], -1, "getblockhash height"),
    ("getblockhash", [0, 1], -1, "getblockhash height"),
    ("getblockhash", [-1], -8, "Block height out of range"),
    ("generatetoaddress", [1.0, ADDRESS], -1, "JSON integer out of range"),
    ("generatetoaddress", [1, ADDRESS, 1.5], -1, "JSON integer out of range"),
    ("generatetoaddress", [1, 5], -3, "Wrong type passed"),
    ("getblockheader", [None, False], -3, "JSON value of type null is not of expected type string"),
    ("getblockheader", ["00" * 32, 1], -3, "JSON value of type number is not of expected type bool"),
    ("getblockheader", [" " + "00" * 31 + "0"], -8, "must be hexadecimal string"),
    ("getblock", ["00" * 32, 1.5], -1, "JSON integer out of range"),
    ("getblock", ["00" * 32, "1"], -3, "JSON value of type string is not of expected type number"),
    (
        "getblocktemplate",
        [{"rules": ["segwit", 5, None]}],
        -3,
        "JSON value of type number is not of expected type string",
    ),
    ("getblocktemplate", [[]], -3, "JSON value of type array is not of expected type object"),
    ("getblocktemplate", [{"rules": ["segwit"], "mode": 5}], -8, "Invalid mode"),
    ("submitblock", [" 00"], -22, "Block decode failed"),
    ("submitblock", ["0"], -22, "Block decode failed"),
    ("submitblock", [""], -22, "Block decode failed"),
    ("submitblock", [5], -3, "Wrong type passed"),
    ("getnetworkhashps", [120.5], -1, "JSON integer out of range"),
    ("getnetworkhashps", [1, "x"], -3, "Wrong type passed"),
    ("validateaddress", [5], -3, "Wrong type passed"),
    ("help", [5], -3, "Wrong type passed"),
]


@pytest.mark.parametrize(
    "method, params, code, text", CORE_CODES, ids=[f"{m}{json.dumps(p)[:40]}" for m, p, _, _ in CORE_CODES]
)
def test_malformed_parameters_get_cores_codes(node, method, params, code, text):
    status, reply = rpc(node.port, cookie(node), method, params)
    assert reply["error"]["code"] == code, reply
    assert text in reply["error"]["message"]


def test_named_null_for_a_required_parameter_is_a_type_error(node):
    status, reply = rpc(node.port, cookie(node), "getblockhash", {"height": None})
    assert reply["error"]["code"] == -3


# --- malformed HTTP -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        b"GET /\r\n",
        b"GET /\r\n\r\n",
        b"\x16\x03\x01\x02\x00garbage\r\n\r\n",
        b"POST / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    ],
)
def test_malformed_http_gets_a_400_and_no_traceback(node, raw):
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as s:
        s.sendall(raw)
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400 ") or reply.startswith(b"HTTP/1.1 401 "), reply
    assert rpc(node.port, cookie(node), "getblockcount")[0] == 200
    assert not any("Traceback" in line for line in node.log)


def test_oversized_headers_are_refused(node):
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as s:
        s.sendall(b"POST / HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 431 ")


# --- memory and size bounds ---------------------------------------------------------------
def test_memory_stays_bounded_for_the_largest_requests(node):
    pid = node.proc.pid
    base = rss_mb(pid)
    tip = node.rpc("getbestblockhash")
    bodies = [
        (b"[[" + b"0," * (16 * 1024 * 1024 - 3) + b"0]]", -32600),  # 32 MiB: one call of 16M values
        (b"[" + b"[0]," * (2 * MAX_JSON_VALUES) + b"[[" + b"0," * 8_000_000 + b"0]]]", -32600),  # ... late in a batch
        (json.dumps({"method": "submitblock", "params": ["00" * 15_000_000]}).encode(), None),
        (json.dumps({"method": "getblockhash", "params": ["a" * 30_000_000]}).encode(), -3),
        (json.dumps([{"method": "getblockheader", "params": [tip], "id": i} for i in range(5000)]).encode(), 5000),
    ]
    for body, code in bodies:
        t0 = time.monotonic()
        status, data = raw_post(node.port, body, cookie(node), timeout_s=60)
        reply = json.loads(data)
        if code is None:  # 15 MB of zeros: no transactions (Core decodes it, then says so), never decoded here
            assert reply["error"] == {"code": -22, "message": "Block does not start with a coinbase"}
        elif code > 0:
            assert len(reply) == code and reply[-1]["result"]["hash"] == tip  # a long batch is answered
        else:
            assert reply["error"]["code"] == code
        assert time.monotonic() - t0 < 10
        assert peak_rss_mb(pid) - base < RSS_BOUND_MB, f"peak {peak_rss_mb(pid):.0f} MB from {base:.0f} MB"


def test_body_over_cores_limit_is_413(node):
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as s:
        s.sendall(f"POST / HTTP/1.1\r\nAuthorization: Basic x\r\nContent-Length: {64 << 20}\r\n\r\n".encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 401 ")  # no login: refused before the body
    auth = basic(cookie(node))
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as s:
        s.sendall(f"POST / HTTP/1.1\r\nAuthorization: {auth}\r\nContent-Length: {64 << 20}\r\n\r\n".encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 413 ")


# --- the window's calls under attack ------------------------------------------------------
def test_legitimate_calls_answer_within_100ms_under_slow_connections_and_a_flood(node):
    raise_fd_limit(4096)
    idle = latencies_ms(node.port, cookie(node), 30)
    guess = json.dumps({"method": "getblockcount"})
    with (
        SlowConnections(node.port, 1000, every_s=0.5),
        Flood(node.port, guess, "class:wrong", threads=6, max_s=20),
        # a student's long batches: answered now, as Core answers them, on the class login's lane
        Flood(node.port, b"[" + b"0," * 200_000 + b"0]", f"class:{CLASS_PASSWORD}", threads=2, max_s=20),
    ):
        time.sleep(0.5)
        attacked = latencies_ms(node.port, cookie(node), 60)
    assert percentile(attacked, 90) < 100, (idle, attacked)
    assert max(attacked) < 1000


@pytest.mark.node
def test_a_full_work_queue_is_503_and_the_cookie_lane_still_answers(tmp_path):
    n = start_node(
        tmp_path,
        "--rpcthreads",
        "1",
        "--rpcworkqueue",
        "1",
        "--rpcservertimeout",
        "2",
        rpcauth=make_rpcauth("class", CLASS_PASSWORD),
    )
    try:
        tpl = n.rpc("getblocktemplate", {"rules": ["segwit"]})
        student = f"class:{CLASS_PASSWORD}"
        longpoll = json.dumps(
            {"method": "getblocktemplate", "params": [{"rules": ["segwit"], "longpollid": tpl["longpollid"]}]}
        )
        held = [
            threading.Thread(target=raw_post, args=(n.port, longpoll, student, 30), daemon=True) for _ in range(2)
        ]  # one holds the only worker, one fills the queue
        for t in held:  # one at a time: the first must reach the worker before the second queues
            t.start()
            time.sleep(0.75)
        status, data = raw_post(n.port, longpoll, student, timeout_s=10)
        assert status == 503 and data == b"Work queue depth exceeded"
        assert rpc(n.port, cookie(n), "getblockcount")[0] == 200  # the window's lane is free
        # -rpcservertimeout: a request trickling in is dropped when its time is up.
        with socket.create_connection(("127.0.0.1", n.port), timeout=10) as s:
            s.sendall(b"POST / HTTP/1.1\r\n")
            t0 = time.monotonic()
            assert s.recv(100) == b""
            assert 1.5 < time.monotonic() - t0 < 5
        n._proxy = None  # its keep-alive connection idled past the 2 s timeout and was closed
        n.rpc("generatetoaddress", 1, ADDRESS)  # releases the longpolls
        for t in held:
            t.join(10)
        assert any("work queue depth exceeded" in line for line in n.log)
    finally:
        n.stop()


# --- authentication -----------------------------------------------------------------------
@pytest.mark.slow
def test_a_2mb_batch_of_a_million_calls_is_answered_in_bounded_memory(node):
    pid = node.proc.pid
    base = rss_mb(pid)
    t0 = time.monotonic()
    status, data = raw_post(node.port, b"[" + b"0," * 999_999 + b"0]", cookie(node), timeout_s=300)
    assert status == 200 and data.count(b'"Invalid Request object"') == 1_000_000  # Core: one error per call
    del data
    assert peak_rss_mb(pid) - base < RSS_BOUND_MB, f"peak {peak_rss_mb(pid):.0f} MB from {base:.0f} MB"
    assert time.monotonic() - t0 < 120


def test_the_class_login_gets_its_whitelist(node):
    student = f"class:{CLASS_PASSWORD}"
    assert rpc(node.port, student, "getblocktemplate", [{"rules": ["segwit"]}])[0] == 200
    assert rpc(node.port, student, "getblockchaininfo")[0] == 200
    for admin in ("stop", "generatetoaddress", "getblock"):
        assert rpc(node.port, student, admin, [])[0] == 403
    batch = json.dumps([{"method": "getblockcount", "id": 1}, {"method": "stop", "id": 2}])
    assert raw_post(node.port, batch, student)[0] == 403  # one forbidden call refuses the batch, as Core
    assert rpc(node.port, cookie(node), "getblockcount")[0] == 200


def test_failed_logins_are_limited_per_address_and_across_all():
    now = [0.0]
    auth = Auth("c" * 64, clock=lambda: now[0])
    auth.add_rpcauth(make_rpcauth("class", CLASS_PASSWORD))
    header = "Basic " + __import__("base64").b64encode(b"class:guess").decode()
    good = "Basic " + __import__("base64").b64encode(f"class:{CLASS_PASSWORD}".encode()).decode()
    for i in range(1000):  # 1,000 guesses from one laptop, over any number of connections, within 2 s
        now[0] = i * 0.002
        auth.check(header, "10.0.0.7")
    assert auth.failed_total <= 8 + 4 * 2 + 1
    assert auth.check(good, "10.0.0.7")[0] == "limited"  # that laptop waits while it guesses
    assert auth.check(good, "10.0.0.8") == ("ok", "class")  # the next laptop is not locked out
    cookie_header = "Basic " + __import__("base64").b64encode(b"__cookie__:" + b"c" * 64).decode()
    assert auth.check(cookie_header, "10.0.0.7") == ("ok", "__cookie__")
    now[0] += 3
    assert auth.check(good, "10.0.0.7") == ("ok", "class")
    # Many addresses together: the global budget bounds what is checked, whatever the count.
    checked = auth.failed_total
    for i in range(2000):
        now[0] = 10 + i * 0.001
        auth.check(header, f"10.0.{i % 200 // 100}.{i % 100}")
    assert auth.failed_total - checked <= GLOBAL_FAILED_LOGIN_BURST + GLOBAL_FAILED_LOGINS_PER_S * 2 + 1
    # An IPv6 laptop is its /64, however many addresses it takes from it.
    for i in range(100):
        auth.check(header, f"fd00:1:2:3::{i:x}")
    assert auth.check(good, "fd00:1:2:3::ffff")[0] == "limited"


def test_parallel_guessers_cannot_check_passwords_quickly(node):
    student = f"class:{CLASS_PASSWORD}"
    guess = json.dumps({"method": "getblockcount"})
    with Flood(node.port, guess, "class:wrong", threads=50, max_s=10) as flood:
        time.sleep(1.5)
        # guesses the node answered 401 (checked or refused unchecked); a failed connection (status
        # 0) never reached the password check and spends none of the budget
        guesses_per_s = flood.statuses.get(401, 0) / 1.5
        # The budget is spent: even the right password is often refused unchecked (a token
        # freed by the 4/s refill goes to whoever asks first), so guesses win no faster. That
        # shows only when the guessers ask well over the 4/s budget, which a machine under
        # other load may not let them do; the exact cap is
        # test_failed_logins_are_limited_across_all_connections' (on Auth itself).
        # The guessers move in step (each 401 comes after Core's 250 ms delay), and a right password
        # spends no token: ten tries in a row can all fall in one quiet gap between their rounds,
        # so the tries are spread over about two rounds' time instead.
        refused = refused_elsewhere = 0
        for _ in range(10):
            refused += rpc(node.port, student, "getblockcount")[0] == 401
            # another laptop (another loopback address) is not locked out by this one's flood
            refused_elsewhere += rpc(node.port, student, "getblockcount", source="127.0.0.2")[0] == 401
            time.sleep(0.13)
        if guesses_per_s > 40:
            assert refused >= 3, (refused, guesses_per_s, dict(flood.statuses))
        assert refused_elsewhere == 0, (refused_elsewhere, guesses_per_s, dict(flood.statuses))
        assert rpc(node.port, cookie(node), "getblockcount")[0] == 200
    assert flood.statuses.get(401, 0) > 50, dict(flood.statuses)  # guesses the node answered
    time.sleep(2.5)
    assert rpc(node.port, student, "getblockcount")[0] == 200
    assert any("incorrect password attempt" in line for line in node.log)


@pytest.mark.node
def test_empty_password_with_a_lan_bind_is_refused(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "regtest",
            "--chain",
            "regtest",
            "--datadir",
            str(tmp_path),
            "--rpcport",
            "0",
            "--rpcbind",
            "0.0.0.0",
            "--rpcuser",
            "class",
            "--rpcpassword",
            "",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "cookie-only" in out.stderr and "Traceback" not in out.stderr


def test_rpcauth_matches_cores_rpcauth_py():
    import hashlib
    import hmac

    line = make_rpcauth("class", "pw", salt="00112233445566778899aabbccddeeff")
    digest = hmac.new(b"00112233445566778899aabbccddeeff", b"pw", hashlib.sha256).hexdigest()
    assert line == f"class:00112233445566778899aabbccddeeff${digest}"


def _descendants(root: int) -> set[int]:
    parents = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


@pytest.mark.node
def test_no_secret_on_any_command_line_when_the_window_shares_the_node(qapp, qtbot, tmp_path):
    from tests.helpers.windows import window_with_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller, window = window_with_settings(
        tmp_path, **{"node/share": True, "node/rpcport": port, "node/share_password": CLASS_PASSWORD}
    )
    try:
        with qtbot.waitSignal(controller.node_ready, timeout=30_000):
            controller.start()
        assert rpc(port, f"class:{CLASS_PASSWORD}", "getblockcount")[0] == 200
        # the class login has its whitelist (a pool's calls, not stop), the window's cookie everything
        assert rpc(port, f"class:{CLASS_PASSWORD}", "validateaddress", [ADDRESS])[0] == 200
        assert rpc(port, f"class:{CLASS_PASSWORD}", "stop")[0] == 403
        node_pid = controller.node.proc.processId()
        ours = _descendants(os.getpid())  # other sessions' processes on this machine are theirs
        assert node_pid in ours
        for pid in ours | {os.getpid()}:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            assert CLASS_PASSWORD.encode() not in cmdline, cmdline
            assert b"rpcpassword" not in cmdline and b"rpcauth" not in cmdline, cmdline
        assert (Path(f"/proc/{node_pid}/environ").stat().st_mode & 0o077) == 0  # owner only
    finally:
        window.close()
