"""MuHash3072 against Bitcoin Core's own test vector (src/test/crypto_tests.cpp muhash_tests)
and ChaCha20 against RFC 8439's block function vector (section 2.3.2)."""

from __future__ import annotations

from engine.primitives.muhash import MuHash3072, chacha20_block


def from_int(i: int) -> MuHash3072:
    return MuHash3072(bytes([i]) + bytes(31))  # crypto_tests.cpp FromInt


def test_chacha20_block_is_rfc_8439s():
    key = bytes(range(32))
    nonce = bytes.fromhex("000000090000004a00000000")
    assert chacha20_block(key, 1, nonce).hex().startswith("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c06803")


def test_muhash_is_bitcoin_cores():
    acc = from_int(0)
    acc *= from_int(1)
    acc /= from_int(2)
    # uint256S prints the reversed bytes
    assert acc.finalize()[::-1].hex() == "10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863"
    acc2 = from_int(0)
    acc2.insert(bytes([1]) + bytes(31))
    acc2.remove(bytes([2]) + bytes(31))
    assert acc2.finalize() == acc.finalize()


def test_muhash_ignores_order_and_undoes_removals():
    a, b = MuHash3072(), MuHash3072()
    for x in (b"x", b"y", b"z"):
        a.insert(x)
    for x in (b"z", b"w", b"x", b"y"):
        b.insert(x)
    b.remove(b"w")
    assert a.finalize() == b.finalize() != MuHash3072().finalize()
