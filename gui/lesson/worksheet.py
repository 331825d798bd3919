"""The worksheet: a printable PDF (Qt's QPdfWriter, no extra dependency) with the lesson's
questions, tasks a student fills with numbers read from the screen (a retarget's difficulty
against the block times, a halving's hashprice, the conversion decision's inputs) and an answer
key computed from this run (engine.lesson.answers), in the window's language. A heading never
sits alone at a page's foot (keep_headings_with_next)."""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.lesson import tracker as t
from engine.lesson.answers import answer_key
from gui.formats import btc_value, difficulty_value, usd
from gui.i18n import integer, locale, num, tr
from gui.lesson.text import ratio, step_texts
from gui.qt import (
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QRectF,
    QSizeF,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

DPI = 300


def _money(x: float | None) -> str:
    return usd(x, 2)  # "–" for a figure not known


def worksheet_html(
    tracker: t.LessonTracker,
    values: Mapping[str, float] | None,
    start_difficulty: float | None,
    sla: Mapping[str, Any] | None = None,
) -> str:
    """The worksheet as rich text: page 1 the questions with room to answer, then the key."""
    e = html.escape
    key = answer_key(tracker, values, start_difficulty, sla)  # sla: the whole run's (the lab state's)
    heading = tr("Mine-to-Compute Lab: worksheet")
    name, date = tr("Name:"), tr("Date:")
    intro = tr(
        "A real Bitcoin chain ran in class: a block every few seconds, a halving every few minutes. "
        "Answer from what you saw on the screen."
    )
    numbers = tr("Your numbers")
    numbers_question = tr(
        "At which heights did the difficulty change, and by how much? When did the reward halve, and to how much?"
    )
    line = "<br><br>" + "_" * 56 + "<br>"
    parts = [
        f"<h1>{e(heading)}</h1>",
        f"<p>{e(name)} ______________________ &nbsp; {e(date)} {time.strftime('%Y-%m-%d')}</p>",
        f"<p><i>{e(intro)}</i></p>",
        "<ol>",
    ]
    for step in t.STEPS:
        title, _do, _watch, question = step_texts(step.key)
        parts.append(f"<li><b>{e(title)}</b><br>{e(question)}{line}</li>")
    parts.append(f"<li><b>{e(numbers)}</b><br>{e(numbers_question)}{line}</li></ol>")
    blank = "________"
    tasks_heading = tr("Tasks: numbers from the screen")
    parts.append(f"<h2>{e(tasks_heading)}</h2><ol>")
    for task in (
        tr(
            "A retarget (Chain tab, difficulty chart and block times). At block {b}: the difficulty before {b}, "
            "after {b}; the last 24 blocks took {b} s on average against the {b} s target. Does after ÷ before "
            "equal target ÷ mean time ({b})? Why?"
        ).format(b=blank),
        tr(
            "A halving (block reward card, Economics tab). At block {b} the lab's reward went from {b} to {b} "
            "BTC; it stands for the real halving of {b}. Hashprice before {b} and after {b} $ per PH/s per day. "
            "Why is the new hashprice a little more than half the old one?"
        ).format(b=blank),
        tr(
            "The conversion decision (Lesson feed, Economics tab). Conversion cost per MW {b}; months before the "
            "first AI revenue {b}; uptime promised to the tenant {b} %; mining revenue per MW-year after the "
            "halving {b}; horizon {b} months. Value of converting {b}, of keeping mining {b}: the verdict flips "
            "at block {b}. What would make it flip back?"
        ).format(b=blank),
    ):
        parts.append(f"<li>{e(task)}{line}</li>")
    parts.append("</ol>")

    def head(level: int, text: str, style: str = "") -> str:
        return f"<h{level}{style}>{e(text)}</h{level}>"

    def table(headers: list[str], rows: str) -> str:
        cells = "".join(f"<th>{e(x)}</th>" for x in headers)
        return f"<table border='1' cellpadding='3' cellspacing='0'><tr>{cells}</tr>{rows}</table>"

    parts.append(head(2, tr("Answer key (this run)"), " style='page-break-before: always'"))
    parts.append("<p>" + e(tr("Blocks on the chain: {n}").format(n=integer(key["blocks"]))) + "</p>")
    parts.append(head(3, tr("Retargets")))
    if key["retargets"]:
        rows = "".join(
            f"<tr><td>{integer(r['height'])}</td><td>{num(r['mean_interval_s'], 1)} s</td>"
            f"<td>{num(r['core_interval_s'], 1)} s</td>"
            f"<td>{num(r['target_s'], 0)} s</td><td>{ratio(r['factor'])}</td></tr>"
            for r in key["retargets"]
        )
        parts.append(
            table(
                [
                    tr("height"),
                    tr("mean time between blocks"),
                    tr("Core's timespan / interval (what the retarget compares)"),
                    tr("target"),
                    tr("difficulty change"),
                ],
                rows,
            )
        )
    else:
        parts.append("<p>" + e(tr("No retarget yet.")) + "</p>")
    task = _task_retarget(key["retargets"])
    if task:
        parts.append(head(3, tr("Task 1: a retarget")) + "<p>" + e(task) + "</p>")
    parts.append(head(3, tr("Halvings")))
    if key["halvings"]:
        rows = "".join(
            f"<tr><td>{integer(h['height'])}</td><td>{locale().toString(h['before_btc'], 'g', 8)} → "
            f"{locale().toString(h['after_btc'], 'g', 8)} BTC</td><td>{h['real_year']}</td>"
            f"<td>{_money(h['hashprice_before'])} → {_money(h['hashprice_after'])}</td></tr>"
            for h in key["halvings"]
        )
        parts.append(
            table(
                [
                    tr("height"),
                    tr("block reward"),
                    tr("real-world year"),
                    tr("hashprice per PH/s per day, before → after"),
                ],
                rows,
            )
        )
    else:
        parts.append("<p>" + e(tr("No halving yet.")) + "</p>")
    if key["halvings"]:
        h = key["halvings"][0]
        text = tr(
            "Task 2: at block {height} the lab's reward went from {before} to {after} BTC, standing for the real "
            "halving of {year} ({world_before} -> {world_after} BTC); hashprice {hp_before} -> {hp_after} per PH/s "
            "per day: a little more than half, because the fees do not halve."
        ).format(
            height=integer(h["height"]),
            before=btc_value(h["before_btc"]),
            after=btc_value(h["after_btc"]),
            year=h["real_year"],
            world_before=btc_value(h["world_before_btc"]),
            world_after=btc_value(h["world_after_btc"]),
            hp_before=_money(h["hashprice_before"]),
            hp_after=_money(h["hashprice_after"]),
        )
        parts.append(head(3, tr("Task 2: a halving")) + "<p>" + e(text) + "</p>")
    parts.append(head(3, tr("Task 3: the conversion decision")) + "<p>" + e(_task_decision(key)) + "</p>")
    now = key["now"]
    if now is not None:
        price = now["crossover_btc_price_usd"]
        text = tr(
            "After {n} lab halvings the reward stands for {subsidy} BTC; hashprice {hashprice} per PH/s per "
            "day at {btc} per BTC. Per MW and per year, mining earns {mining} and AI {ai}. Mining would "
            "match AI at {price} per BTC (the break-even price)."
        ).format(
            n=now["halvings"],
            subsidy=btc_value(now["subsidy_btc"]),
            hashprice=_money(now["hashprice_usd_per_ph_day"]),
            btc=usd(now["btc_price_usd"], 0),
            mining=usd(now["mining_usd_per_mw_year"], 0),
            ai=usd(now["ai_usd_per_mw_year"], 0),
            price=usd(price, 0) if price else "–",
        )
        parts.append(head(3, tr("Mining or AI, at the end of the run")) + "<p>" + e(text) + "</p>")
    if key["sla"]:
        s = key["sla"]
        text = tr("Promised {sla}% uptime, delivered {uptime}%: a penalty of {penalty}.").format(
            sla=num(s["sla_availability"] * 100, 3),
            uptime=num(s["availability"] * 100, 3),
            penalty=usd(s["penalty_usd"], 2),
        )
        parts.append(head(3, tr("The SLA penalty")) + "<p>" + e(text) + "</p>")
    return "".join(parts)


def _task_retarget(retargets: list[dict]) -> str:
    if not retargets:
        return ""
    r = retargets[0]
    return tr(
        "Task 1: at block {height} the difficulty went from {before} to {after} (×{factor}); the last blocks took "
        "{mean} s on average against {target} s, and {target} ÷ {mean} = {ratio}: the difficulty moves by the ratio "
        "of the target to the time the blocks really took (at most ×4 either way)."
    ).format(
        height=integer(r["height"]),
        before=difficulty_value(r["difficulty_before"]),
        after=difficulty_value(r["difficulty_after"]),
        factor=num(r["factor"], 2),
        mean=num(r["mean_interval_s"], 2),
        target=num(r["target_s"], 0),
        ratio=num(r["target_s"] / r["mean_interval_s"], 2) if r["mean_interval_s"] else "–",
    )


def _task_decision(key: Mapping[str, Any]) -> str:
    decisions = key["decisions"]
    if not decisions:
        return tr("No decision yet: the scenario was not known during the run.")
    d = key["crossover"] or decisions[-1]
    inputs = tr(
        "Conversion {capex} per MW, {lead} months before the first AI revenue, {sla}% uptime promised; mining "
        "earns {mining} per MW-year in the {year} world; over {months} months converting is worth {convert} and "
        "keeping {keep}."
    ).format(
        capex=usd(d["conversion_capex_usd_per_mw"], 0),
        lead=num(d["lead_months"], 0),
        sla=num(d["sla_availability"] * 100, 3),
        mining=usd(d["mining_revenue_usd_per_mw_year"], 0),
        year=d["world_year"],
        months=integer(d["horizon_months"]),
        convert=usd(d["convert_npv_usd"], 0),
        keep=usd(d["keep_npv_usd"], 0),
    )
    if key["crossover"]:
        c = key["crossover"]
        return (
            inputs
            + " "
            + tr("The verdict flipped to converting at block {height}, the lab's halving {n} ({year}).").format(
                height=integer(c["height"]), n=c["lab_halvings"], year=c["world_year"]
            )
        )
    if decisions[0]["verdict"] == "convert":
        return inputs + " " + tr("Converting already won at the start: no flip to wait for.")
    return inputs + " " + tr("The verdict has not flipped yet: keeping still wins.")


def keep_blocks_whole(doc: QTextDocument) -> int:
    """Start on a new page every block (a question: its heading, its text, its answer lines) that
    would straddle a page foot, so no heading is left alone at the bottom of a page. Returns how
    many blocks were moved."""
    height = doc.pageSize().height()
    layout = doc.documentLayout()
    moved = 0
    block = doc.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        top, bottom = rect.top(), rect.bottom() - 1
        if rect.height() < height and int(top // height) != int(bottom // height):
            cursor = QTextCursor(block)
            fmt = block.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(fmt)
            moved += 1
        block = block.next()
    return moved


def keep_headings_with_next(doc: QTextDocument, page_height: float) -> int:
    """Give a heading that lands on a different page from the block after it a page break before
    it (QTextDocument has no keep-with-next); returns how many moved. The document must already
    have its page size."""
    moved = 0
    for _ in range(50):  # each move shifts what follows; settle
        layout = doc.documentLayout()
        layout.blockBoundingRect(doc.lastBlock())  # the layout is lazy: finish it before reading pages
        block, changed = doc.begin(), False
        while block.isValid():
            nxt = block.next()
            if block.blockFormat().headingLevel() > 0 and nxt.isValid():
                here = int(layout.blockBoundingRect(block).top() // page_height)
                there = int(layout.blockBoundingRect(nxt).top() // page_height)
                policy = block.blockFormat().pageBreakPolicy()
                if there > here and not policy & QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                    cursor = QTextCursor(block)
                    fmt = block.blockFormat()
                    fmt.setPageBreakPolicy(policy | QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                    cursor.setBlockFormat(fmt)
                    moved, changed = moved + 1, True
                    break
            block = nxt
        if not changed:
            return moved
    return moved


def write_worksheet(
    path: str | Path,
    tracker: t.LessonTracker,
    values: Mapping[str, Any] | None,
    start_difficulty: float | None,
    sla: Mapping[str, Any] | None = None,
) -> Path:
    """Write the PDF (A4); OSError when the file cannot be written."""
    path = Path(path)
    if path.parent and not path.parent.is_dir():
        raise OSError(f"no such folder: {path.parent}")
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setTitle(tr("Mine-to-Compute Lab: worksheet"))
    doc = QTextDocument()
    doc.setDefaultStyleSheet(
        "h1 { font-size: 20pt; } h2 { font-size: 16pt; } h3 { font-size: 13pt; } "
        "body, p, li, td, th { font-size: 11pt; }"
    )
    doc.setHtml(worksheet_html(tracker, values, start_difficulty, sla))
    # laid out on the writer's own page, so the pages we check are the pages printed
    doc.documentLayout().setPaintDevice(writer)
    width, height = float(writer.width()), float(writer.height())
    doc.setPageSize(QSizeF(width, height))
    keep_blocks_whole(doc)  # a question (heading, text, answer lines) never straddles a page foot
    keep_headings_with_next(doc, height)
    doc.documentLayout().blockBoundingRect(doc.lastBlock())  # laid out to the end (the layout is lazy)
    painter = QPainter(writer)
    for page in range(doc.pageCount()):
        if page:
            writer.newPage()
        painter.save()
        painter.translate(0, -page * height)
        doc.drawContents(painter, QRectF(0, page * height, width, height))
        painter.restore()
    painter.end()
    del writer  # the file is complete once the writer is gone
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    return path
