"""The docs hold together: the README's quick-start test command is the one CI runs, the README
stays short, and every relative link and image in README.md and docs/ points at a file (and
heading) that exists."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers import ROOT

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_BYTES = 8192

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
# [text](target) and ![alt](target), target optionally followed by a "title"
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(page: Path) -> list[str]:
    return LINK.findall(_prose(page.read_text(encoding="utf-8")))


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: inline markup dropped, lower case, punctuation other than
    '-' and '_' removed, each space a '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # [text](url) -> text
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = github_anchor(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.add(base if n == 0 else f"{base}-{n}")
    return result


def test_ci_runs_the_readme_test_command():
    """The one pytest line of .ci/run (whatever lint steps come before or after it) is, verbatim,
    the README's test command."""
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci/run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    pytest_lines = [line for line in ci_lines if "-m pytest" in line]
    assert len(pytest_lines) == 1, pytest_lines
    assert pytest_lines[0] in README.read_text()


def test_readme_stays_short():
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, f"README.md is {size} bytes; move detail into docs/ (limit {README_MAX_BYTES})"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_resolves(page):
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_link_checker_sees_links_and_headings(tmp_path):
    """The checks above cannot pass vacuously: links in prose are found, links in code are not,
    and headings get GitHub's ids."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Title: the `node` (RPC)\n\n## Title: the node (RPC)\n\n"
        'See [a](other.md#x) and ![img](../assets/a.png "t"), not `[b](c.md)`.\n\n'
        "```\n[d](e.md)\n```\n",
        encoding="utf-8",
    )
    assert links(page) == ["other.md#x", "../assets/a.png"]
    assert anchors(page) == {"title-the-node-rpc", "title-the-node-rpc-1"}
    assert github_anchor("check_frozen") == "check_frozen"


def test_every_docs_page_is_in_the_index():
    index = links(ROOT / "docs/index.md")
    for page in sorted((ROOT / "docs").glob("*.md")):
        if page.name != "index.md":
            assert page.name in index, f"docs/index.md does not link {page.name}"
