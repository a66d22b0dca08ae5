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
    # Formulas are in the page as written, before any script runs, in KaTeX's fonts.
    assert page.locator(".math .katex-html").count() >= 10
    assert page.locator(".katex-error").count() == 0
    # Sections far from the screen are laid out as the reader nears them (content-visibility),
    # and their formulas' fonts load then: bring each formula on screen, as a reader does.
    for formula in page.locator("div.math").all():
        formula.scroll_into_view_if_needed()
    page.wait_for_function(
        "['KaTeX_Main', 'KaTeX_Math'].every(family => [...document.fonts].some("
        "f => f.family === family && f.status === 'loaded'))", timeout=10000
    )
    scripts = page.evaluate("[...document.scripts].map(s => s.src)")
    assert not [src for src in scripts if "math" in src.lower() or "katex" in src.lower()]
    figure = page.locator("img[src*='sphx_glr_plot_2_autograd_001']")
    figure.scroll_into_view_if_needed()  # it loads lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    assert figure.evaluate("img => img.naturalWidth") > 300
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


# --- Fast and accessible on a phone (issue 14) ---

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
WIDTHS = {390: PHONE, 1440: DESKTOP}
PAGE_WEIGHT_LIMIT = 400_000  # bytes transferred before images, gzipped


@pytest.fixture(scope="module")
def gzip_server(site):
    """The site served gzipped, as a static host serves it (for transfer sizes)."""
    from lighthouse import serve

    httpd = serve(site.html)
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


def with_theme(tab, theme):
    """furo reads the reader's choice from localStorage before it paints."""
    tab.context.add_init_script(f"localStorage.setItem('theme', '{theme}')")
    return tab


def tab_through(page, stops):
    """Press Tab ``stops`` times; yield a description of each focused element."""
    for _ in range(stops):
        page.keyboard.press("Tab")
        yield page.evaluate("""() => {
            const el = document.activeElement;
            return {
                name: el.outerHTML.slice(0, 120),
                inDrawer: !!el.closest('.sidebar-drawer, .toc-drawer'),
                body: el === document.body,
            };
        }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGE_URLS)
def test_no_accessibility_violations_of_any_impact(visit, path, theme, width):
    tab = with_theme(visit(**WIDTHS[width]), theme)
    page = tab.open(path)
    assert page.evaluate("document.body.dataset.theme") == theme
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations")
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_drawer_opens_by_keyboard_and_hides_its_links_when_closed(visit, language):
    page = visit(**PHONE).open(f"{language}/tutorials/plot_2_autograd.html")
    drawer = page.locator(".sidebar-drawer")
    stops = list(tab_through(page, 40))
    assert not [s["name"] for s in stops if s["inDrawer"]], "a closed drawer's link took focus"
    button = page.locator(".nav-overlay-icon [role=button]")
    assert button.get_attribute("aria-expanded") == "false"
    expected_name = "菜单" if language == ZH else "Menu"
    assert page.get_by_role("button", name=expected_name).count() == 1
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.querySelector('.sidebar-drawer').getBoundingClientRect().left >= 0")
    assert page.evaluate("!!document.activeElement.closest('.sidebar-drawer')"), "focus did not enter the drawer"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.sidebar-drawer')")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("!!document.activeElement.closest('.nav-overlay-icon')")
    page.wait_for_function("document.querySelector('.sidebar-drawer').getBoundingClientRect().right <= 0")
    assert drawer.evaluate("el => getComputedStyle(el).visibility") == "hidden"


FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== 'none';
    const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
        && box.top < innerHeight && box.left < innerWidth;
    return ring && onScreen && el.checkVisibility({opacityProperty: true, visibilityProperty: true});
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [f"{SOURCE}/tutorials/plot_1_tensors.html", f"{ZH}/index.html", f"{SOURCE}/search.html"])
def test_focus_is_always_visible(visit, path, width):
    page = visit(**WIDTHS[width]).open(path)
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last stop
        if not page.evaluate(FOCUS_SHOWN):
            page.wait_for_timeout(400)  # let transitions (skip link, copy button) finish
            if not page.evaluate(FOCUS_SHOWN):
                hidden.append(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
    assert hidden == []


def test_copy_button_shows_when_focused(visit):
    page = visit(**DESKTOP).open("en/tutorials/plot_1_tensors.html")
    button = page.locator("button.copybtn").first
    button.focus()
    page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")
    assert button.evaluate("el => getComputedStyle(el).outlineStyle") != "none"


@pytest.mark.parametrize("width", WIDTHS)
def test_language_links_are_large_enough_to_tap(visit, width):
    page = visit(**WIDTHS[width]).open(f"{ZH}/tutorials/plot_2_autograd.html")
    links = page.locator(".language-switch a").all()
    boxes = [link.bounding_box() for link in links if link.is_visible()]
    assert len(boxes) == 2
    assert all(box["height"] >= 24 and box["width"] >= 24 for box in boxes), boxes
    if width == 1440:  # "On this page" is shown beside the text
        toc = [link.bounding_box() for link in page.locator(".toc-tree a").all() if link.is_visible()]
        assert toc and all(box["height"] >= 24 and box["width"] >= 24 for box in toc), toc


@pytest.mark.parametrize("language", LANGUAGES)
def test_landmarks_are_named_and_search_has_a_heading(visit, language):
    page = visit(**DESKTOP).open(f"{language}/search.html")
    assert page.locator("h1").count() == 1
    names = page.locator("aside").evaluate_all("asides => asides.map(a => a.getAttribute('aria-label'))")
    assert len(names) == 2 and all(names) and len(set(names)) == 2


def test_favicon_is_served_from_the_site(visit, server):
    page = visit().open(f"{ZH}/tutorials/plot_4_classifier.html")
    href = page.eval_on_selector("link[rel~=icon]", "link => link.href")
    assert href.startswith(server)
    response = page.request.get(href)
    assert response.ok and "svg" in response.headers["content-type"]


def test_print_hides_navigation_and_wraps_code(visit):
    page = visit(**PHONE).open(f"{SOURCE}/tutorials/plot_4_classifier.html")
    overflowing = "[...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length"
    assert page.evaluate(overflowing) > 0, "no long code line: this test would prove nothing"
    page.emulate_media(media="print")
    assert page.evaluate(overflowing) == 0
    for selector in (".skip-to-content", ".language-switch"):
        shown = page.locator(selector).evaluate_all("els => els.filter(e => getComputedStyle(e).display !== 'none')")
        assert shown == [], selector


@pytest.mark.parametrize(("width", "sharpness"), [(390, 3), (1440, 2)])
@pytest.mark.parametrize("path", [f"{SOURCE}/index.html", f"{ZH}/tutorials/plot_4_classifier.html"])
def test_images_are_sized_and_no_larger_than_shown(visit, path, width, sharpness):
    page = visit(**WIDTHS[width]).open(path)
    images = page.locator("article img")
    assert images.count()
    for image in images.all():
        image.scroll_into_view_if_needed()  # tutorial figures load lazily
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        width_attr, height_attr, natural, shown = image.evaluate(
            "i => [i.getAttribute('width'), i.getAttribute('height'), i.naturalWidth, i.width]"
        )
        assert width_attr and height_attr, "an image without width and height"
        assert natural <= sharpness * shown, f"{natural} px wide, shown at {shown} px"


@pytest.mark.parametrize("language", LANGUAGES)
def test_figures_load_only_when_the_reader_scrolls_near(visit, language):
    tab = visit(**PHONE)
    figures = []
    tab.page.on("request", lambda request: "/_images/sphx_glr_" in request.url and figures.append(request.url))
    page = tab.open(f"{language}/tutorials/plot_4_classifier.html")
    assert figures == [], "a figure far below the first screen was fetched with the page"
    last = page.locator("img.sphx-glr-single-img").last
    last.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=last.element_handle())
    assert any(url.endswith(last.get_attribute("src").rsplit("/", 1)[-1]) for url in figures)


@pytest.mark.parametrize("path", PAGE_URLS)
def test_page_weight_before_images(browser, gzip_server, path):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(gzip_server + path, wait_until="networkidle")
        transferred = page.evaluate("""() => {
            const entries = [...performance.getEntriesByType('navigation'),
                             ...performance.getEntriesByType('resource')];
            return entries
                .filter(e => e.initiatorType !== 'img' && !/\\.(png|jpe?g|gif|webp|avif|svg)(\\?|$)/.test(e.name))
                .reduce((sum, e) => sum + e.transferSize, 0);
        }""")
        encoding = page.evaluate("fetch(location.href).then(r => r.headers.get('content-encoding'))")
    finally:
        context.close()
    assert encoding == "gzip"
    assert 0 < transferred <= PAGE_WEIGHT_LIMIT


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_link_to_a_section_far_down_lands_on_it(visit, language):
    # Nothing above it may change size after the jump: lazy figures are sized, and
    # sections are laid out at once (content-visibility: auto made this link land
    # 4,000 px above its heading).
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = visit(**PHONE).open(f"{language}/tutorials/plot_2_autograd.html#recap")
    heading = page.locator("#recap > h2")
    try:  # furo scrolls smoothly: give the jump a moment to arrive
        page.wait_for_function("h => h.getBoundingClientRect().top < 120", arg=heading.element_handle(), timeout=5000)
    except PlaywrightTimeout:
        pass
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 120, f"the heading is {top:.0f} px from the top of the screen"
    assert page.evaluate("scrollY") > 5000
