"""SHA-256d with the CPU's SHA extensions (SHA-NI), several nonces in flight.

`sha256rnds2` does two SHA-256 rounds per instruction; it has a latency of several cycles but
a new one can start every cycle, so LANES independent nonces are interleaved to keep the unit
busy. Numba has no vector types, so the compression is written as LLVM IR through a Numba
`intrinsic` (the layout follows Intel's SHA extensions reference code: the state lives in two
vectors, ABEF and CDGH, and the message schedule uses sha256msg1/sha256msg2).
Only usable where the CPU has the `sha` feature (`engine.mining.kernels.jit.has_feature("sha")`).
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from engine.mining.kernels.common import (
    DIGEST_LENGTH_BITS,
    DIGEST_PAD_WORD8,
    HEADER_LENGTH_BITS,
    HEADER_PAD_WORD4,
    IV,
    K,
)
from engine.mining.kernels.jit import kernel_jit

LANES = 4  # measured on Zen 4: 2 -> 28.5, 3 -> 34.5, 4 -> 35.7, 5 -> 35.6, 8 -> 24 MH/s (spills)

_I32 = ir.IntType(32)
_I64 = ir.IntType(64)
_V4 = ir.VectorType(_I32, 4)


def _sigma0(x: int) -> int:
    return (((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)) & 0xFFFFFFFF


def _msg1_const(a, b) -> list[int]:
    """sha256msg1 on constant groups: W[i] + sigma0(W[i+1]) (Intel SDM SHA256MSG1)."""
    w = list(a) + [b[0]]
    return [(w[i] + _sigma0(w[i + 1])) & 0xFFFFFFFF for i in range(4)]


def _mask(*indices: int) -> ir.Constant:
    return ir.Constant(ir.VectorType(_I32, len(indices)), list(indices))


class _Sha:
    """Emits SHA-256 compressions with the SHA-NI intrinsics into one IR builder."""

    def __init__(self, builder: ir.IRBuilder):
        self.b = builder
        module = builder.module
        self.rnds2 = cgutils.get_or_insert_function(
            module, ir.FunctionType(_V4, [_V4, _V4, _V4]), "llvm.x86.sha256rnds2"
        )
        self.msg1 = cgutils.get_or_insert_function(module, ir.FunctionType(_V4, [_V4, _V4]), "llvm.x86.sha256msg1")
        self.msg2 = cgutils.get_or_insert_function(module, ir.FunctionType(_V4, [_V4, _V4]), "llvm.x86.sha256msg2")

    def vec(self, words) -> ir.Value:
        """A <4 x i32> from four i32 values or ints (element 0 first)."""
        if all(isinstance(w, int) for w in words):
            return ir.Constant(_V4, list(words))
        v = ir.Constant(_V4, ir.Undefined)
        for i, w in enumerate(words):
            w = ir.Constant(_I32, w) if isinstance(w, int) else w
            v = self.b.insert_element(v, w, ir.Constant(_I32, i))
        return v

    def state_vectors(self, words):
        """Standard (A..H) state -> (ABEF, CDGH) with element 0 = F / H, as sha256rnds2 wants."""
        a, b_, c, d, e, f, g, h = words
        return self.vec([f, e, b_, a]), self.vec([h, g, d, c])

    def compress(self, states, messages, cdgh_only: bool = False, shared_first_pair: bool = False):
        """64 rounds for several independent blocks at once, emitted round by round across
        them so their sha256rnds2 chains overlap. `states` is a list of (ABEF, CDGH); each
        message is four groups of four words (i32 values or ints). Returns the new states.

        Constant groups stay Python ints, so their schedule work (sha256msg1 of two constant
        groups, adding K) is done here rather than per nonce; rounds 0-1 use only words 0-1,
        so with `shared_first_pair` (words 0-1 nonce-free) that first sha256rnds2 is the same
        for every lane and LLVM merges and hoists it. With `cdgh_only` the last two rounds are
        skipped: the final CDGH is the ABEF before them (the returned ABEF is then None).
        """
        b = self.b
        current = list(states)
        schedules = [[m if all(isinstance(x, int) for x in m) else self.vec(m) for m in groups] for groups in messages]
        for g in range(16):
            for i, w in enumerate(schedules):
                if g >= 4:
                    # W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], four at a time
                    if isinstance(w[g - 4], tuple | list) and isinstance(w[g - 3], tuple | list):
                        t = self.vec(_msg1_const(w[g - 4], w[g - 3]))
                    else:
                        t = b.call(self.msg1, [self.as_vec(w[g - 4]), self.as_vec(w[g - 3])])
                    t = b.add(t, b.shuffle_vector(self.as_vec(w[g - 2]), self.as_vec(w[g - 1]), _mask(1, 2, 3, 4)))
                    w.append(b.call(self.msg2, [t, self.as_vec(w[g - 1])]))
                abef, cdgh = current[i]
                if isinstance(w[g], tuple | list):
                    wk = ir.Constant(_V4, [(x + k) & 0xFFFFFFFF for x, k in zip(w[g], K[4 * g : 4 * g + 4])])
                else:
                    wk = b.add(w[g], ir.Constant(_V4, list(K[4 * g : 4 * g + 4])))
                wk_low = wk
                if g == 0 and shared_first_pair:
                    words = messages[i][0]
                    wk_low = self.vec(
                        [b.add(words[0], ir.Constant(_I32, K[0])), b.add(words[1], ir.Constant(_I32, K[1])), 0, 0]
                    )
                # two rounds: the result is the new ABEF, and the old ABEF is the new CDGH
                abef, cdgh = b.call(self.rnds2, [cdgh, abef, wk_low]), abef
                if cdgh_only and g == 15:
                    current[i] = (None, abef)
                    continue
                wk_high = b.shuffle_vector(wk, wk, _mask(2, 3, 0, 0))
                abef, cdgh = b.call(self.rnds2, [cdgh, abef, wk_high]), abef
                current[i] = (abef, cdgh)
        return [(b.add(a, a0) if a is not None else None, b.add(c, c0)) for (a, c), (a0, c0) in zip(current, states)]

    def as_vec(self, group):
        return self.vec(group) if isinstance(group, tuple | list) else group

    def standard_words(self, abef, cdgh):
        """(ABEF, CDGH) -> the eight state words A..H."""
        b = self.b
        f, e, b_, a = (b.extract_element(abef, ir.Constant(_I32, i)) for i in range(4))
        h, g, d, c = (b.extract_element(cdgh, ir.Constant(_I32, i)) for i in range(4))
        return [a, b_, c, d, e, f, g, h]


@intrinsic
def _sha256d_lanes(typingctx, params_t, base_t, out_t):
    """For nonces base..base+LANES-1: out[lane] = top 32 bits of SHA256d(header with that nonce)."""
    sig = types.void(params_t, base_t, out_t)

    def codegen(context, builder, signature, args):
        params, base, out = args
        out_ptr = context.make_array(signature.args[2])(context, builder, out).data
        sha = _Sha(builder)
        words = [builder.extract_value(params, i) for i in range(11)]
        mid_abef, mid_cdgh = sha.state_vectors(words[:8])
        iv_abef, iv_cdgh = sha.state_vectors(list(IV))
        base32 = builder.trunc(base, _I32)
        first_messages = []
        for lane in range(LANES):
            nonce = builder.add(base32, ir.Constant(_I32, lane))
            # the header stores the nonce little-endian; SHA-256 reads big-endian words
            first_messages.append(
                [
                    [words[8], words[9], words[10], builder.bswap(nonce)],
                    (HEADER_PAD_WORD4, 0, 0, 0),
                    (0, 0, 0, 0),
                    (0, 0, 0, HEADER_LENGTH_BITS),
                ]
            )
        first = sha.compress([(mid_abef, mid_cdgh)] * LANES, first_messages, shared_first_pair=True)
        second_messages = []
        for abef, cdgh in first:
            digest = sha.standard_words(abef, cdgh)
            second_messages.append([digest[:4], digest[4:], (DIGEST_PAD_WORD8, 0, 0, 0), (0, 0, 0, DIGEST_LENGTH_BITS)])
        second = sha.compress([(iv_abef, iv_cdgh)] * LANES, second_messages, cdgh_only=True)
        for lane, (_, cdgh) in enumerate(second):
            h7 = builder.extract_element(cdgh, ir.Constant(_I32, 0))
            builder.store(builder.bswap(h7), builder.gep(out_ptr, [ir.Constant(_I64, lane)]))
        return context.get_dummy_value()

    return sig, codegen


@kernel_jit
def scan(params, nonce_start, nonce_end, target_top, lanes_out):
    """First nonce in [nonce_start, nonce_end) whose hash's top word is <= target_top, or -1."""
    words = (
        params[0],
        params[1],
        params[2],
        params[3],
        params[4],
        params[5],
        params[6],
        params[7],
        params[8],
        params[9],
        params[10],
    )
    for base in range(nonce_start, nonce_end, LANES):
        _sha256d_lanes(words, base, lanes_out)
        for lane in range(LANES):
            if lanes_out[lane] <= target_top and base + lane < nonce_end:
                return base + lane
    return -1
