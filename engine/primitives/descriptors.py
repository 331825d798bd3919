"""The output descriptor checksum of BIP380 (Core script/descriptor.cpp DescriptorChecksum)."""

from __future__ import annotations

_INPUT_CHARSET = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "
_CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0xF5DEE51989, 0xA9FDCA3312, 0x1BAB10E32D, 0x3706B1677A, 0x644D626FFD)


def is_descriptor_char(ch: str) -> bool:
    """Whether BIP380 lets a descriptor use `ch`."""
    return _INPUT_CHARSET.find(ch) >= 0


def descriptor_checksum(desc: str) -> str:
    """BIP380 checksum of a descriptor (8 characters)."""
    symbols, groups = [], []
    for ch in desc:
        pos = _INPUT_CHARSET.find(ch)
        if pos < 0:
            raise ValueError(f"invalid character {ch!r} in descriptor")
        symbols.append(pos & 31)
        groups.append(pos >> 5)
        if len(groups) == 3:
            symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
            groups = []
    if len(groups) == 1:
        symbols.append(groups[0])
    elif len(groups) == 2:
        symbols.append(groups[0] * 3 + groups[1])
    chk = 1
    for value in symbols + [0] * 8:
        top = chk >> 35
        chk = ((chk & 0x7FFFFFFFF) << 5) ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    chk ^= 1
    return "".join(_CHECKSUM_CHARSET[(chk >> (5 * (7 - i))) & 31] for i in range(8))
