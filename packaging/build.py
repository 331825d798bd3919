"""Build the packaged lab: `python packaging/build.py` -> dist/mine2compute/ (one folder).

Run it with the Python that has the project installed (e.g. `.venv/bin/python`). It installs the
pinned `packaging` extra (PyInstaller and pyinstaller-hooks-contrib, see pyproject.toml) into that
environment if they are missing or at other versions, then runs PyInstaller on
packaging/mine2compute.spec for the current OS. Options: `--clean` (drop PyInstaller's cache in
build/ first), `--skip-install` (never call pip), `--installer` (then this OS's installer in dist/:
a .tar.gz with a menu entry on Linux, a setup .exe on Windows, a .dmg on macOS; packaging/installers.py).
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "mine2compute.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = "mine2compute"


def _pins() -> dict[str, str]:
    """{distribution: version} of the `packaging` extra in pyproject.toml."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["optional-dependencies"]["packaging"]:
        name, _, version = requirement.partition("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def _runtime_requirements() -> list[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0] for r in project["dependencies"]]


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def ensure_tools() -> None:
    """pip-install `.[packaging]` unless the pins and the app's dependencies are all present."""
    wrong = [f"{n}=={v} (have {_installed(n) or 'none'})" for n, v in _pins().items() if _installed(n) != v]
    missing = [n for n in _runtime_requirements() if _installed(n) is None]
    if not wrong and not missing:
        return
    print(f"build: installing .[packaging] ({', '.join(wrong + missing)})", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[packaging]"], check=True)


def build(clean: bool = False) -> Path:
    """Run PyInstaller; returns the app folder."""
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        cmd.append("--clean")
    start = time.monotonic()
    # The translations: .ts sources -> .qm beside them in assets/i18n/, which the spec ships.
    subprocess.run([sys.executable, "-m", "gui.i18n", "build"], check=True, cwd=ROOT)
    subprocess.run(cmd, check=True, cwd=ROOT)
    app_dir = DIST / APP
    exe = app_dir / (APP + (".exe" if sys.platform == "win32" else ""))
    if not exe.exists():
        raise SystemExit(f"build: PyInstaller finished but {exe} is missing")
    size = sum(f.stat().st_size for f in app_dir.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"build: {app_dir} ({size / 1e6:.0f} MB) in {time.monotonic() - start:.0f} s", flush=True)
    print(f"build: run it with {exe}  (headless check: {exe} --self-test)", flush=True)
    return app_dir


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    p.add_argument("--skip-install", action="store_true", help="never call pip")
    p.add_argument("--installer", action="store_true", help="then make this OS's installer in dist/")
    args = p.parse_args(argv)
    if not args.skip_install:
        ensure_tools()
    if args.clean and WORK.exists():
        shutil.rmtree(WORK)
    app_dir = build(clean=args.clean)
    if args.installer:
        sys.path.insert(0, str(ROOT / "packaging"))
        from installers import make_installer

        make_installer(app_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
