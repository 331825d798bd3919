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


def _french_texts() -> list[tuple[str, str]]:
    """(where, text) for every French string: the .ts translations (each plural form), the
    scenario presets' and the lesson timeline's `_fr` texts, placeholders ({name}, %n) taken out."""
    import tomllib

    out = []
    for m in _messages(i18n.I18N_DIR / "mine2compute_fr.ts"):
        t = m.find("translation")
        for form in [f.text for f in t.findall("numerusform")] or [t.text]:
            out.append((m.find("source").text, form or ""))
    for path in sorted((i18n.ROOT / "assets" / "scenarios").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key.endswith("_fr") and isinstance(value, str):
                out.append((f"{path.name} {key}", value))
    timeline = tomllib.loads((i18n.ROOT / "assets" / "lesson" / "timeline.toml").read_text(encoding="utf-8"))
    for table in timeline.values():  # the Lesson tab's real-world timeline
        for i, entry in enumerate(table if isinstance(table, list) else [table]):
            for key, value in entry.items():
                if key.endswith("_fr") and isinstance(value, str):
                    out.append((f"timeline.toml #{i} {key}", value))
    return [(where, re.sub(r"\{[a-z_]+\}|%L?n|%L?\d", " ", text)) for where, text in out]


def test_the_glossary_names_each_term_once_and_french_uses_no_word_it_forbids():
    from tests.helpers.visible_text import glossary_rows

    rows = glossary_rows()
    english = [row["english"].split(" (")[0].lower() for row in rows]
    assert len(rows) > 30 and len(english) == len(set(english)), "each term once"
    never = {w.strip().lower(): row["english"] for row in rows for w in row["never"].split(",") if w.strip()}
    assert {"division par deux", "réajustement", "empreinte", "hachage", "colocation", "centime"} <= set(never)
    found = [
        (where[:60], word)
        for where, text in _french_texts()
        for word in never
        if re.search(r"(?<![\w-])" + re.escape(word) + r"s?(?![\w-])", text, re.I)
    ]
    assert not found, found


def test_french_counts_use_plural_forms_and_percent_a_narrow_space():
    wrong = [
        (where[:60], text[:80])
        for where, text in _french_texts()
        if "(s)" in text or re.search(r"\d[ \u00a0]%|[ \u00a0]%(?![nL\d])", text)
    ]
    assert not wrong, wrong
    assert i18n.tr("%Ln request(s) were cut short", "", 1) == "1 request was cut short"
    assert i18n.tr("%n of {total} cores moved to AI at block {height}", "", 1).startswith("1 of")


def test_french_plurals_agree(french):
    assert i18n.tr("%n of {total} cores moved to AI at block {height}", "", 1).startswith("1 cœur sur {total} passé ")
    assert i18n.tr("%n of {total} cores moved to AI at block {height}", "", 2).startswith("2 cœurs sur {total} passés")
    assert i18n.tr("%Ln request(s) were cut short", "", 1) == "1 requête a été interrompue"
    assert i18n.tr("%n coin(s)", "", 0) == "0 pièce"


def test_money_btc_and_percent_are_written_the_french_way(french):
    from gui.economics.text import display_for
    from gui.formats import btc_amount, btc_short, percent

    assert btc_amount(235_000_000_000) == "2\u202f350,00000000"
    assert btc_short(31_250_000) == "0,3125"
    assert percent(0.954) == "95,4\u202f%"
    assert display_for("power_price_usd_per_kwh").text(0.042) == "0,042\u00a0$ /kWh"
    i18n.install("en")
    assert btc_amount(235_000_000_000) == "2,350.00000000"
    assert display_for("power_price_usd_per_kwh").text(0.042) == "$0.042 /kWh"


def test_the_sla_sentence_counts_core_seconds_in_the_plural_form_of_each_language(qapp):
    """'1 cœur-secondes' (and English '1 core-seconds'): the counts go through %n forms."""
    from gui.lesson.text import sla_explanation

    d = {
        "sla_availability": 0.99982,
        "availability": 0.9,
        "downtime_slot_s": 1.2,
        "contracted_slot_s": 12.0,
        "jobs_interrupted": 1,
        "penalty_usd": 3.5,
        "billed_usd": 10.0,
    }
    try:
        assert i18n.install("en") == "en"
        text = sla_explanation(d)
        assert "1 core-second taken back" in text and "12 core-seconds contracted" in text, text
        assert "1 request was cut short" in text, text
        assert i18n.install("fr") == "fr"
        text = sla_explanation(d)
        assert "1 cœur-seconde repris" in text and "12 cœur-secondes prévus" in text, text
    finally:
        i18n.install("en")
