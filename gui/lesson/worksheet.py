"""The worksheet: a printable PDF (Qt's QPdfWriter, no extra dependency) with the lesson's
questions and an answer key computed from this run (engine.lesson.answers), in the window's
language. `render_first_page` makes a PNG of page 1 for the README."""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.lesson import tracker as t
from engine.lesson.answers import answer_key
from gui.formats import btc_value, usd
from gui.i18n import integer, locale, num, tr
from gui.lesson.text import ratio, step_texts
from gui.qt import (
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QSizeF,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

DPI = 300


def _money(x: float | None) -> str:
    return usd(x, 2) if x is not None else "–"


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

    def head(level: int, text: str, style: str = "") -> str:
        return f"<h{level}{style}>{e(text)}</h{level}>"

    def table(headers: list[str], rows: str) -> str:
        cells = "".join(f"<th>{e(x)}</th>" for x in headers)
        return f"<table border='1' cellpadding='3' cellspacing='0'><tr>{cells}</tr>{rows}</table>"

    parts.append(head(2, tr("Answer key (this run)"), " style='page-break-before: always'"))
    parts.append("<p>" + e(tr("Blocks mined: {n}").format(n=integer(key["blocks"]))) + "</p>")
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
    now = key["now"]
    if now is not None:
        price = now["crossover_btc_price_usd"]
        text = tr(
            "After {n} lab halvings the reward stands for {subsidy} BTC; hashprice {hashprice} per PH/s per "
            "day at {btc} per BTC. Per MW and per year, mining earns {mining} and AI {ai}. Mining would "
            "match AI at {price} per BTC (the crossover)."
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
    paint = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(paint.width(), paint.height()))
    keep_blocks_whole(doc)
    doc.print_(writer)
    del writer  # the file is complete once the writer is gone
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
    return path
