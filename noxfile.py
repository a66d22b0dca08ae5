"""Tasks for the Blitz site: build it, test it, keep its translations current.

Untranslated and fuzzy messages (the translation lagging behind the English)
are reported by ``docs``, ``checks`` and ``tests``, not errors. For a release,
``BLITZ_REQUIRE_TRANSLATED=1 nox -s checks docs tests`` makes any lag fail them.

Every session but ``checks`` shares one environment, ``.nox/blitz``: it holds
torch and torchvision (about 5.7 GB), and building it once per session would
double both the disk and the time. It is refreshed when requirements.txt (or
requirements-checks.txt, which it includes) changes. ``checks`` has its own
light environment, ``.nox/checks`` (requirements-checks.txt: Sphinx, Babel,
sphinx-lint, zizmor; no torch), built in seconds, so that CI answers a
contributor who changed a catalog before the long jobs have installed torch.
"""

import hashlib
import os
import runpy
import shutil
import sys
import webbrowser
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "none"

ROOT = Path(__file__).resolve().parent
REQUIREMENTS = ROOT / "requirements.txt"
CHECKS_REQUIREMENTS = ROOT / "requirements-checks.txt"
BIN = "Scripts" if os.name == "nt" else "bin"
ENV = ROOT / ".nox" / "blitz"
ENV_BIN = ENV / BIN
PYTHON = str(ENV_BIN / "python")
CHECKS_ENV = ROOT / ".nox" / "checks"


def requirements_digest(path):
    """The SHA-256 of a requirements file and of every file it includes with ``-r``."""
    digest = hashlib.sha256(path.read_bytes())
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-r "):
            digest.update(requirements_digest(path.parent / line[3:].strip()).encode())
    return digest.hexdigest()


def environment(session, env, requirements):
    """Create or refresh a virtual environment from a requirements file; skip pip when nothing
    changed. Return its python."""
    stamp = env / "requirements.sha256"
    wanted = requirements_digest(requirements)
    python = str(env / BIN / "python")
    if not Path(python).exists():
        # Python 3.11, where one can be found: the pinned torch wheels are for it.
        session.run(shutil.which("python3.11") or sys.executable, "-m", "venv", str(env))
    if not stamp.exists() or stamp.read_text() != wanted:
        session.run(python, "-m", "pip", "install", "--disable-pip-version-check", "-r", str(requirements))
        stamp.write_text(wanted)
    session.env["PATH"] = os.pathsep.join([str(env / BIN), os.environ["PATH"]])
    session.env["VIRTUAL_ENV"] = str(env)
    return python


def shared_env(session):
    """Create or refresh the shared environment (requirements.txt, torch included)."""
    environment(session, ENV, REQUIREMENTS)


def npm_packages(session):
    """Install package-lock.json's npm packages (KaTeX, axe-core, Lighthouse) when it changed."""
    installed = ROOT / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (ROOT / "package-lock.json").stat().st_mtime:
        session.run("npm", "ci", "--silent", "--no-audit", "--no-fund", external=True)


@nox.session(default=False)
def docs(session):
    """Build the site in English and Chinese into _build/html (extra args go to sphinx-build)."""
    shared_env(session)
    npm_packages(session)  # the build renders formulas with node and KaTeX
    session.run(PYTHON, "tools/build_site.py", *session.posargs)
    session.run(PYTHON, "tools/check_built.py")
    index = (ROOT / "_build" / "html" / "index.html").as_uri()
    session.log(f"The site: {index}")
    if session.interactive and not os.environ.get("CI"):
        webbrowser.open(index)


@nox.session(default=False)
def book(session):
    """Build the site, print one PDF book per language into it, then list the books on the landing pages."""
    shared_env(session)
    npm_packages(session)
    session.run(PYTHON, "tools/build_site.py", *session.posargs)
    session.run(PYTHON, "tools/check_built.py")
    session.run(PYTHON, "tools/build_book.py")
    # A rebuild with nothing changed but the books: only the landing pages are written again.
    session.run(PYTHON, "tools/build_site.py", *session.posargs)
    session.log(f"The books: {ROOT / '_build' / 'html'}/<language>/blitz-<language>.pdf")


@nox.session(default=False)
def linkcheck(session):
    """Check every external link of every language, code links included, against the live sites (online)."""
    shared_env(session)
    session.env["BLITZ_LIVE_INVENTORIES"] = "1"  # names link as the published site links them
    session.run(PYTHON, "tools/build_site.py", "--builder", "linkcheck", *session.posargs)


@nox.session(default=False)
def checks(session):
    """The fast checks, in seconds, nothing built: every input a contributor edits (catalogs, glossary,
    conf.py's languages, search queries, scripts, data files), the catalog checks, sphinx-lint and
    zizmor on the GitHub workflows. Its own light environment (requirements-checks.txt, no torch)."""
    python = environment(session, CHECKS_ENV, CHECKS_REQUIREMENTS)
    session.run(python, "tools/catalogs.py", "check")
    session.run(python, "-m", "sphinxlint", "--enable", "all", "--disable", "line-too-long",
                # sphinx-gallery's output, rebuilt from examples/ (git-ignored): not an input
                "--ignore", str(ROOT / "docs" / "tutorials"),
                str(ROOT / "docs"), str(ROOT / "locales"))
    session.run(python, "tools/check_workflows.py")


@nox.session(default=False)
def serve(session):
    """Live preview at http://localhost:8000: `nox -s serve` (the source language) or `nox -s serve -- zh_CN`.

    Its rebuilds and `nox -s docs` take turns (docs/_ext/build_lock.py): they share docs/tutorials/.
    """
    shared_env(session)
    session.run(PYTHON, "tools/catalogs.py", "inputs")  # a damaged conf.py or glossary, named before the server starts
    source = runpy.run_path(str(ROOT / "conf.py"))["language"]
    language, *extra = session.posargs or [source]
    session.run(
        str(ENV_BIN / "sphinx-autobuild"),
        "-c", str(ROOT),
        "-D", f"language={language}",
        "--watch", str(ROOT / "examples"),
        "--watch", str(ROOT / "locales"),
        "--watch", str(ROOT / "tools"),
        # sphinx-gallery writes the executed tutorials here; watching it would loop.
        "--re-ignore", r"docs/tutorials/.*",
        "--port", "8000",
        *extra,
        str(ROOT / "docs"),
        str(ROOT / "_build" / "serve" / language),
    )


@nox.session
def tests(session):
    """Run the test suite: tutorials standalone, real builds, catalogs, the site in Chromium.

    In two pytest-xdist workers: most of the suite waits (for a build's subprocess, a browser,
    a kernel), so two halve it on two cores. ``-- -n 0`` runs it in one process.
    """
    shared_env(session)
    npm_packages(session)
    # One torch thread per process: two workers with a thread per core each oversubscribe
    # the cores, and torch's waiting threads then spin (a tutorial ran 18 times slower).
    session.env["OMP_NUM_THREADS"] = "1"
    session.run(PYTHON, "-m", "pytest", "--numprocesses", "2", "--dist", "loadgroup", *session.posargs)


@nox.session(default=False)
def catalogs(session):
    """Refresh every translation's catalogs after English changes (runs only tutorials not run since)."""
    shared_env(session)
    session.run(PYTHON, "tools/update_catalogs.py", *session.posargs)


@nox.session(default=False)
def progress(session):
    """Report translated / fuzzy / untranslated per catalog, list what is left, then show each fuzzy
    message's old and new English side by side (changed words marked) with its translation."""
    shared_env(session)
    session.run(PYTHON, "tools/catalogs.py", "progress")
    session.run(PYTHON, "tools/catalogs.py", "todo")
    session.run(PYTHON, "tools/catalogs.py", "changes")


@nox.session(default=False)
def bench(session):
    """Time clean, no-op and one-edit builds in fresh copies; print figures and targets."""
    shared_env(session)
    session.run(PYTHON, "tools/bench.py", *session.posargs)


@nox.session(default=False)
def lighthouse(session):
    """Build the site, then print Lighthouse's scores per page type, language and device (a benchmark)."""
    shared_env(session)
    npm_packages(session)
    session.run(PYTHON, "tools/build_site.py")
    session.run(PYTHON, "tools/lighthouse.py", *session.posargs)
