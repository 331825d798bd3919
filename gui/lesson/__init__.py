"""The Lesson tab (tab.py), its words (text.py) and the PDF worksheet (worksheet.py)."""
