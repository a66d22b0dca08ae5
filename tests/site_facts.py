"""What the tests know about the site, in one place: paths, languages, pages, and how to run our tools."""

import io
import os
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("MPLBACKEND", "Agg")

from build_site import LANGUAGES, TRANSLATIONS, catalog_checks, input_checks  # noqa: E402, F401
from clean_copy import clean_copy  # noqa: E402
from site_languages import language_tag  # noqa: E402, F401  (for the tests; build_site puts docs/_ext on the path)

SOURCE = LANGUAGES[0]
# The address the test builds are published at; canonical links, hreflang, sitemap and 404 use it.
SITE_URL = "https://blitz.example/"
# The repository the test builds name when they show fix, feedback and launcher links.
REPOSITORY = "https://github.com/example/blitz"

TUTORIAL = "tutorials/plot_2_autograd.html"
PARTS = [
    "tutorials/plot_1_tensors.html",
    TUTORIAL,
    "tutorials/plot_3_neural_networks.html",
    "tutorials/plot_4_classifier.html",
    "tutorials/plot_5_own_data.html",  # optional, after the 60 minutes
]
FOUR_PARTS = PARTS[:4]  # the 60 minutes; the landing page lists the fifth apart
CONTRIBUTING = ["contributing/translating.html", "contributing/glossary.html", "contributing/status.html"]
PAGES = ["index.html", *PARTS, *CONTRIBUTING, "search.html"]
# The browser tests: Debian's Chromium, and axe-core from `npm ci`.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCRIPTS = sorted((ROOT / "examples").glob("plot_*.py"))


def copy_with_runs(built_root, destination):
    """A clean copy that reuses a finished build's tutorial runs, so that nothing runs again."""
    root = clean_copy(destination)
    shutil.copytree(Path(built_root) / "docs" / "tutorials", root / "docs" / "tutorials")
    return root


def catalogs():
    """Every catalog of every translation."""
    return [po for language in TRANSLATIONS for po in catalog_checks.catalogs(language)]


def glossary(language):
    return catalog_checks.load_glossary(catalog_checks.glossary_path(language))


def run_tool(root, script, *args, env=None, timeout=1800):
    """Run one of the repository's tools/ scripts in ``root``; return the finished process.

    Its output (stdout and stderr together) is in ``.stdout``.
    """
    return subprocess.run(
        [sys.executable, str(root / "tools" / script), *map(str, args)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


def require_browser():
    """Skip the calling test module without Chromium and axe-core, except in CI, where .ci/run installs both."""
    import pytest

    if not (Path(CHROMIUM).exists() and AXE.exists()):
        reason = "needs Debian's chromium and `npm ci` (axe-core); .ci/run installs both"
        if os.environ.get("CI"):
            raise RuntimeError(reason)
        pytest.skip(reason, allow_module_level=True)
    pytest.importorskip("playwright.sync_api")


def code_skeleton(code):
    """The lines of ``code`` byte for byte, less its comments, with each docstring (a string alone as a
    statement) as ``<docstring>``: what a translation must leave unchanged."""
    lines = code.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.NL]
    cuts = []
    for i, t in enumerate(tokens):
        after_statement = i == 0 or tokens[i - 1].type in (
            tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT)
        docstring = t.type == tokenize.STRING and after_statement and tokens[i + 1].type == tokenize.NEWLINE
        if t.type == tokenize.COMMENT or docstring:
            start, end = starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1]
            cuts.append((start, end, "<docstring>" if docstring else ""))
    for start, end, replacement in reversed(cuts):
        code = code[:start] + replacement + code[end:]
    return [line.rstrip() for line in code.split("\n") if line.strip()]
