"""Shared fixtures: a real bilingual build of a clean copy of the repository."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("MPLBACKEND", "Agg")

from clean_copy import clean_copy  # noqa: E402


def run_tool(root, script, *args, env=None):
    """Run one of the repository's tools/ scripts in ``root``; return the finished process.

    Its output (stdout and stderr together) is in ``.stdout``.
    """
    return subprocess.run(
        [sys.executable, str(root / "tools" / script), *map(str, args)],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )


class Site:
    """A finished bilingual build: its HTML, its console output, what it executed."""

    def __init__(self, root, log, executions):
        self.root, self.log, self.executions = root, log, executions
        self.html = root / "_build" / "html"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build both languages from a clean copy, as `nox -s docs` does."""
    root = clean_copy(tmp_path_factory.mktemp("clone") / "repo")
    executions = root / "executions.txt"
    build = run_tool(root, "build_site.py", env={"BLITZ_EXECUTION_LOG": str(executions)})
    assert build.returncode == 0, build.stdout
    return Site(root, build.stdout, executions.read_text().splitlines())
