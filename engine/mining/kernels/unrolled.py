"""Source generator for the fast kernels: fully unrolled SHA-256d in lockstep lanes.

The generated `scan` hashes LANES nonces per step in a `for lane in range(LANES)` loop whose
body is straight-line code (no branches, no arrays but the output), so LLVM's loop vectorizer
turns each lane into a vector element: 8 lanes fill AVX2 registers, 16 lanes AVX-512 ones.
Like C miners it
- folds every constant word (padding, lengths, zeros) into the rounds at generation time,
- hoists everything that does not depend on the nonce (rounds 0-2 of the header's second block,
  schedule words 16-17) out of the nonce loop,
- stops the second hash after round 60: the top 32 bits of the hash are H7 = IV7 + e60, so the
  early-exit test needs neither the last three rounds nor the other seven words.
Every 32-bit sum is truncated with np.uint32 (Numba widens uint32 arithmetic to 64 bits) and
rotates are shift-or pairs, which LLVM turns into vector rotates (vprord on AVX-512).

The source is written once into the cache folder (Numba's cache needs a real file) under a
name that hashes its content, so a changed generator never loads stale machine code.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from engine.mining.kernels.common import (
    DIGEST_LENGTH_BITS,
    DIGEST_PAD_WORD8,
    HEADER_LENGTH_BITS,
    HEADER_PAD_WORD4,
    IV,
    MASK32,
    K,
)
from engine.mining.kernels.jit import cache_dir

GENERATOR_VERSION = 1


@dataclass(frozen=True)
class _Const:
    value: int


@dataclass(frozen=True)
class _Var:
    name: str
    per_nonce: bool  # depends on the nonce, so it lives inside the lane loop


def _rotr_const(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & MASK32


class _Emitter:
    """Emits SSA assignments, folding constants and sorting them into hoisted / per-nonce code."""

    def __init__(self) -> None:
        self.hoisted: list[str] = []
        self.per_nonce: list[str] = []
        self._count = 0

    def lit(self, value) -> str:
        if isinstance(value, _Const):
            return f"_U32({value.value:#010x})"
        return value.name

    def emit(self, expr: str, per_nonce: bool, prefix: str = "v") -> _Var:
        name = f"{prefix}{self._count}"
        self._count += 1
        (self.per_nonce if per_nonce else self.hoisted).append(f"{name} = _U32({expr})")
        return _Var(name, per_nonce)

    @staticmethod
    def _depends(*values) -> bool:
        return any(isinstance(v, _Var) and v.per_nonce for v in values)

    # Each helper returns a _Const or an expression string over truncated variables.
    def rot_xor(self, x, r1: int, r2: int, r3: int | None = None, shift: int | None = None):
        if isinstance(x, _Const):
            v = _rotr_const(x.value, r1) ^ _rotr_const(x.value, r2)
            if r3 is not None:
                v ^= _rotr_const(x.value, r3)
            else:
                assert shift is not None  # sigma0/sigma1: two rotations and a shift
                v ^= x.value >> shift
            return _Const(v)
        n = x.name
        parts = [f"((({n}) >> {r}) | (({n}) << {32 - r}))" for r in (r1, r2) + ((r3,) if r3 is not None else ())]
        if shift is not None:
            parts.append(f"({n} >> {shift})")
        return "(" + " ^ ".join(parts) + ")"

    def add(self, terms, per_nonce: bool, prefix: str = "v"):
        """Sum of terms (constants, variables, expression strings) mod 2**32."""
        const = 0
        parts = []
        for t in terms:
            if isinstance(t, _Const):
                const = (const + t.value) & MASK32
            elif isinstance(t, _Var):
                parts.append(t.name)
            else:
                parts.append(t)
        if not parts:
            return _Const(const)
        if const:
            parts.append(f"_U32({const:#010x})")
        if len(parts) == 1 and prefix == "v" and parts[0].isidentifier():
            return _Var(parts[0], per_nonce)
        return self.emit(" + ".join(parts), per_nonce, prefix)


def _ch(em: _Emitter, e, f, g):
    if all(isinstance(v, _Const) for v in (e, f, g)):
        return _Const((e.value & f.value) ^ (~e.value & g.value & MASK32))
    return f"({em.lit(g)} ^ ({em.lit(e)} & ({em.lit(f)} ^ {em.lit(g)})))"


def _maj(em: _Emitter, a, b, c):
    if all(isinstance(v, _Const) for v in (a, b, c)):
        return _Const((a.value & b.value) ^ (a.value & c.value) ^ (b.value & c.value))
    return f"(({em.lit(a)} & {em.lit(b)}) | ({em.lit(c)} & ({em.lit(a)} | {em.lit(b)})))"


def _sha256_rounds(em: _Emitter, state, w, last_round: int, tag: str):
    """Rounds 0..last_round over schedule `w` (extended lazily); returns the a and e sequences."""
    a_seq = [state[3], state[2], state[1], state[0]]  # a[-3], a[-2], a[-1], a[0-1]
    e_seq = [state[7], state[6], state[5], state[4]]
    for r in range(last_round + 1):
        if r >= 16 and len(w) <= r:
            s0 = em.rot_xor(w[r - 15], 7, 18, shift=3)
            s1 = em.rot_xor(w[r - 2], 17, 19, shift=10)
            w.append(
                em.add([s1, w[r - 7], s0, w[r - 16]], em._depends(w[r - 2], w[r - 7], w[r - 15], w[r - 16]), f"w{tag}_")
            )
        a, b, c, d = a_seq[-1], a_seq[-2], a_seq[-3], a_seq[-4]
        e, f, g, h = e_seq[-1], e_seq[-2], e_seq[-3], e_seq[-4]
        dep = em._depends(a, b, c, d, e, f, g, h, w[r])
        big_s1 = em.rot_xor(e, 6, 11, 25)
        t1 = em.add([h, big_s1, _ch(em, e, f, g), _Const(K[r]), w[r]], dep, f"t{tag}_")
        e_seq.append(em.add([d, t1], dep, f"e{tag}_"))
        big_s0 = em.rot_xor(a, 2, 13, 22)
        a_seq.append(em.add([t1, big_s0, _maj(em, a, b, c)], dep, f"a{tag}_"))
    return a_seq[4:], e_seq[4:]


def generate_source(lanes: int) -> str:
    """Python source of a module defining `scan` for `lanes` lockstep nonces."""
    em = _Emitter()
    mid = [_Var(f"m{i}", False) for i in range(8)]
    nonce_word = _Var("w3", True)
    w1 = (
        [_Var("h16", False), _Var("h17", False), _Var("h18", False), nonce_word, _Const(HEADER_PAD_WORD4)]
        + [_Const(0)] * 10
        + [_Const(HEADER_LENGTH_BITS)]
    )
    a1, e1 = _sha256_rounds(em, mid, w1, 63, "x")
    final1 = [a1[63], a1[62], a1[61], a1[60], e1[63], e1[62], e1[61], e1[60]]
    digest1 = [em.add([mid[i], final1[i]], True, "d") for i in range(8)]
    w2 = digest1 + [_Const(DIGEST_PAD_WORD8)] + [_Const(0)] * 6 + [_Const(DIGEST_LENGTH_BITS)]
    # Only e60 is needed: after round 63, h = e60, and H7 = IV7 + h.
    a2, e2 = _sha256_rounds(em, [_Const(v) for v in IV], w2, 60, "y")
    h7 = em.add([e2[60], _Const(IV[7])], True, "h7_")

    lines = [
        f'"""Generated by engine/mining/kernels/unrolled.py (version {GENERATOR_VERSION}, {lanes} lanes). Do not edit."""',
        "import numpy as np",
        "from engine.mining.kernels.jit import kernel_jit",
        "",
        "_U32 = np.uint32",
        f"LANES = {lanes}",
        "",
        "",
        "@kernel_jit",
        "def scan(params, nonce_start, nonce_end, target_top, lanes_out):",
    ]
    body = [f"m{i} = params[{i}]" for i in range(8)]
    body += ["h16 = params[8]", "h17 = params[9]", "h18 = params[10]"]
    body += em.hoisted
    body.append(f"for base in range(nonce_start, nonce_end, {lanes}):")
    inner = [
        f"for lane in range({lanes}):",
        "    n = _U32(base + lane)",
        # the header stores the nonce little-endian; SHA-256 reads words big-endian
        "    w3 = _U32(((n & _U32(0xFF)) << 24) | ((n & _U32(0xFF00)) << 8) | ((n >> 8) & _U32(0xFF00)) | (n >> 24))",
    ]
    inner += ["    " + s for s in em.per_nonce]
    inner.append(
        f"    lanes_out[lane] = _U32((({h7.name} & _U32(0xFF)) << 24) | (({h7.name} & _U32(0xFF00)) << 8)"
        f" | (({h7.name} >> 8) & _U32(0xFF00)) | ({h7.name} >> 24))"
    )
    inner += [
        f"for lane in range({lanes}):",
        "    if lanes_out[lane] <= target_top and base + lane < nonce_end:",
        "        return base + lane",
    ]
    body += ["    " + s for s in inner]
    body.append("return -1")
    lines += ["    " + s for s in body]
    return "\n".join(lines) + "\n"


def source_path(lanes: int) -> Path:
    source = generate_source(lanes)
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    path = cache_dir() / f"sha256d_lanes{lanes}_{digest}.py"
    if not path.exists() or path.read_text() != source:
        # Write atomically so concurrent first runs never import a half-written file; never
        # rewrite an identical file (Numba's cache is keyed on the source file's timestamp).
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(source)
        os.replace(tmp, path)
    return path


def load_module(lanes: int) -> ModuleType:
    """Import the generated module for `lanes` (writing its source first if needed)."""
    path = source_path(lanes)
    name = f"_mine2compute_generated.{path.stem}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None  # a .py path always has a source loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module
