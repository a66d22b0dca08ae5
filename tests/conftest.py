"""Shared fixtures: a real build of every language from a clean copy of the repository, and the
site served to Chromium (``server``, ``browser``, ``visit``) for the browser tests."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading

import pytest

from site_facts import CHROMIUM, REPOSITORY, SITE_URL, clean_copy, run_tool


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


@pytest.fixture(scope="session")
def site_with_repository(site, tmp_path_factory):
    """The same site built again with BLITZ_REPOSITORY_URL, as publishing builds it (the tutorials' cache is reused)."""
    out = tmp_path_factory.mktemp("with-repository")
    build = run_tool(site.root, "build_site.py", "--out", out, env={"BLITZ_REPOSITORY_URL": REPOSITORY})
    assert build.returncode == 0, build.stdout
    return out / "html"


@pytest.fixture(scope="module")
def server(site):
    """Serve the built site on a free local port; yield its address."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site.html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


class Visit:
    """A browser tab that records console errors and every request that leaves the site."""

    def __init__(self, browser, server, **context_options):
        self.server = server
        self.context = browser.new_context(**context_options)
        self.outside, self.errors = [], []
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def route(self, route):
        if route.request.url.startswith(self.server):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path):
        self.page.goto(self.server + path, wait_until="networkidle")
        return self.page


@pytest.fixture
def visit(browser, server):
    """Open browser tabs on the served site: ``visit(viewport=...)`` returns a Visit."""
    tabs = []

    def open_tab(**options):
        tabs.append(Visit(browser, server, **options))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.context.close()
