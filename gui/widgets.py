"""Small widgets both tabs use: the metric card (title, big value, caption, tooltip)."""
from __future__ import annotations

from gui.qt import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout


def card(title: str, tooltip: str) -> tuple[QFrame, QLabel, QLabel]:
    """A card showing one metric; returns (frame, value label, caption label)."""
    frame = QFrame(objectName="card")
    frame.setToolTip(tooltip)
    frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(2)
    title_label = QLabel(title, objectName="cardTitle")
    title_label.setWordWrap(True)
    value = QLabel("–", objectName="cardValue")
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
