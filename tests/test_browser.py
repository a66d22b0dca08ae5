"""The reader's experience, checked in Chromium (Debian's, driven by Playwright)."""

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "index.html",
    "tutorials/plot_1_tensors.html",
    "tutorials/plot_2_autograd.html",
    "tutorials/plot_3_neural_networks.html",
    "tutorials/plot_4_classifier.html",
    "contributing/translating.html",
    "contributing/glossary.html",
    "contributing/status.html",
    "search.html",
]
PAGE_URLS = [f"{language}/{name}" for language in ("en", "zh_CN") for name in PAGES]

if not (Path(CHROMIUM).exists() and AXE.exists()):
    reason = "needs Debian's chromium and `npm ci` (axe-core); .ci/run installs both"
    if os.environ.get("CI"):
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


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
    tabs = []

    def open_tab(**options):
        tabs.append(Visit(browser, server, **options))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.context.close()


@pytest.mark.parametrize(("locale", "landing"), [("zh-CN", "zh_CN/index.html"), ("en-US", "en/index.html")])
def test_root_picks_the_browsers_language(visit, server, locale, landing):
    page = visit(locale=locale).open("")
    page.wait_for_url(server + landing)


def test_root_without_javascript_offers_both_languages(visit, server):
    page = visit(java_script_enabled=False).open("")
    assert page.url == server  # no redirect without JavaScript
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(server + "zh_CN/index.html")


def test_switcher_round_trip_keeps_page_and_section(visit, server):
    tab = visit(viewport={"width": 1280, "height": 900})
    page = tab.open("en/tutorials/plot_2_autograd.html#the-computational-graph")
    page.click(".sidebar-drawer .language-switch a[hreflang=zh-CN]")
    page.wait_for_url(server + "zh_CN/tutorials/plot_2_autograd.html#the-computational-graph")
    assert page.locator("h1").inner_text().startswith("torch.autograd 入门")
    page.click(".sidebar-drawer .language-switch a[hreflang=en]")
    page.wait_for_url(server + "en/tutorials/plot_2_autograd.html#the-computational-graph")


def test_switcher_on_a_phone(visit, server):
    tab = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = tab.open("zh_CN/index.html")
    link = page.locator(".article-container .language-switch a[hreflang=en]")
    assert link.is_visible()
    link.click()
    page.wait_for_url(server + "en/index.html")


@pytest.mark.parametrize(("language", "query"), [("zh_CN", "梯度"), ("en", "gradient")])
def test_search_finds_the_autograd_tutorial(visit, language, query):
    tab = visit()
    page = tab.open(f"{language}/search.html?q={query}")
    result = page.locator("#search-results a[href*='plot_2_autograd']").first
    result.wait_for(timeout=15000)
    assert not tab.errors and not tab.outside


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_dag_figure_and_math_render(visit, language):
    tab = visit()
    page = tab.open(f"{language}/tutorials/plot_2_autograd.html")
    # Formulas are in the page as written, before any script runs, in KaTeX's fonts.
    assert page.locator(".math .katex-html").count() >= 10
    assert page.locator(".katex-error").count() == 0
    loaded = page.evaluate(
        "document.fonts.ready.then(fonts => [...fonts].filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert "KaTeX_Main" in loaded and "KaTeX_Math" in loaded
    scripts = page.evaluate("[...document.scripts].map(s => s.src)")
    assert not [src for src in scripts if "math" in src.lower() or "katex" in src.lower()]
    width = page.eval_on_selector("img[src*='sphx_glr_plot_2_autograd_001']", "img => img.naturalWidth")
    assert width > 300
    assert not tab.errors and not tab.outside


@pytest.mark.parametrize("path", PAGE_URLS)
def test_page_is_self_contained_and_error_free(visit, path):
    tab = visit()
    tab.open(path)
    assert tab.outside == [], "requests left the site"
    assert tab.errors == [], "console errors"


@pytest.mark.parametrize("path", PAGE_URLS)
def test_no_horizontal_scroll_on_a_phone(visit, path):
    page = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).open(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.mark.parametrize("path", PAGE_URLS)
def test_no_serious_accessibility_violations(visit, path):
    page = visit().open(path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
