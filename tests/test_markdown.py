"""Markdown as Jupyter, Colab and GitHub render it: the notebooks' and scripts' text cells, and each page's twin.

Each is rendered by markdown-it-py (CommonMark, formulas between dollars) and read as a reader of
the rendered cell would: no reST left, the dropdowns as <details> with their Markdown rendered
inside, the Chinese copies in Chinese to the last label. All on the session's one build.
"""

import json
import re
import sys

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from site_facts import LANGUAGES, PAGES, PARTS, ROOT, SITE_URL
from test_site import CJK, ZH, downloads, english_words, page, percent_cells

sys.path.insert(0, str(ROOT / "docs" / "_ext"))
MARKDOWN = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
TWINS = [name for name in PAGES if name != "search.html"]  # the search page has no content of its own


def notebook_cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def markdown_sources(site, language, part):
    """Every Markdown text a reader of this part downloads: the notebook's cells, then the script's."""
    files = downloads(site, language, part)
    notebook = ["".join(c["source"]) for c in notebook_cells(files[".ipynb"]) if c["cell_type"] == "markdown"]
    script = [text for kind, text in percent_cells(files[".py"]) if kind == "markdown"]
    return notebook + script


def rendered(source):
    return BeautifulSoup(MARKDOWN.render(source), "html.parser")


def rest_left(source, where):
    """What a CommonMark renderer would show as reST or as a code block that is prose."""
    problems = [f"{where}: indented code block {t.content[:60]!r}" for t in MARKDOWN.parse(source)
                if t.type == "code_block"]
    soup = rendered(source)
    for tag in soup.select("pre, code, .math"):
        tag.decompose()
    text = soup.get_text()
    problems += [f"{where}: directive {m!r}" for m in re.findall(r"^\s*\.\. [\w:-]+::.*$", text, re.M)]
    problems += [f"{where}: role {m!r}" for m in re.findall(r":[\w:+.-]+:`[^`]*`?", text)]
    problems += [f"{where}: escaped space" for _ in re.findall(r"\\ ", text)]
    problems += [f"{where}: Markdown left unrendered {m!r}" for m in re.findall(r"`|\*\*\S", text)]
    return problems


def page_dropdowns(soup):
    titles = []
    for summary in soup.select("details.sd-dropdown summary"):
        for tag in summary.select(".blitz-original, .blitz-term-tip, button, svg"):
            tag.decompose()
        titles.append(summary.get_text(" ", strip=True))
    return titles


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebooks_and_scripts_are_commonmark_without_rest(site, language):
    problems = []
    for part in PARTS:
        sources = markdown_sources(site, language, part)
        for number, source in enumerate(sources):
            problems += rest_left(source, f"{language}/{part} text cell {number}")
        # The page's dropdowns (solutions, going further) are <details>, their Markdown rendered inside.
        notebook = rendered("\n\n".join(sources[: len(sources) // 2]))
        details = notebook.select("details")
        assert [d.summary.get_text(strip=True) for d in details] == page_dropdowns(page(site, language, part)), part
        assert all(d.select("p, pre code.language-python") for d in details), part
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("part", PARTS)
def test_chinese_notebook_and_script_have_no_english_prose(site, part):
    files = downloads(site, ZH, part)
    for source in markdown_sources(site, ZH, part):
        soup = rendered(source)
        assert not english_words(soup), (english_words(soup), source[:200])
        for summary in soup.select("summary"):
            assert CJK.search(summary.get_text()), summary
    # The installing cell speaks Chinese too: its comment and its message.
    first = "".join(notebook_cells(files[".ipynb"])[0]["source"])
    comments = re.findall(r"^# (.*)$", first, re.M)
    message = re.search(r"print\('([^']*)'", first)[1]
    assert comments and all(CJK.search(c) for c in comments) and CJK.search(message), first


def test_a_solution_renders_as_a_closed_details_block_with_its_code():
    """reST as the tutorials write it, through the build's converter: CJK bold after punctuation included."""
    import commonmark

    text = (
        "1. 计算导数。\n\n"
        "   .. dropdown:: 答案\n\n"
        "      .. code-block:: python\n\n"
        "         print(1)\n\n"
        "      结果是 **1**\\ ：见 :func:`torch.sum`，\\ **预备知识：**\\ :doc:`plot_1_tensors`。\n"
    )
    source = commonmark.rest_to_markdown([text])[0]
    soup = rendered(source)
    details = soup.select_one("ol li details")
    assert details.summary.get_text() == "答案"
    assert details.select_one("pre code.language-python").get_text() == "print(1)\n"
    paragraph = details.select("p")[-1]
    assert [s.get_text() for s in paragraph.select("strong")] == ["1", "预备知识："]
    assert paragraph.select_one("code").get_text() == "torch.sum()"
    assert "plot_1_tensors" in paragraph.get_text() and not rest_left(source, "converted")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_a_markdown_twin_listed_in_llms_txt(site, language):
    folder = site.html / language
    listed = re.findall(r"^- \[[^]]+\]\(([^)]+)\)$", (folder / "llms.txt").read_text(encoding="utf-8"), re.M)
    assert sorted(listed) == sorted(f"{SITE_URL}{language}/{name.removesuffix('.html')}.md" for name in TWINS)
    for name in TWINS:
        html = page(site, language, name)
        twin = (folder / name).with_suffix(".md")
        source = twin.read_text(encoding="utf-8")
        # Its title is the page's, and it reads as Markdown, not reST.
        heading = html.select_one("article h1")
        for tag in heading.select(".headerlink, .blitz-original, .blitz-term-tip, button"):
            tag.decompose()
        assert rendered(source).h1.get_text(strip=True) == heading.get_text(strip=True), name
        assert not rest_left(source, name), rest_left(source, name)
        assert language != ZH or CJK.search(source), name
        # The page names it in its head; a tutorial lists it among its downloads.
        alternate = html.select_one("link[rel=alternate][type='text/markdown']")["href"]
        assert (folder / name).parent.joinpath(alternate).resolve() == twin.resolve()
        if name in PARTS:
            assert html.select_one(".sphx-glr-footer a.download[href$='.md']")["href"] == alternate
            assert len(rendered(source).select("details")) == len(page_dropdowns(html))
