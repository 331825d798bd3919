"""Languages with Qt's own tools: strings marked with `tr()` (or `QT_TRANSLATE_NOOP` for tables
built at import), `.ts` sources in assets/i18n/ kept by `pyside6-lupdate`, `.qm` built by
`pyside6-lrelease` and loaded with QTranslator; numbers and money formatted by QLocale.

`python -m gui.i18n update` re-reads gui/ into the .ts files (new strings appear unfinished);
`python -m gui.i18n build [--out DIR]` writes the .qm files (packaging/build.py ships them). In a
source tree without .qm files, they are built at first use into the user's cache folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from gui.qt import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = ROOT / "assets" / "i18n"
APP = "mine2compute"
LANGUAGES = {"en": "English", "fr": "Français"}  # each language's name in itself, for the picker
_LOCALES = {
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
    "fr": (QLocale.Language.French, QLocale.Country.France),
}
_installed: list[QTranslator] = []
_current = ["en"]


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """The translation of `text` in the language installed (context ""); `%n` takes `n` with the
    language's plural rules (English plurals come from mine2compute_en.ts)."""
    if not _installed and n >= 0 and QCoreApplication.instance() is not None:
        install(_current[0])  # English plurals ("1 block", "2 blocks") need mine2compute_en.qm too
    return QCoreApplication.translate("", text, disambiguation, n)


def current_language() -> str:
    """The language installed last ("en" before any)."""
    return _current[0]


def system_language() -> str:
    return "fr" if QLocale.system().language() == QLocale.Language.French else "en"


def chosen_language(settings) -> str:
    """The language remembered in the settings, else French on a French system, else English."""
    lang = settings.value("ui/language", "") if settings is not None else ""
    return lang if lang in LANGUAGES else system_language()


def ts_files() -> list[Path]:
    return sorted(I18N_DIR.glob(f"{APP}_*.ts"))


def _tool(name: str) -> str:
    """lupdate/lrelease as shipped inside the PySide6 wheel (pyside6-lupdate/-lrelease wrap them)."""
    import PySide6

    exe = Path(PySide6.__file__).parent / (name + (".exe" if sys.platform == "win32" else ""))
    if exe.exists():
        return str(exe)
    found = Path(sys.executable).parent / f"pyside6-{name}"
    return str(found) if found.exists() else f"pyside6-{name}"


def build(out_dir: Path | None = None) -> list[Path]:
    """Compile every .ts into a .qm (pyside6-lrelease); returns the .qm paths."""
    out_dir = Path(out_dir or I18N_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ts in ts_files():
        qm = out_dir / ts.with_suffix(".qm").name
        subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        written.append(qm)
    return written


def update(ts: list[Path] | None = None, extra: tuple[str, ...] = ()) -> str:
    """Re-read gui/ into the .ts files (pyside6-lupdate keeps the translations made); returns
    lupdate's report."""
    sources = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))
    out = []
    for path in ts or ts_files():
        plural_only = ("-pluralonly",) if path.name.endswith("_en.ts") else ()
        done = subprocess.run(
            [_tool("lupdate"), "-locations", "none", "-no-obsolete", *plural_only, *extra, *sources, "-ts", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        out.append(done.stdout + done.stderr)
    return "\n".join(out)


def _cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False)) / "i18n"


def qm_file(lang: str) -> Path | None:
    """The .qm for `lang`: shipped beside the .ts (frozen app, packaged build) when it is at least
    as new, else built once into the cache folder. None when it cannot be had."""
    ts = I18N_DIR / f"{APP}_{lang}.ts"
    shipped = ts.with_suffix(".qm")
    if shipped.exists() and (not ts.exists() or shipped.stat().st_mtime >= ts.stat().st_mtime):
        return shipped
    if not ts.exists():
        return None
    # Named by the .ts's content, not its time: two checkouts (or versions) of the app share the
    # cache folder, and one must never load the other's translations.
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    cached = _cache_dir() / f"{ts.stem}-{digest}.qm"
    if not cached.exists():
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            subprocess.run(
                [_tool("lrelease"), "-silent", str(ts), "-qm", str(partial)], check=True, capture_output=True
            )
            os.replace(partial, cached)  # whole, even with another process building it too
        except (OSError, subprocess.CalledProcessError):
            return None
    return cached


def install(lang: str) -> str:
    """Load `lang` (ours and Qt's own dialogs' translations) and its locale for numbers; returns
    the language installed ("en" when the one asked for cannot be loaded)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    lang = lang if lang in LANGUAGES else "en"
    qm = qm_file(lang)
    translator = QTranslator(app)
    if qm is None or not translator.load(str(qm)):
        lang, qm = "en", qm_file("en")
        if qm is not None and translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
    else:
        app.installTranslator(translator)
        _installed.append(translator)
    qt_base = QTranslator(app)
    if lang != "en" and qt_base.load(
        QLocale(_LOCALES[lang][0]), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    QLocale.setDefault(QLocale(*_LOCALES[lang]))
    _current[0] = lang
    return lang


# --- numbers as the language writes them ---------------------------------------------------------
def locale() -> QLocale:
    """The locale of the language shown (en_US, fr_FR), whatever the system's C or POSIX default."""
    return QLocale(*_LOCALES[_current[0]])


def num(value: float, decimals: int = 0) -> str:
    """1,234.5 in English, 1 234,5 in French."""
    return locale().toString(float(value), "f", decimals)


def integer(value: int) -> str:
    return locale().toString(int(value))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gui.i18n", description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["update", "build"])
    p.add_argument("--out", type=Path, default=None, help="where build writes the .qm (default assets/i18n)")
    args = p.parse_args(argv)
    if args.command == "update":
        print(update())
    else:
        for qm in build(args.out):
            print(qm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
