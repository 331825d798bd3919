"""The installers' parts that need no build (packaging/, docs/installers.md): the Linux tarball's
menu entry, the committed icons, and the frozen entry point finding the bundled OpenSSL."""

from __future__ import annotations

import ctypes.util
import os
import struct
import subprocess
import sys
import tarfile

import pytest

from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import entry  # noqa: E402
import installers  # noqa: E402


@pytest.mark.skipif(sys.platform == "win32", reason="install.sh is for Linux")
def test_the_linux_tarball_adds_a_menu_entry_for_wherever_it_is_unpacked(tmp_path, monkeypatch):
    app = tmp_path / "dist" / "mine2compute"
    app.mkdir(parents=True)
    (app / "mine2compute").write_text("#!/bin/sh\n")
    monkeypatch.setattr(installers, "DIST", tmp_path / "dist")
    tarball = installers.linux_tarball(app)
    assert tarball.name == f"mine2compute-{installers.version()}-linux-{installers.arch()}.tar.gz"
    unpacked = tmp_path / "some where"  # a space in the path, as in a teacher's "My Apps"
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="tar")
    data = tmp_path / "share"
    run = subprocess.run(
        ["sh", str(unpacked / "mine2compute" / "install.sh")],
        env=dict(os.environ, XDG_DATA_HOME=str(data)),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    desktop = (data / "applications" / "mine2compute.desktop").read_text()
    assert f'Exec="{unpacked / "mine2compute" / "mine2compute"}"' in desktop.splitlines()
    assert "Icon=mine2compute" in desktop and "Name=Mine-to-Compute Lab" in desktop
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "mine2compute.png").exists()
    subprocess.run(
        ["sh", str(unpacked / "mine2compute" / "install.sh"), "--remove"],
        env=dict(os.environ, XDG_DATA_HOME=str(data)),
        check=True,
        capture_output=True,
    )
    assert not (data / "applications" / "mine2compute.desktop").exists()


def test_the_committed_icons_are_well_formed():
    icons = ROOT / "assets" / "icons"
    png = (icons / "mine2compute.png").read_bytes()
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (icons / "mine2compute.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    for i in range(count):  # each entry: a PNG inside the file
        size, offset = struct.unpack("<II", ico[6 + 16 * i + 8 : 6 + 16 * i + 16])
        assert ico[offset : offset + 4] == b"\x89PNG" and offset + size <= len(ico)
    icns = (icons / "mine2compute.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert all(len(f.read_bytes()) < 64 * 1024 for f in icons.iterdir())  # committed small


def test_the_frozen_app_finds_the_bundled_openssl(tmp_path, monkeypatch):
    """python-bitcoinlib loads OpenSSL through ctypes.util.find_library("ssl"), which on a minimal
    system finds nothing: the frozen entry points it at the bundled copy."""
    bundled = tmp_path / {"win32": "libssl-3-x64.dll", "darwin": "libssl.3.dylib"}.get(sys.platform, "libssl.so.3")
    bundled.write_bytes(b"")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # a system without OpenSSL
    assert entry.use_bundled_openssl() == bundled
    assert ctypes.util.find_library("ssl") == str(bundled)
    assert ctypes.util.find_library("secp256k1") is None  # other names: the system's answer
