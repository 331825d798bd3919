"""The README's quick-start test command is the one CI runs."""
from pathlib import Path

from tests.helpers import ROOT


def test_ci_runs_the_readme_test_command():
    ci_lines = [l.strip() for l in (ROOT / ".ci/run").read_text().splitlines()
                if l.strip() and not l.strip().startswith("#")]
    command = ci_lines[-1]
    assert "pytest" in command
    assert command in (ROOT / "README.md").read_text()
