"""Shared fixture: a real build of every language from a clean copy of the repository."""

import os
import shutil
import subprocess
import sys

import pytest

from site_facts import SITE_URL, clean_copy


class Site:
    """A finished build: its HTML, its console output, what it executed."""

    def __init__(self, root, log, executions, offline):
        self.root, self.log, self.executions, self.offline = root, log, executions, offline
        self.html = root / "_build" / "html"


def network_isolation():
    """The command prefix that runs a build with no network at all, if this machine allows it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0:
        return ["unshare", "-rn"]
    return []


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build every language from a clean copy, as `nox -s docs` does, without network where possible."""
    root = clean_copy(tmp_path_factory.mktemp("clone") / "repo")
    executions = root / "executions.txt"
    isolation = network_isolation()
    build = subprocess.run(
        [*isolation, sys.executable, "tools/build_site.py"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800,
        env={**os.environ, "BLITZ_EXECUTION_LOG": str(executions), "BLITZ_SITE_URL": SITE_URL},
    )
    assert build.returncode == 0, build.stdout
    return Site(root, build.stdout, executions.read_text().splitlines(), offline=bool(isolation))
