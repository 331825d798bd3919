"""Languages: every .ts entry translated and in sync with the code; the window in French shows no
English outside an explicit allowlist; numbers and money follow the language."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from gui import i18n
from tests.helpers.visible_text import english_words, visible_texts


def _messages(path):
    return list(ET.parse(path).iter("message"))


def test_every_french_entry_is_translated():
    fr = i18n.I18N_DIR / "mine2compute_fr.ts"
    messages = _messages(fr)
    assert len(messages) > 250
    for m in messages:
        t = m.find("translation")
        source = m.find("source").text
        assert t.get("type") not in ("unfinished", "vanished", "obsolete"), source
        forms = [f.text for f in t.findall("numerusform")] if m.get("numerus") == "yes" else [t.text]
        assert forms and all(forms), source
        # The placeholders the code fills in survive the translation.
        for f in forms:
            assert set(re.findall(r"\{[a-z_]+", source)) == set(re.findall(r"\{[a-z_]+", f)), (source, f)


def test_ts_files_are_in_sync_with_the_code(tmp_path):
    """lupdate over gui/ would add nothing: every string the code marks is in the .ts already."""
    for ts in i18n.ts_files():
        copy = tmp_path / ts.name
        shutil.copy(ts, copy)
        report = i18n.update([copy])
        if not ts.name.endswith("_en.ts"):  # the English file keeps plural forms only (-pluralonly)
            assert re.search(r"\(0 new and \d+ already existing\)", report), report
        before = {m.find("source").text for m in _messages(ts)}
        after = {m.find("source").text for m in _messages(copy)}
        assert after == before


def test_parameter_labels_and_teacher_sentences_match_the_engine():
    from engine.economy.lab_mapping import TEACHER_SENTENCES
    from engine.economy.scenario_params import PARAMETERS
    from gui.economics.text import PARAMETER_LABELS, TIPS

    assert {name: spec.label for name, spec in PARAMETERS.items()} == PARAMETER_LABELS
    assert TIPS["live"] == TEACHER_SENTENCES


@pytest.fixture
def french(qapp):
    assert i18n.install("fr") == "fr"
    yield
    i18n.install("en")


def test_numbers_and_money_follow_the_language(french):
    from gui.formats import money, usd

    assert i18n.num(1234.5, 1) == "1\u202f234,5"
    assert usd(1234.5, 1) == "1\u202f234,5\u00a0$"
    assert money(1.35e6) == "1,35\u00a0M$"
    i18n.install("en")
    assert (i18n.num(1234.5, 1), usd(1234.5, 1), money(1.35e6)) == ("1,234.5", "$1,234.5", "$1.35M")
    assert i18n.tr("%Ln block(s)", "", 1) == "1 block" and i18n.tr("%Ln block(s)", "", 1024) == "1,024 blocks"


def test_the_window_in_french_shows_no_english(french, qtbot, tmp_path):
    from gui.qt import QSettings
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow
    from gui.window.settings_dialog import NodeSettingsDialog

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.on_chain_info(
        {
            "chain": "lab",
            "blocks": 30,
            "bestblockhash": "00" * 32,
            "difficulty": 0.03,
            "time": 0,
            "consensus": {
                "pow_target_spacing": 5,
                "difficulty_adjustment_interval": 24,
                "subsidy_halving_interval": 60,
                "start_difficulty": 0.03,
            },
        }
    )
    window.redraw()
    dialog = NodeSettingsDialog(settings, window)
    qtbot.addWidget(dialog)
    # The scenario presets' read-aloud texts come from the TOML files' title_fr/summary_fr/explanation_fr.
    found = []
    for root in (window, dialog):
        for where, text in visible_texts(root):
            words = english_words(text or "")
            if words:
                found.append((where, sorted(words), text[:90]))
    panel = window.tab("economics")
    for i in range(panel.picker.count()):  # every preset's read-aloud texts, not only the one shown
        panel.picker.setCurrentIndex(i)
        for label in (panel.summary_label, panel.explanation_label):
            if english_words(label.text()):
                found.append((panel.picker.itemText(i), sorted(english_words(label.text())), label.text()[:90]))
    assert not found, "\n".join(map(str, found))
