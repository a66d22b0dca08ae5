"""What a phone must lay out: each page's element count within a budget, code blocks without
the spans that draw nothing, off-screen sections skipped until they near the screen (issue 29).

Counting the built HTML's elements is cheap and deterministic, unlike Lighthouse (``nox -s
lighthouse``, a benchmark), so a feature that adds thousands of nodes to a page fails here the
day it lands.
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_facts import CHROMIUM, LANGUAGES, PAGES, ROOT, SOURCE

import plain_code_tokens  # noqa: E402  (docs/_ext, which site_facts puts on the path)
import section_sizes  # noqa: E402

# Elements of one built page, before its scripts run. Chinese Part 2, the heaviest, had 9,202
# (Lighthouse: 9,534, performance 81 to 96 on a phone); with plain code tokens 7,364, most of them
# its formulas' KaTeX HTML and MathML. A budget a little above it: a page that needs more is a
# page to make lighter (content a reader has not opened need not be in the DOM), not a budget to raise.
ELEMENT_BUDGET = 8000
TUTORIALS = sorted(f"tutorials/{path.stem}.html" for path in (ROOT / "examples").glob("plot_*.py"))


def elements(site, language, name):
    return BeautifulSoup((site.html / language / name).read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", TUTORIALS)
def test_each_tutorial_within_its_element_budget(site, language, name):
    count = len(elements(site, language, name).find_all(True))
    assert count <= ELEMENT_BUDGET, (
        f"{language}/{name} has {count:,} elements (budget {ELEMENT_BUDGET:,}): a phone styles and lays out "
        "each of them; see README, Page speed"
    )


def test_code_blocks_read_the_same_without_plain_spans(site):
    soup = elements(site, SOURCE, "tutorials/plot_4_classifier.html")
    code = soup.select("div.highlight-Python pre")
    assert code, "no Python code block"
    for pre in code:
        assert not pre.select(":scope > span.n, :scope > span.p, :scope > span.w"), "a plain token kept its span"
    # Code links keep theirs: there the span's colour, not the link's, is the code's.
    links = soup.select("pre a.sphx-glr-backref-module-torch")
    assert links and all(link.find("span") for link in links)


def test_unwrapping_keeps_the_text_and_the_links():
    html = ('<pre><span></span><span class="n">x</span><span class="w"> </span><span class="o">=</span>'
            '<span class="w"> </span><a href="t" title="torch.Size"><span class="n">data</span>'
            '<span class="o">.</span><span class="n">shape</span></a><span class="p">)</span></pre>'
            '<p><span class="n">prose</span></p>')
    lighter = plain_code_tokens.unwrap_plain_tokens(html, frozenset({"n", "p", "w"}))
    assert re.sub("<[^>]+>", "", lighter) == re.sub("<[^>]+>", "", html)
    assert lighter == ('<pre><span></span>x <span class="o">=</span> <a href="t" title="torch.Size">'
                       '<span class="n">data</span><span class="o">.</span><span class="n">shape</span></a>)</pre>'
                       '<p><span class="n">prose</span></p>')


def test_plain_classes_are_those_without_a_style_of_their_own():
    light = ".highlight { background: #f8f8f8; color: #111 }\n.highlight .n { color: #111 }\n" \
            ".highlight .p { color: #111; font-weight: bold }\n.highlight .w { color: #bbb }\n" \
            ".highlight .k { color: #008000 }"
    dark = ".highlight { background: #222; color: #ddd }\n.highlight .n { color: #ddd }\n.highlight .w { color: #666 }"
    assert plain_code_tokens.plain_classes([light, dark]) == {"n", "w"}


def test_each_section_below_the_title_carries_its_estimated_size():
    body = ('<section id="a"><h1>T</h1><section id="b"><p>一二三</p><section id="c"><pre>1\n2\n</pre></section></section>'
            '<section id="d"><pre>1\n2\n3\n</pre><img width="700" height="500"></section></section>')
    sized = section_sizes.with_sizes(body)
    sizes = {id_: int(size) for size, id_ in
             re.findall(r'<section style="contain-intrinsic-size: auto (\d+)px" id="(\w)"', sized)}
    assert set(sizes) == {"b", "c", "d"} and '<section id="a">' in sized
    assert sizes["d"] > 500 + 3 * section_sizes.CODE_LINE  # the image and the code lines
    assert sizes["b"] > sizes["c"] > 2 * section_sizes.CODE_LINE  # a section holds its subsections
    assert re.sub(r' style="[^"]*"', "", sized) == body


def test_off_screen_sections_are_skipped_on_screen_and_printed_whole():
    css = (ROOT / "docs" / "_static" / "blitz.css").read_text(encoding="utf-8")
    rule = re.search(r"article section section \{([^}]*)\}", css)
    assert rule and "content-visibility: auto" in rule[1] and "contain-intrinsic-size: auto" in rule[1]
    printed = css[css.index("@media print", rule.end()):]
    assert re.search(r"article section section \{\s*content-visibility: visible", printed)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium; .ci/run installs it")
@pytest.mark.parametrize("width", [320, 1440])
def test_no_section_is_laid_out_taller_than_its_estimate(visit, width):
    """A skipped section overflowing its estimate overlaps the next one for tools that measure it
    (axe's target-size found 中英对照 buttons on top of each other): every estimate is generous."""
    tab = visit(viewport={"width": width, "height": 800})
    for language in LANGUAGES:
        for name in PAGES:
            page = tab.open(f"{language}/{name}")
            page.add_style_tag(content="article section section { content-visibility: visible !important }")
            sections = page.evaluate(
                "[...document.querySelectorAll('article section section')].map(s => [s.id, "
                "s.getBoundingClientRect().height, getComputedStyle(s).containIntrinsicHeight])"
            )
            for section, height, estimate in sections:
                estimated = float(re.search(r"([\d.]+)px", estimate)[1])
                assert height <= estimated, f"{language}/{name}#{section}: {height:.0f} px, estimated {estimate}"


FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
FONTS = "performance.getEntriesByType('resource').map(e => e.name).filter(url => /\\.(woff2?|ttf|otf)$/.test(url))"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium; .ci/run installs it")
def test_a_phone_opening_a_tutorial_fetches_no_font(visit):
    """What a phone lays out when a tutorial opens (the first screen and the browser's margin
    around it) is set in the reader's own fonts. A formula there fetched KaTeX's font before the
    first paint, which Lighthouse counts as render-blocking: zh Part 2's first contentful paint
    was 1.7-1.8 s with it and 1.5 s without (issue 29). Formulas further down fetch it as the
    reader nears them."""
    tab = visit(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True)  # Lighthouse's phone
    for language in LANGUAGES:
        for name in TUTORIALS:
            page = tab.open(f"{language}/{name}")
            page.evaluate(FRAMES)
            assert not page.evaluate(FONTS), f"{language}/{name}: fetched {page.evaluate(FONTS)} before the reader scrolled"
            if page.locator(".katex").count():  # and a formula the reader scrolls to fetches it
                page.locator(".katex").first.scroll_into_view_if_needed()
                page.evaluate(FRAMES)
                page.evaluate("document.fonts.ready")
                assert page.evaluate(FONTS), f"{language}/{name}: no font fetched for its formulas"


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_load_only_the_scripts_they_use(site, language):
    """sphinx-gallery's tag filter comes only with the list it fills, on a gallery index (ours is
    excluded: the landing page introduces the tutorials)."""
    for name in [*TUTORIALS, "index.html", "contributing/glossary.html"]:
        scripts = [s["src"] for s in elements(site, language, name).select("script[src]")]
        assert any("furo.js" in src for src in scripts), f"{language}/{name}: not the theme's page"
        assert not any("sg-tags.js" in src for src in scripts), f"{language}/{name} loads sg-tags.js, which it never uses"
    assert (site.html / language / "_static" / "sg-tags.js").exists(), "sphinx-gallery no longer adds sg-tags.js"
