"""Light and dark themes, and presenter mode (large fonts, high contrast) for projectors.

Every theme draws keyboard focus as a 2 px ring in its `focus` colour (at least 3:1 against the
window and the panels: WCAG 2.2's focus appearance and non-text contrast), in a hue no other state
uses (hover is the accent), and a disabled control in `disabled` text on the window's colour
behind a dashed border, so it never looks like one that can be pressed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str
    text: str
    muted: str
    border: str
    accent: str
    chart_bg: str
    focus: str  # the keyboard focus ring
    disabled: str  # a disabled control's text and border


DARK = Theme(
    "dark",
    window="#0F1419",
    panel="#1A2129",
    text="#E6EDF3",
    muted="#8B98A5",
    border="#2D3742",
    accent="#F7931A",
    chart_bg="#141A21",
    focus="#4CC9F0",
    disabled="#56616C",
)
LIGHT = Theme(
    "light",
    window="#F5F7FA",
    panel="#FFFFFF",
    text="#1B2430",
    muted="#5B6B7B",
    border="#D5DCE3",
    accent="#D9730D",
    chart_bg="#FFFFFF",
    focus="#1D4ED8",
    disabled="#A3ADB8",
)
# Presenter: pure black and white with the brightest accents, read from the back of a room.
PRESENTER_DARK = Theme(
    "presenter",
    window="#000000",
    panel="#0B0B0B",
    text="#FFFFFF",
    muted="#D0D0D0",
    border="#5A5A5A",
    accent="#FFA51F",
    chart_bg="#000000",
    focus="#5CD6FF",
    disabled="#6E6E6E",
)

THEMES = {"dark": DARK, "light": LIGHT}


def font_pt(presenter: bool) -> int:
    return 14 if presenter else 10


def stylesheet(t: Theme, presenter: bool) -> str:
    base = font_pt(presenter)
    big = base * 2 + 4 if not presenter else base * 2 - 2
    return f"""
    QWidget {{ background: {t.window}; color: {t.text}; font-size: {base}pt; }}
    QFrame#card, QFrame#header, QFrame#capacity, QFrame#banner {{
        background: {t.panel}; border: 1px solid {t.border}; border-radius: 10px; }}
    QFrame#banner {{ border-color: {t.accent}; }}
    QFrame#banner[error="true"] {{ border: 2px solid #EF476F; }}
    QLabel {{ background: transparent; }}
    QLabel#title {{ font-size: {base + 8}pt; font-weight: 700; }}
    QLabel#subtitle, QLabel#muted, QLabel#cardCaption {{ color: {t.muted}; }}
    QLabel#cardValue {{ font-size: {big}pt; font-weight: 700; }}
    QLabel#cardTitle {{ color: {t.muted}; font-weight: 600; text-transform: uppercase; }}
    QLabel#chip {{ background: {t.window}; border: 1px solid {t.border}; border-radius: 12px;
                   padding: 4px 10px; }}
    QPushButton, QToolButton {{ background: {t.panel}; border: 1px solid {t.border};
        border-radius: 8px; padding: 6px 14px; }}
    QPushButton:hover, QToolButton:hover {{ border-color: {t.accent}; }}
    QPushButton:checked, QToolButton:checked {{ background: {t.accent}; color: #000000; }}
    QPushButton#primary {{ background: {t.accent}; color: #000000; font-weight: 700; }}
    QTabWidget::pane {{ border: 1px solid {t.border}; border-radius: 8px; top: -1px; }}
    QTabBar::tab {{ background: {t.panel}; border: 1px solid {t.border}; padding: 8px 18px;
        border-top-left-radius: 8px; border-top-right-radius: 8px; margin-right: 2px; }}
    QTabBar::tab:selected {{ border-bottom: 3px solid {t.accent}; font-weight: 700; }}
    QTableWidget {{ background: {t.panel}; gridline-color: {t.border}; border: none; }}
    QHeaderView::section {{ background: {t.window}; color: {t.muted}; border: none;
        border-bottom: 1px solid {t.border}; padding: 4px; font-weight: 600; }}
    QSlider::groove:horizontal {{ height: 10px; border-radius: 5px;
        background: qlineargradient(x1:0, y1:0, x2:1, y2:0, stop:0 #F7931A, stop:1 #2EC4B6); }}
    QSlider::handle:horizontal {{ background: {t.text}; border: 2px solid {t.window};
        width: 22px; margin: -7px 0; border-radius: 11px; }}
    QProgressBar {{ border: 1px solid {t.border}; border-radius: 6px; text-align: center;
        background: {t.window}; }}
    QProgressBar::chunk {{ background: {t.accent}; border-radius: 6px; }}
    QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{ background: {t.panel};
        border: 1px solid {t.border}; border-radius: 6px; padding: 4px; }}
    QCheckBox::indicator {{ width: {base + 6}px; height: {base + 6}px; border: 2px solid {t.muted};
        border-radius: 4px; background: {t.panel}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; }}
    QPushButton:focus, QToolButton:focus {{ border: 2px solid {t.focus}; padding: 5px 13px; }}
    QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus, QPlainTextEdit:focus {{
        border: 2px solid {t.focus}; padding: 3px; }}
    QAbstractItemView:focus, QGraphicsView:focus, QScrollArea:focus, QSlider:focus, QTabBar:focus {{
        border: 2px solid {t.focus}; border-radius: 6px; }}
    QCheckBox:focus, QRadioButton:focus {{ border: 2px solid {t.focus}; border-radius: 4px; }}
    QPushButton:disabled, QToolButton:disabled, QPushButton#primary:disabled {{ background: {t.window};
        color: {t.disabled}; border: 1px dashed {t.disabled}; font-weight: 400; }}
    QLineEdit:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled, QComboBox:disabled,
    QCheckBox:disabled, QRadioButton:disabled, QLabel:disabled {{ color: {t.disabled}; }}
    QLineEdit:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled, QComboBox:disabled {{
        background: {t.window}; border: 1px dashed {t.disabled}; }}
    QCheckBox::indicator:disabled {{ border: 2px dashed {t.disabled}; background: {t.window}; }}
    QToolTip {{ background: {t.panel}; color: {t.text}; border: 1px solid {t.accent};
        padding: 6px; font-size: {base}pt; }}
    """
