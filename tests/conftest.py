"""Shared fixtures: a real bilingual build of a clean copy of the repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("MPLBACKEND", "Agg")

import build_site  # noqa: E402

def clean_copy(destination):
    """Copy what a fresh clone would hold (plus uncommitted work): no builds, no venvs."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build both languages from a clean copy, as `nox -s docs` does; return (html dir, logs)."""
    root = clean_copy(tmp_path_factory.mktemp("clone") / "repo")
    out = root / "_build"
    logs = build_site.build_site(out, root=root, capture=True)
    return out / "html", logs
