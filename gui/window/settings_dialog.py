"""Which node the lab uses: the embedded one, Bitcoin Core's bitcoind from PATH, or a running
node attached by URL and credentials (a teacher's node, for a whole class). Kept in QSettings."""

from __future__ import annotations

import shutil

from gui.i18n import tr
from gui.qt import (
    QT_TRANSLATE_NOOP,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSettings,
    QSpinBox,
    QVBoxLayout,
)
from gui.window.class_login import SHARE_USER, store_class_password

MODES = [
    ("embedded", QT_TRANSLATE_NOOP("", "Embedded node (recommended)")),
    ("bitcoind", QT_TRANSLATE_NOOP("", "Bitcoin Core: bitcoind -regtest from PATH")),
    ("attach", QT_TRANSLATE_NOOP("", "Attach to a running node (URL + credentials)")),
]


class NodeSettingsDialog(QDialog):
    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(tr("Node settings"))
        v = QVBoxLayout(self)
        form = QFormLayout()
        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(tr(text), key)
        self.mode.setCurrentIndex([k for k, _ in MODES].index(settings.value("node/mode", "embedded")))
        self.chain = QComboBox()
        self.chain.addItem(tr("lab: difficulty follows hashrate (classroom)"), "lab")
        self.chain.addItem(tr("regtest: exactly Bitcoin Core's regtest"), "regtest")
        self.chain.setCurrentIndex(0 if settings.value("node/chain", "lab") == "lab" else 1)
        self.port = QSpinBox(
            minimum=0, maximum=65535, value=int(settings.value("node/rpcport", 0)), specialValueText=tr("any free port")
        )
        self.url = QLineEdit(settings.value("node/url", "http://127.0.0.1:18443"))
        self.cookie = QLineEdit(
            settings.value("node/cookie", ""), placeholderText=tr("path to .cookie (or user/password)")
        )
        self.user = QLineEdit(settings.value("node/user", ""))
        self.password = QLineEdit(settings.value("node/password", ""), echoMode=QLineEdit.EchoMode.Password)
        self.share = QCheckBox(tr("Share this node with the class (students attach over the network)"))
        self.share.setChecked(bool(settings.value("node/share", False, type=bool)))
        # Only a salted hash of the class password is kept (Core's rpcauth form): the field
        # starts empty, and typing in it sets a new password.
        self.has_class_password = bool(
            settings.value("node/share_rpcauth", "") or settings.value("node/share_password", "")
        )
        self.share_password = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password,
            placeholderText=(
                tr("set (kept as a salted hash): type to change it")
                if self.has_class_password
                else tr("class password, 8 characters or more")
            ),
        )
        form.addRow(tr("Node"), self.mode)
        form.addRow(tr("Chain (embedded)"), self.chain)
        form.addRow(tr("RPC port (embedded)"), self.port)
        form.addRow("", self.share)
        form.addRow(tr("Class password (user '{user}')").format(user=SHARE_USER), self.share_password)
        form.addRow(tr("URL (attach)"), self.url)
        form.addRow(tr("Cookie file (attach)"), self.cookie)
        form.addRow(tr("User (attach)"), self.user)
        form.addRow(tr("Password (attach)"), self.password)
        v.addLayout(form)
        note = QLabel(
            tr(
                "The class password is kept only as a salted hash (Bitcoin Core's rpcauth); "
                "an attach password is kept in this computer's settings file in plain text, "
                "as a client needs it: use a class password, not a personal one."
            )
        )
        note.setWordWrap(True)
        v.addWidget(note)
        if shutil.which("bitcoind") is None:
            v.addWidget(QLabel(tr("bitcoind is not on PATH on this computer.")))
        self.error = QLabel("")
        self.error.setStyleSheet("color: #EF476F;")
        v.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        v.addWidget(buttons)

    def save(self) -> None:
        mode = self.mode.currentData()
        if mode == "attach":
            url = self.url.text().strip()
            if not url.startswith(("http://", "https://")):
                self.error.setText(tr("The URL must start with http:// (for example http://192.168.1.10:18449)."))
                return
            if not self.cookie.text().strip() and not (self.user.text() and self.password.text()):
                self.error.setText(tr("Give a cookie file, or a user and password."))
                return
        new_password = self.share_password.text()
        if new_password and len(new_password) < 8:
            self.error.setText(tr("A class password needs 8 characters or more."))
            return
        if mode == "embedded" and self.share.isChecked() and not (new_password or self.has_class_password):
            self.error.setText(tr("Sharing with the class needs a class password of 8 characters or more."))
            return
        if mode == "bitcoind" and shutil.which("bitcoind") is None:
            self.error.setText(tr("bitcoind is not on PATH: install Bitcoin Core first."))
            return
        s = self.settings
        s.setValue("node/mode", mode)
        s.setValue("node/chain", self.chain.currentData())
        s.setValue("node/rpcport", self.port.value())
        s.setValue("node/url", self.url.text().strip())
        s.setValue("node/cookie", self.cookie.text().strip())
        s.setValue("node/user", self.user.text())
        s.setValue("node/password", self.password.text())
        s.setValue("node/share", self.share.isChecked())
        if new_password:
            store_class_password(s, new_password)
        self.accept()
