"""The window's banner: one line of progress (the first compile) or an error with a Restart node
button, floating over the top of the tab pages instead of taking a place in the layout, so nothing
under the user's mouse moves when it comes and goes."""

from __future__ import annotations

from gui.i18n import tr
from gui.qt import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTimer, QWidget

NOTICE_MS = 6000  # a finished progress line stays this long


class Banner(QFrame):
    """`show_message` shows it and `place` keeps it under the tab names of `tabs`."""

    def __init__(self, root: QWidget, tabs: QWidget):
        super().__init__(root, objectName="banner")
        self.tabs = tabs
        b = QHBoxLayout(self)
        b.setContentsMargins(16, 8, 16, 8)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.progress = QProgressBar(maximumWidth=220)
        self.button = QPushButton(tr("Restart node"), objectName="primary")
        self.button.hide()
        b.addWidget(self.label, 1)
        b.addWidget(self.progress)
        b.addWidget(self.button)
        self.hide()
        self.timer = QTimer(self, singleShot=True, interval=NOTICE_MS, timeout=self.hide)

    @property
    def is_error(self) -> bool:
        return bool(self.property("error"))

    def show_message(self, message: str, error: bool, percent: int = 100, can_restart: bool = False) -> None:
        self.setProperty("error", error)
        self.label.setText(message)
        self.progress.setVisible(not error and percent < 100)
        self.progress.setRange(0, 0 if percent < 0 else 100)
        self.progress.setValue(max(percent, 0))
        self.button.setVisible(error and can_restart)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        self.place()

    def place(self) -> None:
        """Over the top of the tab pages, centred, as wide as fits; it never moves other widgets."""
        if not self.isVisible():
            return
        root = self.parentWidget()
        width = min(root.width() - 28, 1100)
        layout = self.layout()
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
        top = self.tabs.geometry().top() + self.tabs.tabBar().height() + 6  # under the tab names
        self.setGeometry((root.width() - width) // 2, top, width, max(height, self.sizeHint().height()))
        self.raise_()
