"""How the window writes its quantities: hashrates, BTC, money, cores, blocks, times and durations,
in the language shown (gui/i18n's QLocale helpers). Every tab formats through here, so one
quantity reads the same on every tab."""

from __future__ import annotations

import math
import time

from gui.i18n import locale, num, tr
from gui.qt import QLocale

MINUS = "\u2212"  # a real minus sign reads better than a hyphen on a projector
SATS_PER_BTC = 100_000_000


# --- hashrate ---------------------------------------------------------------------------------------
def hashrate_text(hs: float, decimals: int = 1) -> str:
    """Hashes per second with an SI prefix: 12.3 MH/s (12,3 MH/s in French)."""
    for factor, unit in ((1e18, "EH/s"), (1e15, "PH/s"), (1e12, "TH/s"), (1e9, "GH/s"), (1e6, "MH/s"), (1e3, "kH/s")):
        if hs >= factor:
            return f"{num(hs / factor, decimals)} {unit}"
    return f"{num(hs, 0)} H/s"


def mhs_text(hs: float, decimals: int = 1) -> str:
    """Always in MH/s, the unit the lab's cards and charts use: 3.4 MH/s."""
    return f"{num(hs / 1e6, decimals)} MH/s"


# --- counts -----------------------------------------------------------------------------------------
def cores_text(n: int) -> str:
    """'1 core', '4 cores' (French: '1 cœur', '4 cœurs')."""
    return tr("%Ln core(s)", "", n)


def blocks_text(n: int) -> str:
    """'1 block', '2 blocks', '1,024 blocks' (French: '1 bloc', '1 024 blocs')."""
    return tr("%Ln block(s)", "", n)


def percent_sign() -> str:
    """ " %" as the language writes it after a number: French puts a narrow no-break space (U+202F)."""
    return "\u202f%" if locale().language() == QLocale.Language.French else " %"


def percent(p: float) -> str:
    """A probability or share: 0.5 -> '50.0 %', 0.03 -> '3.00 %' (French: '50,0\u202f%')."""
    return f"{num(100 * p, 2 if p < 0.1 else 1)}{percent_sign()}"


# --- bitcoin ------------------------------------------------------------------------------------------
def btc_amount(sat: int) -> str:
    """An amount of satoshis in BTC, to the satoshi, as the language writes it: 2,350.00000000
    (French: 2 350,00000000)."""
    return locale().toString(sat / SATS_PER_BTC, "f", 8)


def btc_short(sat: int) -> str:
    """An amount of satoshis in BTC, rounded for a table: 0.3125 (French 0,3125)."""
    return locale().toString(sat / SATS_PER_BTC, "f", 4)


def grouped(text: str, size: int = 4) -> str:
    """An address or a txid in groups of `size` characters, as wallets show them, so it can wrap
    (bcrt 1qw5 08d6 …); the text itself (copied, pasted) stays whole."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def short_id(text: str, head: int = 16, tail: int = 8) -> str:
    """A long id (a txid) shortened in the middle for a sentence: 3f2a9c01d4e5b6a7…19c0b81e."""
    return text if len(text) <= head + tail + 1 else f"{text[:head]}…{text[-tail:]}"


def btc_value(btc: float) -> str:
    """A BTC value as the node reports it (the subsidy), shortest form: 3.125, 0.78125."""
    return locale().toString(float(btc), "g", 8)


def difficulty_value(difficulty: float) -> str:
    """A chain's difficulty, 4 significant digits."""
    return locale().toString(float(difficulty), "g", 4)


# --- money --------------------------------------------------------------------------------------------
# Every amount of money the window shows is written here: the cards, the charts' texts, the lesson
# feed, the worksheet (and so `snapshot --facts`, which reads the widgets) agree to the character.
def usd(value: float | None, decimals: int = 0) -> str:
    """An amount in US dollars to `decimals` places as the language writes it: $1,234.5 (French
    1 234,5 $). A negative amount has a true minus sign in front, −$960,101 (French −960 101 $),
    never QLocale's accounting brackets "($960,101)", which a class reads as a positive figure."""
    if value is None or not math.isfinite(value):
        return "–"
    text = locale().toCurrencyString(abs(float(value)), "$", decimals)
    # no "−$0.00": an amount that rounds to nothing has no sign
    return MINUS + text if value < 0 and round(abs(value), decimals) > 0 else text


def money(value: float | None, cents: bool = False) -> str:
    """An amount in short form for a card or a sentence: $1.35M, $160k, $35.10 (cents=True), $4,200;
    French 1,35 M$, 160 k$, 35,10 $; negative with a true minus sign (−$1.35M), as `usd`."""
    if value is None or not math.isfinite(value):
        return "–"
    v = abs(value)
    for size, suffix, decimals in (
        (1e12, tr("T", "money: trillion"), 2),
        (1e9, tr("B", "money: billion"), 2),
        (1e6, tr("M", "money: million"), 2),
        (1e4, tr("k", "money: thousand"), 0),
    ):
        if v >= size * 0.9995:
            step = 1e3 if size == 1e4 else size  # $12k, $160k: thousands from ten thousand up
            amount = num(v / step, decimals)
            # "$1.35M" in English, "1,35 M$" in French: the locale puts the symbol where its readers expect it
            text = f"{amount}\u00a0{suffix}$" if symbol_after() else f"${amount}{suffix}"
            return (MINUS if value < 0 else "") + text
    return usd(value, 2 if cents or v < 100 else 0)


def symbol_after() -> bool:
    """Whether the locale writes the currency after the amount (French: 1 234 $)."""
    return locale().toCurrencyString(1.0, "$").endswith("$")


def signed_money(value: float) -> str:
    """`money` with its sign always shown: +$1.35M, −$160k (a change, a profit or a loss)."""
    return ("+" if value >= 0 else "") + money(value)


# --- times ----------------------------------------------------------------------------------------------
def fmt_duration(seconds: float) -> str:
    """A duration rounded as a clock on the wall reads it: 42 s, 12 min, 2 h 05 min."""
    seconds = int(max(seconds, 0))
    if seconds < 90:
        return tr("{n} s").format(n=seconds)
    if seconds < 5400:
        return tr("{n} min").format(n=round(seconds / 60))
    return tr("{h} h {m:02d} min").format(h=seconds // 3600, m=seconds % 3600 // 60)


def minutes_text(seconds: float) -> str:
    """A duration in minutes to a tenth: 2.5 min."""
    return tr("{n} min").format(n=num(seconds / 60, 1))


def fmt_block_time(unix_s: int, now_s: float | None = None) -> str:
    """A block's time: the clock time for today's blocks, with the date for older ones (the
    regtest genesis is from 2011)."""
    local = time.localtime(unix_s)
    today = time.localtime(time.time() if now_s is None else now_s)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M:%S", local)
    return time.strftime("%Y-%m-%d %H:%M", local)  # ISO dates read the same in every language
