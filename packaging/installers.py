"""Turn the PyInstaller build (dist/mine2compute/) into the installer of this OS, in dist/:

- Linux: `mine2compute-<version>-linux-<arch>.tar.gz`, the app folder with `install.sh` (adds the
  menu entry: a `.desktop` file and the icon under ~/.local/share, pointing at wherever the folder
  was unpacked; `install.sh --remove` takes them away). A .tar.gz rather than an AppImage: an
  AppImage needs FUSE 2 (`libfuse2`), which fresh Ubuntu 22.04+ and Fedora installs lack, so it
  would not start there without extra steps; and its tool would have to be downloaded at build time.
- Windows: `mine2compute-<version>-windows-x64-setup.exe`, built by Inno Setup's `ISCC.exe` from
  packaging/windows/mine2compute.iss (a per-user install: no admin rights; a Start-menu entry and
  an uninstaller).
- macOS: `mine2compute-<version>-macos-<arch>.dmg` with "Mine-to-Compute Lab.app" and a link to
  /Applications (`hdiutil`, part of macOS).

`python packaging/build.py --installer` builds and then calls `make_installer()`.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
APP = "mine2compute"
TITLE = "Mine-to-Compute Lab"
ICONS = ROOT / "assets" / "icons"

DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=Mine-to-Compute Lab
Name[fr]=Labo Miner-ou-Calculer
Comment=Mine Bitcoin blocks on a lab chain, or rent the cores to AI jobs
Comment[fr]=Miner des blocs Bitcoin sur une chaîne de labo, ou louer les cœurs à des calculs d'IA
Exec="{exe}"
Icon={icon}
Terminal=false
Categories=Education;Economy;
StartupWMClass=mine2compute
"""

INSTALL_SH = r"""#!/bin/sh
# Add (or, with --remove, take away) the Mine-to-Compute Lab's menu entry for this user.
# The app runs from this folder: move the folder first if you want it elsewhere, then run this.
set -e
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
if [ "$1" = "--remove" ]; then
  rm -f "$apps/mine2compute.desktop" "$icons/mine2compute.png"
  echo "Menu entry removed (the app folder $here is left as it is)."
  exit 0
fi
mkdir -p "$apps" "$icons"
cp "$here/mine2compute.png" "$icons/mine2compute.png"
sed "s|@EXE@|$here/mine2compute|; s|@ICON@|mine2compute|" "$here/mine2compute.desktop.in" > "$apps/mine2compute.desktop"
chmod +x "$apps/mine2compute.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "Added 'Mine-to-Compute Lab' to the applications menu (runs $here/mine2compute)."
"""


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


def linux_tarball(app_dir: Path) -> Path:
    """app_dir + install.sh + the .desktop template + the icon, as a .tar.gz."""
    (app_dir / "install.sh").write_text(INSTALL_SH, encoding="utf-8")
    (app_dir / "install.sh").chmod(0o755)
    (app_dir / f"{APP}.desktop.in").write_text(DESKTOP_ENTRY.format(exe="@EXE@", icon="@ICON@"), encoding="utf-8")
    shutil.copy2(ICONS / f"{APP}.png", app_dir / f"{APP}.png")
    out = DIST / f"{APP}-{version()}-linux-{arch()}.tar.gz"
    # gzip level 6: within a few percent of level 9's size, in about half the time
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=APP)
    return out


def inno_setup_compiler() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        candidate = Path(base or "C:/Program Files (x86)") / "Inno Setup 6" / "ISCC.exe"
        if candidate.exists():
            return str(candidate)
    return None


def windows_setup(app_dir: Path) -> Path:
    iscc = inno_setup_compiler()
    if iscc is None:
        raise SystemExit("installers: Inno Setup 6 (ISCC.exe) not found; install it, e.g. `choco install innosetup`")
    script = ROOT / "packaging" / "windows" / f"{APP}.iss"
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={version()}",
            f"/DSourceDir={app_dir}",
            f"/DOutputDir={DIST}",
            f"/DIconFile={ICONS / (APP + '.ico')}",
            str(script),
        ],
        check=True,
    )
    return DIST / f"{APP}-{version()}-windows-x64-setup.exe"


def macos_dmg() -> Path:
    bundle = DIST / f"{TITLE}.app"
    if not bundle.exists():
        raise SystemExit(f"installers: {bundle} is missing (PyInstaller makes it on macOS)")
    staging = DIST / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    subprocess.run(["ditto", str(bundle), str(staging / bundle.name)], check=True)  # keeps symlinks, signatures
    (staging / "Applications").symlink_to("/Applications")
    out = DIST / f"{APP}-{version()}-macos-{arch()}.dmg"
    out.unlink(missing_ok=True)
    subprocess.run(
        ["hdiutil", "create", "-volname", TITLE, "-srcfolder", str(staging), "-ov", "-format", "UDZO", str(out)],
        check=True,
    )
    shutil.rmtree(staging, ignore_errors=True)
    return out


def make_installer(app_dir: Path) -> Path:
    start = time.monotonic()
    if sys.platform.startswith("linux"):
        out = linux_tarball(app_dir)
    elif sys.platform == "win32":
        out = windows_setup(app_dir)
    elif sys.platform == "darwin":
        out = macos_dmg()
    else:
        raise SystemExit(f"installers: no installer for {sys.platform}")
    print(f"installers: {out} ({out.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - start:.0f} s", flush=True)
    return out
