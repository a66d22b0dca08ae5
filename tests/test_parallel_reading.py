"""中英对照 and its neighbours: English originals, glossary tooltips, the fix link, the built-with line.

The HTML checks read the real build (the ``site`` fixture); the reader's
checks run in Chromium, at phone and desktop widths, by tap and by keyboard.
"""

import json
import os
import re
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from site_facts import (
    AXE, CHROMIUM, LANGUAGES, PAGES, PARTS, REPOSITORY, ROOT, SOURCE, TRANSLATIONS, TUTORIAL, catalog_checks, glossary, language_tag,
)

ZH = TRANSLATIONS[0]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
# The intro paragraph of the autograd tutorial: its English, from the catalog.
INTRO = "is PyTorch's automatic differentiation engine"


def page(site, language, name):
    return BeautifulSoup((site.html / language / name).read_text(encoding="utf-8"), "html.parser")


def catalog(name):
    with open(catalog_checks.locale_dir(ZH) / name.replace(".html", ".po"), "rb") as f:
        return read_po(f)


def shown_text(tag):
    """A block's text as the page shows it: no tooltips, no button."""
    tag = BeautifulSoup(str(tag), "html.parser")
    for hidden in tag.select(".blitz-term-tip, .blitz-original-toggle"):
        hidden.decompose()
    return re.sub(r"\s+", " ", tag.get_text()).strip().rstrip("¶").strip()


def plain(rest):
    """The text of a reST message with no markup but ``literals``."""
    return rest.replace("``", "")


# ---- the build --------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARTS)
def test_each_translated_block_carries_its_english_from_the_catalog(site, name):
    soup = page(site, ZH, name)
    pairs = {}
    for original in soup.select(".blitz-original"):  # two blocks may share a translation
        pairs.setdefault(shown_text(original.find_previous_sibling()), set()).add(shown_text(original))
    blocks = {shown_text(b) for b in soup.select("article :is(p, h1, h2, h3, figcaption)")
              if not b.find_parent(class_="blitz-original")}
    checked = 0
    for message in catalog(name):
        if not message.id or re.search(r"[`*:\\|_]", message.id + message.string) or message.id == message.string:
            continue  # messages with markup read differently from their source; the intro below covers one
        if plain(message.string) not in blocks:
            continue  # an alt text, or part of a block
        assert plain(message.id) in pairs.get(plain(message.string), set()), message.id
        checked += 1
    assert checked >= 5
    for original in soup.select(".blitz-original"):
        assert original.has_attr("hidden") and original["lang"] == language_tag(SOURCE) and original["id"]


def test_originals_keep_markup_and_resolve_cross_references(site):
    soup = page(site, ZH, TUTORIAL)
    intro = next(o for o in soup.select(".blitz-original") if INTRO in o.get_text())
    assert intro.find("code").get_text() == "torch.autograd"
    prerequisites = next(o for o in soup.select(".blitz-original") if "Prerequisites" in o.get_text())
    assert prerequisites.find("a")["href"] == "plot_1_tensors.html"
    assert prerequisites.find("strong").get_text() == "Prerequisites:"
    heading = soup.find("h1").find_next_sibling()
    assert "blitz-original" in heading["class"] and shown_text(heading) == "A gentle introduction to torch.autograd"
    # The link to another page shows that page's English title, not its translated one.
    assert shown_text(prerequisites) == "Prerequisites: Tensors and a little calculus."


@pytest.mark.parametrize("name", PAGES)
def test_originals_read_wholly_in_english(site, name):
    for original in page(site, ZH, name).select(".blitz-original"):
        assert not re.search(r"[\u3400-\u9fff\ue000]", original.get_text()), shown_text(original)


def test_english_pages_get_no_toggle_no_originals_and_no_script(site):
    for language in [SOURCE]:
        for html in (site.html / language).rglob("*.html"):
            text = html.read_text(encoding="utf-8")
            for mark in ("blitz-original", "blitz-parallel", "blitz-term", "parallel.js"):
                assert mark not in text, f"{html}: {mark}"


def test_originals_stay_out_of_the_chinese_search_index(site):
    script = (site.html / ZH / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))["terms"]
    assert "gentl" not in terms and "gentle" not in terms  # only in the English title "A gentle introduction"
    assert "梯度" in terms  # glossary terms are still indexed


@pytest.mark.parametrize("name", PARTS)
def test_glossary_terms_marked_once_per_section_outside_code_links_headings(site, name):
    english = {}
    for term in glossary(ZH)[0]:
        english.setdefault(term["translation"], []).append(term["term"])
    soup = page(site, ZH, name)
    marks = soup.select(".blitz-term")
    assert len(marks) >= 5
    for mark in marks:
        tip = mark.select_one(".blitz-term-tip")
        term = mark.get_text().removesuffix(tip.get_text())
        assert tip["lang"] == language_tag(SOURCE) and set(tip.get_text().split(" / ")) <= set(english[term])
        assert mark["aria-describedby"] == tip["id"] and mark["tabindex"] == "0" and not mark.has_attr("title")
        assert not mark.find_parent(["code", "a", "h1", "h2", "h3", "h4", "pre"])
        assert not mark.find_parent(class_=["blitz-original", "math"])
    for section in soup.select("section"):
        own = [m for m in section.select(".blitz-term") if m.find_parent("section") is section]
        terms = [m.get_text().removesuffix(m.select_one(".blitz-term-tip").get_text()) for m in own]
        assert len(terms) == len(set(terms)), f"a term marked twice in section {section.get('id')}"


def block_english(mark):
    """The English original of the block a glossary mark stands in (its code and links left out)."""
    block = mark.find_parent(["p", "h1", "h2", "h3", "h4", "figcaption"])
    original = BeautifulSoup(str(block.find_next_sibling(class_="blitz-original")), "html.parser")
    for code in original.select("code, a, .katex"):
        code.decompose()
    return original.get_text()


@pytest.mark.parametrize("name", PARTS)
def test_each_tooltip_names_only_what_the_blocks_english_says(site, name):
    forms = {term["term"]: catalog_checks.english_forms(term) for term in glossary(ZH)[0]}
    for mark in page(site, ZH, name).select(".blitz-term"):
        for english in mark.select_one(".blitz-term-tip").get_text().split(" / "):
            assert forms[english].search(block_english(mark)), f"{mark.get_text()}: not in {block_english(mark)!r}"


def test_arguments_and_parameters_keep_their_own_words(site):
    """实参 renders "argument", 参数 "parameter" (a model's): each marked with its own English, never the other."""
    soup = page(site, ZH, TUTORIAL)
    arguments = [o.find_previous_sibling() for o in soup.select(".blitz-original")
                 if re.search(r"\bargument\b", o.get_text()) and not re.search(r"\bparameter", o.get_text())]
    assert arguments and all("实参" in shown_text(block) and "参数" not in shown_text(block) for block in arguments)
    tips = {}
    for mark in soup.select(".blitz-term"):
        for word in ("实参", "参数"):
            if mark.get_text().startswith(word):
                tips.setdefault(word, set()).add(mark.select_one(".blitz-term-tip").get_text())
    assert tips == {"实参": {"argument"}, "参数": {"parameter"}}


def test_no_fix_link_without_a_repository(site):
    for language in LANGUAGES:
        for name in ["index.html", TUTORIAL]:
            assert not page(site, language, name).select(".blitz-source-link")


@pytest.mark.parametrize(
    ("language", "name", "target", "label"),
    [
        (ZH, TUTORIAL, f"locales/{ZH}/LC_MESSAGES/tutorials/plot_2_autograd.po", "改进本页翻译"),
        (ZH, "index.html", f"locales/{ZH}/LC_MESSAGES/index.po", "改进本页翻译"),
        (SOURCE, TUTORIAL, "examples/plot_2_autograd.py", "Improve this page"),
        (SOURCE, "contributing/translating.html", "docs/contributing/translating.rst", "Improve this page"),
    ],
)
def test_fix_link_with_a_repository(site_with_repository, language, name, target, label):
    soup = BeautifulSoup((site_with_repository / language / name).read_text(encoding="utf-8"), "html.parser")
    link = soup.select_one(".blitz-source-link a")
    assert link["href"] == f"{REPOSITORY}/blob/main/{target}" and link.get_text() == label
    assert (ROOT / target).exists()
    assert not BeautifulSoup((site_with_repository / language / "search.html").read_text(encoding="utf-8"),
                             "html.parser").select(".blitz-source-link")


def built_with(site, name):
    return json.loads((site.root / "docs" / "tutorials" / name.split("/")[-1].replace(".html", ".built_with.json")).read_text())


@pytest.mark.parametrize("name", PARTS)
def test_tutorials_record_what_executed_them(site, name):
    facts = built_with(site, name)
    assert facts == {
        "torch": version("torch"), "torchvision": version("torchvision"),
        "python": ".".join(map(str, sys.version_info[:3])), "date": facts["date"],
    }
    assert facts["date"] == datetime.now(UTC).date().isoformat() or os.environ.get("SOURCE_DATE_EPOCH")
    for language, words in [(SOURCE, "Executed on"), (ZH, "本页代码于")]:
        line = page(site, language, name).select_one("h1 ~ .blitz-built-with").get_text()
        assert line.startswith(words)
        for value in facts.values():
            assert value in line


def test_built_with_date_honours_source_date_epoch(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    import built_with

    (tmp_path / "tutorials").mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    built_with.record_versions({"src_dir": str(tmp_path), "gallery_dirs": "tutorials"}, "plot_9_x.py", "before")
    facts = json.loads((tmp_path / "tutorials" / "plot_9_x.built_with.json").read_text())
    assert facts["date"] == "2023-11-14" and facts["torch"] == version("torch")


# ---- the reader, in Chromium ------------------------------------------------------------

browser_ready = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and AXE.exists()),
    reason="needs Debian's chromium and `npm ci` (axe-core); .ci/run installs both",
)


# The English originals a reader can see at all: not those of a solution still folded in its <details>.
OPEN_ORIGINALS = "[...document.querySelectorAll('.blitz-original')].filter(o => !o.closest('details:not([open])'))"


def count_shown(page):
    """How many English originals the reader sees (in the current media: screen or print)."""
    return page.evaluate(f"{OPEN_ORIGINALS}.filter(o => o.checkVisibility()).length")


def count_originals(page):
    return page.evaluate(f"{OPEN_ORIGINALS}.length")


def intro_block(page):
    """The autograd intro paragraph (its Chinese), its button and its English."""
    original = page.locator(".blitz-original", has_text=INTRO)
    block = page.locator(f"p:has(+ #{original.get_attribute('id')})")
    return block, block.locator(".blitz-original-toggle"), original


@browser_ready
@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1440px"])
def test_one_paragraph_by_tap_and_by_keyboard(visit, device):
    tab = visit(**device)
    page = tab.open(f"{ZH}/{TUTORIAL}")
    block, button, original = intro_block(page)
    assert original.is_hidden() and button.get_attribute("aria-expanded") == "false"
    name = button.evaluate("b => b.getAttribute('aria-label')")
    assert re.search(r"[\u4e00-\u9fff]", name) and not re.search(r"[A-Za-z]", name)
    assert button.get_attribute("aria-controls") == original.get_attribute("id")
    assert page.get_by_role("button", name=name).count() >= 20

    button.tap() if device.get("has_touch") else button.click()
    assert original.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert original.get_attribute("lang") == language_tag(SOURCE)
    box, text_box = original.bounding_box(), block.bounding_box()
    assert box["y"] >= text_box["y"] + text_box["height"] - 1, "the English shows under its paragraph"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    button.tap() if device.get("has_touch") else button.click()
    assert original.is_hidden()

    # The block itself opens its English too, and no visible button sits in the text.
    block.click(position={"x": 40, "y": 8})
    assert original.is_visible() and button.get_attribute("aria-expanded") == "true"
    block.click(position={"x": 40, "y": 8})
    assert original.is_hidden()
    mark, text_box = button.bounding_box(), block.bounding_box()
    assert mark["x"] >= text_box["x"] + text_box["width"] - 1, "the button is a mark in the margin, beside the text"
    assert mark["width"] >= 12 and mark["height"] >= 24, "a target a thumb can hit"
    assert button.inner_text().strip() == "" or not button.locator("span").first.evaluate(
        "s => s.getBoundingClientRect().width > 1"), "the button shows no words in the text"

    button.focus()
    page.keyboard.press("Enter")
    assert original.is_visible() and button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert original.is_hidden() and button.get_attribute("aria-expanded") == "false"
    # Only that paragraph: the others stay Chinese.
    assert count_shown(page) == 0
    assert not tab.errors and not tab.outside


@browser_ready
def test_hidden_originals_are_not_read_and_shown_ones_are_english(visit):
    page = visit(**DESKTOP).open(f"{ZH}/{TUTORIAL}")
    article = page.locator("article")
    assert INTRO not in article.aria_snapshot()
    _, button, original = intro_block(page)
    button.click()
    assert INTRO in article.aria_snapshot()
    assert original.evaluate("o => o.closest('[lang]').lang") == language_tag(SOURCE)


@browser_ready
def test_page_toggle_is_remembered_across_pages(visit):
    tab = visit(**PHONE)
    page = tab.open(f"{ZH}/{TUTORIAL}")
    toggle = page.locator(".blitz-page-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    toggle.tap()
    assert count_originals(page) > 20 and count_shown(page) == count_originals(page)
    assert page.locator(".blitz-original-toggle[aria-expanded=false]").count() == 0

    page = tab.open(f"{ZH}/tutorials/plot_3_neural_networks.html")
    assert page.locator(".blitz-page-toggle").get_attribute("aria-pressed") == "true"
    assert count_shown(page) == count_originals(page) > 10
    page.locator(".blitz-page-toggle").tap()
    assert count_shown(page) == 0

    page = tab.open(f"{ZH}/{TUTORIAL}")
    assert count_shown(page) == 0
    assert page.locator(".blitz-page-toggle").get_attribute("aria-pressed") == "false"


@browser_ready
def test_the_script_moves_nothing_and_without_it_no_dead_button_shows(visit):
    """The buttons and the page toggle are in the page as written; parallel.js only makes them work."""
    blocks = (
        "[...document.querySelectorAll('article :is(h1, h2, p)')].map(e => Math.round(e.getBoundingClientRect().top))"
    )
    tab = visit(**PHONE)
    tab.page.route("**/parallel.js", lambda route: route.abort())
    before_script = tab.open(f"{ZH}/{TUTORIAL}").evaluate(blocks)
    page = visit(**PHONE).open(f"{ZH}/{TUTORIAL}")
    assert page.locator(".blitz-original-toggle").count() > 20
    assert page.evaluate(blocks) == before_script, "parallel.js moved the text the reader was reading"

    page = visit(**PHONE, java_script_enabled=False).open(f"{ZH}/{TUTORIAL}")
    shown = ".blitz-page-toggle, .blitz-original-toggle"
    assert page.locator(shown).count() > 20
    assert page.locator(shown).evaluate_all("els => els.filter(e => e.checkVisibility()).length") == 0


@browser_ready
def test_print_shows_originals_only_with_the_page_toggle(visit):
    page = visit(**DESKTOP).open(f"{ZH}/{TUTORIAL}")
    _, button, original = intro_block(page)
    button.click()
    page.emulate_media(media="print")
    assert original.is_hidden(), "one opened paragraph does not print its English"
    page.emulate_media(media="screen")
    page.locator(".blitz-page-toggle").click()
    page.emulate_media(media="print")
    assert count_shown(page) == count_originals(page)
    assert page.evaluate("[...document.querySelectorAll('.blitz-original-toggle, .blitz-page-toggle')]"
                         ".some(b => b.checkVisibility())") is False


@browser_ready
@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["390px", "1440px"])
def test_glossary_tooltip_on_focus_and_tap(visit, device):
    page = visit(**device).open(f"{ZH}/{TUTORIAL}")
    term = page.locator(".blitz-term", has_text="梯度").first
    tip = term.locator(".blitz-term-tip")
    assert tip.is_hidden()
    term.focus()
    assert tip.is_visible() and tip.inner_text() == "gradient" and tip.get_attribute("lang") == language_tag(SOURCE)
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.locator("h1").click()
    if device.get("has_touch"):
        term.tap()
        assert tip.is_visible()
        box, viewport = tip.bounding_box(), device["viewport"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


@browser_ready
def test_built_with_line_in_both_languages(visit):
    tab = visit(**DESKTOP)
    english = tab.open(f"{SOURCE}/{TUTORIAL}").locator(".blitz-built-with").inner_text()
    chinese = tab.open(f"{ZH}/{TUTORIAL}").locator(".blitz-built-with").inner_text()
    assert english.startswith("Executed on") and chinese.startswith("本页代码于")
    assert f"torch {version('torch')}" in english and f"torch {version('torch')}" in chinese


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations")
    return {f"{v['id']} ({v['impact']}): {n['target']}" for v in violations for n in v["nodes"]}


@browser_ready
@pytest.mark.parametrize("shown", [False, True], ids=["toggle-off", "toggle-on"])
def test_axe_finds_nothing_on_a_zh_tutorial(visit, shown):
    """No violation of any impact from parallel reading, its buttons or its tooltips.

    The theme's own (furo's two unnamed asides: landmark-unique) are measured
    on the English page, which has none of this, and left to the theme's fixes.
    """
    theme = axe_violations(visit(**DESKTOP).open(f"{SOURCE}/{TUTORIAL}"))
    page = visit(**DESKTOP).open(f"{ZH}/{TUTORIAL}")
    if shown:
        page.locator(".blitz-page-toggle").click()
        page.locator(".blitz-term").first.focus()
        assert count_shown(page) > 20
    assert axe_violations(page) - theme == set()
