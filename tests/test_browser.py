"""The reader's experience, checked in Chromium (Debian's, driven by Playwright).

The ``server``, ``browser`` and ``visit`` fixtures are in conftest.py.
"""

import pytest

from site_facts import AXE, LANGUAGES, PAGES, SOURCE, TRANSLATIONS, language_tag, require_browser

PAGE_URLS = [f"{language}/{name}" for language in LANGUAGES for name in PAGES]
ZH = TRANSLATIONS[0]

require_browser()


@pytest.mark.parametrize(
    ("locale", "landing"), [(language_tag(ZH), f"{ZH}/index.html"), ("en-US", f"{SOURCE}/index.html"), ("fr-FR", f"{SOURCE}/index.html")]
)
def test_root_picks_the_browsers_language(visit, server, locale, landing):
    page = visit(locale=locale).open("")
    page.wait_for_url(server + landing)


def test_root_without_javascript_offers_both_languages(visit, server):
    page = visit(java_script_enabled=False).open("")
    assert page.url == server  # no redirect without JavaScript
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(server + f"{ZH}/index.html")


def test_switcher_round_trip_keeps_page_and_section(visit, server):
    tab = visit(viewport={"width": 1280, "height": 900})
    page = tab.open(f"{SOURCE}/tutorials/plot_2_autograd.html#the-computational-graph")
    page.click(f".sidebar-drawer .language-switch a[hreflang={language_tag(ZH)}]")
    page.wait_for_url(server + f"{ZH}/tutorials/plot_2_autograd.html#the-computational-graph")
    assert page.locator("h1").inner_text().startswith("torch.autograd 入门")
    page.click(f".sidebar-drawer .language-switch a[hreflang={language_tag(SOURCE)}]")
    page.wait_for_url(server + f"{SOURCE}/tutorials/plot_2_autograd.html#the-computational-graph")


def test_switcher_on_a_phone(visit, server):
    tab = visit(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = tab.open(f"{ZH}/index.html")
    link = page.locator(f".article-container .language-switch a[hreflang={language_tag(SOURCE)}]")
    assert link.is_visible()
    link.click()
    page.wait_for_url(server + f"{SOURCE}/index.html")


@pytest.mark.parametrize(("language", "query"), [(ZH, "梯度"), (SOURCE, "gradient")])
def test_search_finds_the_autograd_tutorial(visit, language, query):
    tab = visit()
    page = tab.open(f"{language}/search.html?q={query}")
    result = page.locator("#search-results a[href*='plot_2_autograd']").first
    result.wait_for(timeout=15000)
    assert not tab.errors and not tab.outside


@pytest.mark.parametrize("language", LANGUAGES)
def test_dag_figure_and_math_render(visit, language):
    tab = visit()
    page = tab.open(f"{language}/tutorials/plot_2_autograd.html")
    page.wait_for_function("document.querySelectorAll('mjx-container svg').length >= 10", timeout=20000)
    assert page.locator("mjx-merror, [data-mjx-error]").count() == 0
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
