"""Shared fixtures. Qt runs offscreen in every test (no display on CI)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
