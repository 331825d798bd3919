"""The metric card (title, big value, caption, tooltip) the window and the Economics tab use, the
label that shrinks its font to fit, and the caption held to a number of lines.

A card tells assistive technology all it shows: its accessible name is "title: value. caption"
(the whole caption, even when the caption on screen is elided), kept up to date as the labels
change."""

from __future__ import annotations

import re
from collections.abc import Callable

from gui.qt import QFontMetrics, QFrame, QHBoxLayout, QLabel, QPainter, QPalette, QRect, QSizePolicy, Qt, QVBoxLayout


def _nothing() -> None:
    pass


# A space between a number and the word after it (a unit, "blocks", "%"): made non-breaking.
UNIT_SPACE = re.compile(r"(\d) ([^\W\d]+\b|%|\$)")


class FitLabel(QLabel):
    """A one-line label that shrinks its font to fit its width instead of clipping the text: a
    card's big number stays whole in a narrow card, and the card never widens to hold it."""

    MIN_SCALE = 0.55
    changed: Callable[[], None] = staticmethod(_nothing)  # the card renames itself

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.changed()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        room = self.contentsRect().width()
        # a few pixels to spare: a bold glyph can reach past its advance
        needed = self.fontMetrics().horizontalAdvance(self.text()) + 4
        if needed <= room or not self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        font = self.font()
        full = font.pointSizeF()
        scale = max(self.MIN_SCALE, room / needed)
        font.setPointSizeF(full * scale)
        # Fonts snap to whole pixels: step down until the text really fits.
        while scale > self.MIN_SCALE and QFontMetrics(font).horizontalAdvance(self.text()) + 2 > room:
            scale = max(self.MIN_SCALE, scale - 0.02)
            font.setPointSizeF(full * scale)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        text = self.text()
        if QFontMetrics(font).horizontalAdvance(text) + 2 > room:  # too long even at the smallest size: cut
            text = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(0)
        return hint


class WrapLabel(QLabel):
    """A word-wrapped label that asks for the height its text needs at its width: where a layout
    does not pass heights for widths down (a splitter, a scroll area), a plain wrapped label is
    squeezed and its lines drawn over its neighbours."""

    def __init__(self, text: str = "", objectName: str = ""):  # noqa: N803 - Qt's keyword
        super().__init__(text, objectName=objectName)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._ask()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._ask()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._ask()

    def _ask(self) -> None:
        if self.isVisible() and self.width() > 0:
            needed = self.heightForWidth(self.width()) if self.text() else 0
            if needed != self.minimumHeight():
                self.setMinimumHeight(max(needed, 0))


class CardCaption(QLabel):
    """A word-wrapped caption that, once `set_lines(n)` is called, keeps exactly n lines: longer
    text is cut with "…" and the whole of it is in the tooltip (and in `text()`), so a card row
    never grows or shrinks as its captions change."""

    changed: Callable[[], None] = staticmethod(_nothing)

    def __init__(self, text: str = "", objectName: str = "cardCaption"):  # noqa: N803 - Qt's keyword
        super().__init__("", objectName=objectName)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._full = ""
        self.lines: int | None = None
        self.setText(text)

    def text(self) -> str:
        """The whole caption, not the part shown."""
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self._fit()
        self.changed()

    def set_lines(self, lines: int) -> None:
        self.lines = lines
        self.ensurePolished()
        # a fifth of a line more: a glyph from a fallback font ("–") can be taller than the font's own
        self.setFixedHeight(round((lines + 0.2) * self.fontMetrics().lineSpacing()))
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fits(self, text: str, width: int) -> bool:
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = self.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), flags, text).height()
        return needed < (self.lines + 0.5) * self.fontMetrics().lineSpacing()

    def _fit(self) -> None:
        # a number keeps its unit on its line ("5 s", "9 blocks", "95,000 %"): no lone "s"
        full, width = UNIT_SPACE.sub("\\1\u00a0\\2", self._full), self.contentsRect().width()
        shown = full
        if self.lines and width > 0 and full and not self._fits(full, width):
            low, high = 0, len(full)  # the longest beginning that fits with "…"
            while low < high:
                mid = (low + high + 1) // 2
                if self._fits(full[:mid].rstrip() + "…", width):
                    low = mid
                else:
                    high = mid - 1
            shown = full[:low].rstrip() + "…"
        self.setToolTip(self._full if shown != full else "")
        super().setText(shown)


class Card(QFrame):
    """A metric card: `title_label`, `value` (a FitLabel) and `caption` (a CardCaption)."""

    def __init__(self, title: str, tooltip: str):
        super().__init__(objectName="card")
        self.setToolTip(tooltip)
        self.setAccessibleDescription(tooltip)
        # One line that shrinks to fit: a long title ("RÉCOMPENSE DE BLOC" in presenter mode) must
        # not wrap and push its card's value below its neighbours'.
        self.title_label = FitLabel(title, objectName="cardTitle")
        self.value = FitLabel("–", objectName="cardValue")
        self.caption = CardCaption()
        self.value.changed = self.caption.changed = self.rename
        self.rename()

    def rename(self) -> None:
        """The accessible name says the whole card: "Blocks: 95. last block 3 s ago · target every 5 s"."""
        name = f"{self.title_label.text()}: {self.value.text()}"
        caption = " ".join(self.caption.text().split())
        self.setAccessibleName(f"{name}. {caption}" if caption else name)


def card(title: str, tooltip: str) -> tuple[QFrame, QLabel, QLabel]:
    """A card showing one metric; returns (frame, value label, caption label)."""
    frame = Card(title, tooltip)
    # Cards in a row share its width by stretch alone: a longer value or caption must not widen
    # one card and move its neighbours under the user's mouse.
    frame.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(2)
    title_label, value, caption = frame.title_label, frame.value, frame.caption
    for widget in (title_label, value, caption):
        layout.addWidget(widget)
    layout.addStretch(1)
    return frame, value, caption


def card_row(specs: list[tuple[str, str]], spacing: int = 10) -> tuple[QHBoxLayout, list[tuple[QLabel, QLabel]]]:
    """Equal-width cards side by side, from (title, tooltip) pairs; returns the row and each
    card's (value, caption) labels."""
    row = QHBoxLayout()
    row.setSpacing(spacing)
    labels = []
    for title, tooltip in specs:
        frame, value, caption = card(title, tooltip)
        row.addWidget(frame, 1)
        labels.append((value, caption))
    return row, labels


def reserve_lines(label: QLabel, lines: int) -> None:
    """Keep room for `lines` lines of the label's current font, so wrapping text of changing length
    does not make its row taller and shorter (call again after a font change). A card's caption
    keeps exactly that many lines (longer text elided, whole in the tooltip)."""
    if isinstance(label, CardCaption):
        label.set_lines(lines)
        return
    label.ensurePolished()
    # a fifth of a line more: a glyph from a fallback font ("–") can be taller than the font's own
    label.setMinimumHeight(round((lines + 0.2) * label.fontMetrics().lineSpacing()))
