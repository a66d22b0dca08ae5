"""zh typography on what the reader sees: every built translated page and download, linted by autocorrect."""

import json
import sys

import pytest

from site_facts import ROOT, TRANSLATIONS, run_tool

sys.path.insert(0, str(ROOT / "tools"))
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
