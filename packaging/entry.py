"""Entry point of the packaged app (PyInstaller runs this; `mine2compute` in the source tree runs
gui.cli:main directly).

Order matters:
1. `multiprocessing.freeze_support()` first, so a child process started by multiprocessing in a
   frozen app runs its task instead of a second copy of the lab.
2. Give stdout/stderr a sink when the OS gave none (a windowed app on Windows), so a `print`
   never crashes the window.
3. Point Numba's cache at a writable per-user folder *before* anything imports numba: the app
   folder may be read-only (Program Files, /Applications, /opt), and without a cache the
   SHA-256d kernels would compile again at every launch. The folder is keyed on the bundled
   kernel sources, so a rebuilt app never loads machine code compiled from older kernels.
4. Point `ctypes.util.find_library("ssl")` at the bundled OpenSSL: python-bitcoinlib loads
   libssl with it at import, and it only finds a system copy, which a minimal Linux (or Windows)
   does not have: it then loaded nothing and the app died with "undefined symbol: BN_add".
5. Dispatch exactly like the source tree's `mine2compute` (window, `node`, `mine`, `bench`,
   `scenario`); the window starts the node as `[sys.executable, "node"]`, i.e. this same entry.
"""

import multiprocessing

multiprocessing.freeze_support()

import hashlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

APP = "mine2compute"
NUMBA_PREFIX = "numba-"


def _ensure_std_streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115  (open for the process's life)


def _kernels_fingerprint() -> str:
    """Short hash of the kernel sources shipped in this build (and this app's executable size)."""
    digest = hashlib.sha256()
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    for path in sorted((base / "engine" / "mining" / "kernels").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        digest.update(str(os.path.getsize(sys.executable)).encode())
    except OSError:
        pass
    return digest.hexdigest()[:12]


def configure_numba_cache() -> Path | None:
    """Set NUMBA_CACHE_DIR (unless the user did) to <user cache>/mine2compute/numba-<build>/."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    import platformdirs

    root = Path(platformdirs.user_cache_dir(APP, appauthor=False))
    path = root / (NUMBA_PREFIX + _kernels_fingerprint())
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # Numba falls back to its own per-user folder
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    # Machine code from an older build of the app is never loaded again: drop it.
    for old in root.glob(NUMBA_PREFIX + "*"):
        if old != path and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return path


def use_bundled_openssl() -> Path | None:
    """Make `ctypes.util.find_library("ssl")` answer the bundled libssl (the one Python's own
    `_ssl` uses), so python-bitcoinlib finds OpenSSL on a system without one."""
    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return None
    bundled = [
        p for pattern in ("libssl.so*", "libssl*.dylib", "libssl-*.dll") for p in sorted(Path(base).glob(pattern))
    ]
    if not bundled:
        return None
    import ctypes.util

    system_find = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return str(bundled[0]) if name == "ssl" else system_find(name)

    ctypes.util.find_library = find_library
    return bundled[0]


def main() -> int:
    _ensure_std_streams()
    configure_numba_cache()
    use_bundled_openssl()
    from gui.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
