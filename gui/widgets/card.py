"""The metric card (title, big value, caption, tooltip) the window and the Economics tab use, and
the label that shrinks its font to fit."""

from __future__ import annotations

from gui.qt import QFrame, QHBoxLayout, QLabel, QPainter, QPalette, QSizePolicy, Qt, QVBoxLayout


class FitLabel(QLabel):
    """A one-line label that shrinks its font to fit its width instead of clipping the text: a
    card's big number stays whole in a narrow card, and the card never widens to hold it."""

    MIN_SCALE = 0.55

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        room = self.contentsRect().width()
        needed = self.fontMetrics().horizontalAdvance(self.text())
        if needed <= room or not self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * max(self.MIN_SCALE, room / needed))
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.text()
        )
        painter.end()

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(0)
        return hint


def card(title: str, tooltip: str) -> tuple[QFrame, QLabel, QLabel]:
    """A card showing one metric; returns (frame, value label, caption label)."""
    frame = QFrame(objectName="card")
    frame.setToolTip(tooltip)
    # Cards in a row share its width by stretch alone: a longer value or caption must not widen
    # one card and move its neighbours under the user's mouse.
    frame.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(2)
    title_label = QLabel(title, objectName="cardTitle")
    title_label.setWordWrap(True)
    value = FitLabel("–", objectName="cardValue")
    caption = QLabel("", objectName="cardCaption")
    caption.setWordWrap(True)
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
    does not make its row taller and shorter (call again after a font change)."""
    label.ensurePolished()
    # a fifth of a line more: a glyph from a fallback font ("–") can be taller than the font's own
    label.setMinimumHeight(round((lines + 0.2) * label.fontMetrics().lineSpacing()))
