"""The lesson's words (translated with tr()): each step's title, what to do, what to watch and
the question for the class, and the "what just happened" notes built from an event's numbers."""

from __future__ import annotations

from engine.lesson import tracker as t
from gui.formats import btc_value, usd
from gui.i18n import integer, locale, num, tr
from gui.qt import QT_TRANSLATE_NOOP

# key -> (title, what to do, what to watch, question for the class)
STEP_TEXTS = {
    "start": (
        QT_TRANSLATE_NOOP("", "A real Bitcoin chain on this computer"),
        QT_TRANSLATE_NOOP(
            "", "Let the miner run. Show the Chain tab: each point is a block whose hash fell below the target."
        ),
        QT_TRANSLATE_NOOP(
            "", "The block count and the time between blocks (the target is a few seconds here, 10 minutes on Bitcoin)."
        ),
        QT_TRANSLATE_NOOP("", "Why does nobody decide who finds the next block?"),
    ),
    "retarget": (
        QT_TRANSLATE_NOOP("", "The difficulty follows the hashrate"),
        QT_TRANSLATE_NOOP(
            "", "Wait for the first retarget. Point at the difficulty chart and the time between blocks."
        ),
        QT_TRANSLATE_NOOP(
            "", "If blocks came faster than the target, the difficulty rises by the same ratio (at most x4)."
        ),
        QT_TRANSLATE_NOOP(
            "", "What would happen to Bitcoin if the difficulty never changed while miners kept adding machines?"
        ),
    ),
    "move_to_ai": (
        QT_TRANSLATE_NOOP("", "Miners convert to AI"),
        QT_TRANSLATE_NOOP("", "Drag the capacity slider: move half of the cores from mining to AI jobs."),
        QT_TRANSLATE_NOOP("", "The hashrate falls at once, blocks come more slowly, the AI card starts billing."),
        QT_TRANSLATE_NOOP("", "Why would a mining company rent its power to an AI company instead?"),
    ),
    "exodus": (
        QT_TRANSLATE_NOOP("", "The network adapts to the exodus"),
        QT_TRANSLATE_NOOP("", "Keep the cores on AI and wait for the next retarget."),
        QT_TRANSLATE_NOOP(
            "", "Blocks were slower than the target, so the difficulty falls: the miners who stay earn more per hash."
        ),
        QT_TRANSLATE_NOOP("", "Who gains when big miners leave? What becomes cheaper for an attacker?"),
    ),
    "halving": (
        QT_TRANSLATE_NOOP("", "The halving"),
        QT_TRANSLATE_NOOP("", "Watch the block reward card and the reward chart until the next halving."),
        QT_TRANSLATE_NOOP(
            "", "The block subsidy is cut in half at a fixed height, whatever the miners do; the fees are not."
        ),
        QT_TRANSLATE_NOOP(
            "",
            "The halving cuts the new coins a miner earns in half overnight (the fees stay); what can a miner do about it?",
        ),
    ),
    "take_back": (
        QT_TRANSLATE_NOOP("", "Taking the AI cores back"),
        QT_TRANSLATE_NOOP("", "Move the slider back to mining while the AI tenant still has a lease."),
        QT_TRANSLATE_NOOP(
            "", "The AI jobs are cut short, the uptime falls under the promised SLA, and a penalty is charged."
        ),
        QT_TRANSLATE_NOOP("", "A miner can switch off at will; why can't an AI data centre?"),
    ),
    "crossover": (
        QT_TRANSLATE_NOOP("", "Keep mining or convert?"),
        QT_TRANSLATE_NOOP(
            "",
            "After each lab halving the site weighs keeping 1 MW mining against converting it to AI: the "
            "conversion's cost, the months without revenue, the uptime the tenant is promised.",
        ),
        QT_TRANSLATE_NOOP(
            "",
            "The verdict flips when converting is worth more over the lease than mining with its halved "
            "reward; the feed gives the block and both values.",
        ),
        QT_TRANSLATE_NOOP(
            "", "What would make the verdict flip back: a higher bitcoin price, cheaper power or a faster conversion?"
        ),
    ),
    "wrap_up": (
        QT_TRANSLATE_NOOP("", "What we saw"),
        QT_TRANSLATE_NOOP("", "Hand out the worksheet: its answer key holds this run's numbers."),
        QT_TRANSLATE_NOOP("", "The event feed: retargets, halvings, the exodus and the penalty, with their numbers."),
        QT_TRANSLATE_NOOP("", "Should a miner keep mining, convert to AI, or do both? What would you decide?"),
    ),
}


def step_texts(key: str) -> tuple[str, str, str, str]:
    return tuple(tr(s) for s in STEP_TEXTS[key])


def ratio(x: float) -> str:
    return "×" + locale().toString(float(x), "f", 2)


def event_note(e: t.LessonEvent) -> str:
    """One line for the feed, with this run's numbers."""
    d = e.data
    if e.kind == t.FIRST_BLOCK:
        return tr("first block at height {height}: the chain is alive").format(height=integer(d["height"]))
    if e.kind in (t.RETARGET, t.EXODUS_RETARGET):
        words = tr("rose") if d["factor"] >= 1 else tr("fell")
        note = tr(
            "retarget at {height}: the last blocks took {mean} s on average against {target} s (Core's "
            "timespan / interval: {core} s), so the difficulty {words} {ratio}"
        ).format(
            height=integer(d.get("height", e.height)),
            mean=num(d["mean_interval_s"], 1),
            target=num(d["target_s"], 0),
            core=num(d["core_interval_s"], 1),
            words=words,
            ratio=ratio(d["factor"]),
        )
        if e.kind == t.EXODUS_RETARGET:
            note = tr("after the exodus (cores moved to AI at {moved}): ").format(moved=integer(d["moved_at"])) + note
        return note
    if e.kind == t.HALVING:
        return tr(
            "halving at {height}: the lab's reward {before} -> {after} BTC; it stands for the real halving of "
            "{year}: {world_before} -> {world_after} BTC"
        ).format(
            height=integer(e.height),
            before=btc_value(d["before_btc"]),
            after=btc_value(d["after_btc"]),
            year=d["real_year"],
            world_before=btc_value(d["world_before_btc"]),
            world_after=btc_value(d["world_after_btc"]),
        )
    if e.kind == t.AI_MOVED:
        # %n: the French participle agrees with the cores moved ("1 cœur sur 2 passé")
        return tr("%n of {total} cores moved to AI at block {height}", "", d["ai_slots"]).format(
            total=d["total_cores"], height=integer(e.height or 0)
        )
    if e.kind == t.SLA_PENALTY:
        return tr("SLA penalty: {penalty} (uptime {uptime}% against {sla}% promised)").format(
            penalty=usd(d["penalty_usd"], 2),
            uptime=num(d["availability"] * 100, 3),
            sla=num(d["sla_availability"] * 100, 3),
        )
    if e.kind == t.CROSSOVER:
        return crossover_text(d)
    return e.kind


def crossover_text(d: dict) -> str:
    """The conversion decision's flip with its figures (the feed, the worksheet's key)."""
    return tr(
        "crossover at block {height} (lab halving {n}, the {year} world): converting 1 MW is now worth "
        "{convert} against {keep} for keeping it mining, over {months} months (conversion {capex} per MW, "
        "{lead} months before AI revenue, {sla}% uptime promised)"
    ).format(
        height=integer(d["height"]),
        n=d["lab_halvings"],
        year=d["world_year"],
        convert=usd(d["convert_npv_usd"], 0),
        keep=usd(d["keep_npv_usd"], 0),
        months=integer(d["horizon_months"]),
        capex=usd(d["conversion_capex_usd_per_mw"], 0),
        lead=num(d["lead_months"], 0),
        sla=num(d["sla_availability"] * 100, 3),
    )


def sla_explanation(d: dict) -> str:
    """The SLA penalty in three parts: what was promised, what was missed, what it cost."""
    return tr(
        "<b>The AI tenant was promised</b> {sla}% uptime. <b>It got</b> {uptime}%: {down} taken back for "
        "mining, of {contracted} contracted, and {cut}. "
        "<b>It cost</b> {penalty} in penalties, against {billed} billed."
    ).format(
        sla=num(d["sla_availability"] * 100, 3),
        uptime=num(d["availability"] * 100, 3),
        down=tr("%Ln core-second(s)", "", round(d["downtime_slot_s"])),
        contracted=tr("%Ln core-second(s)", "", round(d["contracted_slot_s"])),
        cut=tr("%Ln request(s) were cut short", "", d["jobs_interrupted"]),
        penalty=usd(d["penalty_usd"], 2),
        billed=usd(d["billed_usd"]),
    )
