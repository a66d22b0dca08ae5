"""Shared fixtures: a real build of every language from a clean copy of the repository, and the
site served to Chromium (``server``, ``browser``, ``visit``) for the browser tests.

`nox -s tests` runs the tests in two pytest-xdist workers; each site variant is still built once
per test run (``built_once``), by whichever worker asks first, and read by both."""

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import filelock
import pytest

from site_facts import CHROMIUM, REPOSITORY, SITE_URL, clean_copy, run_tool


class Site:
    """A finished build: its HTML, its console output, what it executed."""

    def __init__(self, root, log, executions, offline):
        self.root, self.log, self.executions, self.offline = root, log, executions, offline
        self.html = root / "_build" / "html"


def pytest_collection_modifyitems(items):
    """The tests that need no shared site first, in their order, then the others: while one worker
    builds the site (about a minute), the other runs tests rather than waiting for it."""
    items.sort(key=lambda item: "site" in getattr(item, "fixturenames", ()))


def network_isolation():
    """The command prefix that runs a build with no network at all, if this machine allows it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0:
        return ["unshare", "-rn"]
    return []


def built_once(tmp_path_factory, name, build):
    """``build(folder)``'s result (a dict), run once per test run however many workers ask.

    Session fixtures are per process, and each xdist worker is one: the first worker to ask
    builds into a folder that all share (beside the workers' own temporary folders), the
    others wait for the lock and read what it recorded. A failed build is recorded too, so
    that it fails every test that needs it without being built again.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    folder, record = shared / name, shared / f"{name}.json"
    with filelock.FileLock(f"{shared / name}.lock"):
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            record.write_text(json.dumps(build(folder)), encoding="utf-8")
    return json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build every language from a clean copy, as `nox -s docs` does, without network where possible."""
    def build(folder):
        root = clean_copy(folder / "repo")
        executions = root / "executions.txt"
        isolation = network_isolation()
        run = subprocess.run(
            [*isolation, sys.executable, "tools/build_site.py"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800,
            env={**os.environ, "BLITZ_EXECUTION_LOG": str(executions), "BLITZ_SITE_URL": SITE_URL},
        )
        return {"root": str(root), "returncode": run.returncode, "log": run.stdout, "offline": bool(isolation),
                "executions": executions.read_text().splitlines() if executions.exists() else []}

    built = built_once(tmp_path_factory, "site", build)
    assert built["returncode"] == 0, built["log"]
    return Site(Path(built["root"]), built["log"], built["executions"], offline=built["offline"])


@pytest.fixture(scope="session")
def unexecuted_site(tmp_path_factory):
    """Every language built from a clean copy without running the tutorials (``plot_gallery=0``),
    once per test run; the repository's root. Tests read it and never change it."""
    def build(folder):
        root = clean_copy(folder / "repo")
        run = run_tool(root, "build_site.py", "-D", "plot_gallery=0")
        return {"root": str(root), "returncode": run.returncode, "log": run.stdout}

    built = built_once(tmp_path_factory, "unexecuted-site", build)
    assert built["returncode"] == 0, built["log"]
    return Path(built["root"])


@pytest.fixture(scope="session")
def site_with_repository(site, tmp_path_factory):
    """The same site built again as publishing builds it, with BLITZ_REPOSITORY_URL and BLITZ_SITE_URL
    (the tutorials' cache is reused); test_book prints its books from a copy of it."""
    def build(out):
        run = run_tool(site.root, "build_site.py", "--out", out,
                       env={"BLITZ_REPOSITORY_URL": REPOSITORY, "BLITZ_SITE_URL": SITE_URL})
        return {"out": str(out), "returncode": run.returncode, "log": run.stdout}

    built = built_once(tmp_path_factory, "with-repository", build)
    assert built["returncode"] == 0, built["log"]
    return Path(built["out"]) / "html"


@pytest.fixture(scope="module")
def server(site):
    """Serve the built site on a free local port; yield its address."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # A page closed while it still fetched (the search's snippets): the browser hung up.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    handler = functools.partial(Quiet, directory=str(site.html))
    httpd = QuietServer(("127.0.0.1", 0), handler)
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
