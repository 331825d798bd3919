"""The one door to Qt (as Anki's aqt/qt): every Qt and pyqtgraph name the app uses comes from
here, so the binding and its quirks live in one place."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTranslator,
    QEventLoop,
    QObject,
    QPointF,
    QProcess,
    QProcessEnvironment,
    QRect,
    QRectF,
    QMarginsF,
    QSettings,
    QSize,
    QSizeF,
    QSocketNotifier,
    QStandardPaths,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPixmap,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStatusBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # noqa: E402  (after PySide6, so pyqtgraph binds to it)
import pyqtgraph.exporters  # noqa: E402,F401  (makes pg.exporters available)

# Antialiasing costs ~8x per frame on software rendering (a classroom laptop, a VM).
pg.setConfigOptions(antialias=False)

__all__ = [name for name in dir() if not name.startswith("_")]
