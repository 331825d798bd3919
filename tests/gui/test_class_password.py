"""The class password is kept and handed on only as Core's salted rpcauth line: the settings
dialog stores the hash, an old plaintext setting is converted, and the node and the class pool
both check passwords against the hash."""

from __future__ import annotations

import pytest

from engine.pool.server import Pool
from engine.primitives.rpcauth import make_rpcauth, parse_rpcauth, rpcauth_matches
from engine.rpc import RPCClient
from gui.qt import QSettings
from gui.window.class_login import SHARE_USER
from gui.window.controller import LabController
from gui.window.settings_dialog import NodeSettingsDialog

PASSWORD = "satoshi21"


def settings_at(tmp_path, **values) -> QSettings:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for key, value in values.items():
        settings.setValue(key, value)
    return settings


def test_rpcauth_lines_match_cores_format():
    line = make_rpcauth("class", PASSWORD, salt="00112233445566778899aabbccddeeff")
    user, salt, digest = parse_rpcauth(line)
    assert (user, salt, len(digest)) == ("class", "00112233445566778899aabbccddeeff", 64)
    assert rpcauth_matches(line, PASSWORD) and not rpcauth_matches(line, PASSWORD + "!")
    with pytest.raises(ValueError):
        parse_rpcauth("class:no-dollar-here")


def test_settings_dialog_keeps_only_a_salted_hash(qapp, tmp_path):
    settings = settings_at(tmp_path)
    dialog = NodeSettingsDialog(settings)
    dialog.share.setChecked(True)
    dialog.share_password.setText("short")
    dialog.save()
    assert "8 characters" in dialog.error.text() and not settings.value("node/share_rpcauth", "")
    dialog.share_password.setText(PASSWORD)
    dialog.save()
    settings.sync()
    line = settings.value("node/share_rpcauth")
    assert line.startswith(f"{SHARE_USER}:") and rpcauth_matches(line, PASSWORD)
    assert PASSWORD not in (tmp_path / "settings.ini").read_text()
    # Opening it again: the password is set, the field is empty, and saving keeps the hash.
    again = NodeSettingsDialog(settings)
    assert again.share_password.text() == "" and again.has_class_password
    again.save()
    assert settings.value("node/share_rpcauth") == line


def test_an_old_plaintext_class_password_is_converted(qapp, tmp_path):
    settings = settings_at(tmp_path, **{"node/share": True, "node/share_password": PASSWORD})
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=1)
    line = controller.classroom.rpcauth()
    settings.sync()
    assert rpcauth_matches(line, PASSWORD)
    assert settings.value("node/share_password", "") == "" and PASSWORD not in (tmp_path / "settings.ini").read_text()
    assert controller.classroom.rpcauth() == line  # stable once converted


def test_the_class_pool_checks_passwords_against_the_hash():
    pool = Pool(RPCClient("http://127.0.0.1:1", user="u", password="p"), rpcauth=make_rpcauth(SHARE_USER, PASSWORD))
    try:
        assert pool._password_ok(PASSWORD) and not pool._password_ok("wrong") and not pool._password_ok("")
    finally:
        pool.stop()  # never started: this closes its event loop
    with pytest.raises(ValueError):
        Pool(RPCClient("http://127.0.0.1:1", user="u", password="p"), rpcauth="not a line")
