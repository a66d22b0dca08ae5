"""zh typography on what the reader sees: every built translated page and download, linted by autocorrect."""

import json
import re
import sys

import pytest
from bs4 import BeautifulSoup
from sphinxext.opengraph import DEFAULT_DESCRIPTION_LENGTH

from site_facts import LANGUAGES, PAGES, ROOT, TRANSLATIONS, run_tool

sys.path.insert(0, str(ROOT / "tools"))
import page_descriptions  # noqa: E402  (docs/_ext is on the path through build_site)
import zh_typography  # noqa: E402


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_built_pages_and_downloads_have_no_typography_slip(site, language):
    html = site.html / language
    assert len(list(html.glob("_downloads/*/*.py"))) >= 4 and len(list(html.glob("_downloads/*/*.ipynb"))) >= 4
    lint = run_tool(site.root, "zh_typography.py", html)
    assert lint.returncode == 0, lint.stdout
    assert lint.stdout.strip().endswith("0 finding(s) in " + str(html))


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_interface_strings_of_scripts_use_full_width_punctuation(site, language):
    """sphinx-copybutton's own messages ('复制成功!') are interface strings too."""
    script = (site.html / language / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert "复制成功！" in script and not zh_typography.re.search(f"[{zh_typography.CJK}][!?,;:]", script)


def page(tmp_path, body):
    (tmp_path / "page.html").write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")
    return zh_typography.page_findings(tmp_path / "page.html", tmp_path)


@pytest.mark.parametrize(
    ("body", "slip"),
    [
        ('<p>它等于<span class="katex">ln 1000</span>。</p>', "等于 x"),  # a formula glued to Chinese
        ('<p>第<code>i</code> 行</p>', "第 x 行"),  # a literal glued to Chinese
        ('<p>下一篇<a href="x.html">torch.autograd 入门</a>介绍梯度。</p>', "下一篇 torch"),  # a link title
        ("<p>复制成功!</p>", "复制成功！"),  # half-width punctuation in Chinese
        ("<p>你好 ，世界</p>", "你好，世界"),  # a space before full-width punctuation
        ("<p>不计算梯度的参数称为<em>冻结</em>的参数。</p>", "italics"),
    ],
)
def test_the_lint_finds_each_kind_of_slip(tmp_path, body, slip):
    found = page(tmp_path, body)
    assert len(found) == 1 and slip in found[0], found


def test_the_lint_leaves_code_english_originals_tooltips_and_compound_terms(tmp_path):
    body = (
        "<p>什么是向量-雅可比积，以及 <code>torch.autograd</code> 如何计算它：</p>"
        '<pre>print("loss:"+str(1))  # 中文x</pre>'
        '<div class="blitz-original" lang="en" hidden><p>The vector-Jacobian 产品product</p></div>'
        '<p><span class="blitz-term">梯度<span class="blitz-term-tip">gradient</span></span>是导数。</p>'
    )
    assert page(tmp_path, body) == []


def test_the_lint_reads_downloads_comments_and_markdown_cells(tmp_path):
    downloads = tmp_path / "_downloads" / "a"
    downloads.mkdir(parents=True)
    (downloads / "plot_x.py").write_text('# 下一篇\\ :doc:`plot_y` 介绍梯度。\nx = 1  # 取值为0到255\n', encoding="utf-8")
    notebook = {"cells": [{"cell_type": "markdown", "source": ["用autograd 计算。"]}]}
    (downloads / "plot_x.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    found = zh_typography.findings(tmp_path)
    assert any("reST escape" in f for f in found)
    assert any("0 到 255" in f or "为 0 到 255" in f for f in found)
    assert any("markdown cell" in f and "用 autograd" in f for f in found)


# What a search result and a shared link show of a page, read from its <head>.
SNIPPET_TAGS = {
    "description": "meta[name=description]",
    "og:description": "meta[property='og:description']",
    "og:title": "meta[property='og:title']",
}


def opening_text(soup, language):
    """The text of the page's paragraphs as a reader sees them: no English originals, tooltips or permalinks."""
    article = soup.select_one("article")
    for tag in article.select(".blitz-original, .blitz-term-tip, .blitz-visually-hidden, .headerlink"):
        tag.decompose()
    joiner = "" if language in TRANSLATIONS else " "
    return joiner.join(re.sub(r"\s+", " ", p.get_text()).strip() for p in article.select("p"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES[:-1])  # the search page's description is an interface string
def test_search_snippets_and_titles_are_the_pages_own_clean_text(site, language, name):
    """<title>, og:title, the meta description and og:description: the page's words as it shows them, linted."""
    soup = BeautifulSoup((site.html / language / name).read_text(encoding="utf-8"), "html.parser")
    snippet = {key: soup.select_one(selector)["content"] for key, selector in SNIPPET_TAGS.items()}
    h1 = BeautifulSoup(str(soup.select_one("article h1")), "html.parser")
    for tag in h1.select(".headerlink, button"):  # the permalink, the 中英对照 toggle
        tag.decompose()
    heading = re.sub(r"\s+", " ", h1.get_text()).strip()
    assert snippet["og:title"] == heading and soup.title.get_text().startswith(heading)
    description = snippet["description"]
    assert description == snippet["og:description"]
    assert page_descriptions.columns(description) <= DEFAULT_DESCRIPTION_LENGTH  # ogp_description_length
    ellipsis = "……" if language in TRANSLATIONS else "…"
    # Whole sentences of the page's opening, or one cut with the language's ellipsis.
    assert description.endswith(("。", "！", "？", ".", "!", "?", ellipsis)), description
    assert description.removesuffix(ellipsis) in opening_text(soup, language), description
    if language in TRANSLATIONS:
        assert all(re.search(f"[{zh_typography.CJK}]", text) for text in snippet.values())
        assert zh_typography.snippet_findings(soup, name) == []
        assert not [f for f in zh_typography.findings_in_text(soup.title.get_text(), name)]


@pytest.mark.parametrize(
    ("description", "slip"),
    [  # what sphinxext-opengraph wrote before page_descriptions
        ("张量 是 PyTorch 的多维数组，模型的输入、输出和 参数 都存放在张量中。", "between two Chinese characters"),
        ("张量的形状、数据类型和设备是什么；, 最常用的运算。", "doubled punctuation"),
        ("四个部分: 请按顺序阅读。", "四个部分：请按顺序"),
        ("每个页面对应的一个.po 文件。", "Chinese and Latin"),
        ("一条英文消息（ msgid ，可以是一个段落）。", "（msgid，"),
        ("它们是真实数据，和 CIFAR-10 一样有 10 个...", "……"),
    ],
)
def test_the_lint_finds_each_slip_of_a_search_snippet(description, slip):
    soup = BeautifulSoup(f'<html><head><meta name="description" content="{description}"></head></html>', "html.parser")
    found = zh_typography.snippet_findings(soup, "page.html")
    assert found and all("<meta description>" in f for f in found) and any(slip in f for f in found), found
