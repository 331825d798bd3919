"""What a user can read in a window, and the English words in it (the French window's checks).
The English the French window may show is assets/i18n/GLOSSARY.md's "kept in English" words and
the names and units below."""

from __future__ import annotations

import re
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[2] / "assets" / "i18n" / "GLOSSARY.md"


def glossary_rows() -> list[dict[str, str]]:
    """The glossary's table: english, french, kept (in English: "yes"/"no"), never (words)."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "") and not set(cells[0]) <= {"-"}:
            rows.append(dict(zip(("english", "french", "kept", "never"), cells)))
    return rows


def loanwords() -> set[str]:
    """The words the glossary keeps in English (lower case)."""
    return {row["french"].split(" (")[0].lower() for row in glossary_rows() if row["kept"] == "yes"}


# Words that are English and never French: one of them in a visible text means an untranslated string.
ENGLISH = {
    "the",
    "and",
    "of",
    "to",
    "is",
    "are",
    "this",
    "that",
    "with",
    "from",
    "for",
    "when",
    "what",
    "which",
    "your",
    "you",
    "it",
    "its",
    "not",
    "will",
    "every",
    "after",
    "before",
    "blocks",
    "block",
    "mining",
    "cores",
    "node",
    "starting",
    "waiting",
    "stopped",
    "paused",
    "price",
    "power",
    "per",
    "day",
    "hashrate",
    "hashprice",
    "retarget",
    "colocation",
    "uptime",
    "difficulty",
    "reward",
    "height",
    "time",
    "interval",
    "chain",
    "export",
    "settings",
    "save",
    "cancel",
    "share",
    "password",
    "user",
    "file",
    "network",
    "profit",
    "costs",
    "revenue",
    "leave",
    "leaves",
    "keep",
    "convert",
    "months",
    "years",
    "seconds",
}
# Visible words that are the same in both languages or names: units, product and protocol names.
ALLOWED = loanwords() | {
    "bitcoin",
    "btc",
    "regtest",
    "lab",
    "url",
    "rpc",
    "sla",
    "gpu",
    "asic",
    "ia",
    "mh/s",
    "eh/s",
    "gflop/s",
    "pue",
    "npv",
    "mine-to-compute",
    "bitcoind",
    "core",
}


def english_words(text: str) -> set[str]:
    """The English words in a visible `text` that are not allowed in the French window."""
    text = re.sub(r"<[^>]+>", " ", text)  # rich text tags
    # Sources are citations (a report's title, a dataset's name): quoted as published.
    text = re.sub(r"(Source|Sources) ?:.*", " ", text, flags=re.S)
    text = re.sub(r"https?://\S+", " ", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'/-]*", text)}
    return {w for w in words if w in ENGLISH and w not in ALLOWED}


def visible_texts(root):
    """(where, text) for every string a user can see or hover over under `root`."""
    from PySide6.QtWidgets import QAbstractButton

    from gui.qt import (
        QComboBox,
        QDoubleSpinBox,
        QLabel,
        QLineEdit,
        QListWidget,
        QSpinBox,
        QTableWidget,
        QTabWidget,
        QWidget,
        pg,
    )

    out = []
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__} {w.objectName()}"
        out.append((name + " tooltip", w.toolTip()))
        out.append((name + " title", w.windowTitle()))
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name, w.text()))
        if isinstance(w, QLineEdit):
            out.append((name + " placeholder", w.placeholderText()))
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            out.append((name + " suffix", w.suffix() + " " + w.specialValueText()))
        if isinstance(w, QComboBox):
            out += [(name + " item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            out += [(name + " tab", w.tabText(i) + " " + w.tabToolTip(i)) for i in range(w.count())]
        if isinstance(w, QListWidget):
            out += [(name + " item", w.item(i).text() + " " + w.item(i).toolTip()) for i in range(w.count())]
        if isinstance(w, QTableWidget):
            out += [(name + " header", w.horizontalHeaderItem(i).text()) for i in range(w.columnCount())]
        if isinstance(w, pg.PlotWidget):
            item = w.getPlotItem()
            out.append((name + " chart title", item.titleLabel.text))
            for side in ("left", "bottom"):
                out.append((name + " axis", item.getAxis(side).labelText))
            if item.legend is not None:
                out += [(name + " legend", label.text) for _, label in item.legend.items]
    return out
