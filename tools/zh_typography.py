"""Lint the Chinese a reader sees: each built zh page's text and each zh download, with autocorrect.

    python tools/zh_typography.py _build/html/zh_CN

The catalog checks read reST, where markup hides what the reader sees (a
formula, a literal or a link title glued to Chinese). This reads the built
pages instead and hands each block's text, as rendered, to autocorrect
(``autocorrect-py``, the Python binding of huacnlee/autocorrect, a linter made
for CJK copy-editing), set by ``.autocorrectrc`` (autocorrect's own
configuration file, which its command line and editor plugins read too) to the
house style of the contributor guide: a space between Chinese and Latin text
or numbers, no space beside full-width punctuation, full-width punctuation in
Chinese sentences.
What autocorrect does not know is checked here: no italics on Chinese, no
reST escape (a backslash and a space) left in a download's text, no space
between two Chinese characters (what markup leaves beside a term or a link),
no doubled punctuation (``；,``), no Latin word glued to Chinese by its
leading dot (``一个.po``). A page's search snippet and social-card texts
(``<meta name="description">``, ``og:description``, ``og:title``; ``<title>``
is a block) are linted like its prose.

Markdown (the notebooks' Markdown cells, the scripts' text cells, each page's
Markdown twin) is also rendered, by markdown-it-py as CommonMark with
formulas between dollars, and its HTML linted as a page's is: what the
notebook shows in Jupyter is checked as the page is.

What is not prose is replaced before linting, so that its neighbours are
still checked: a formula (KaTeX) and an inline literal read as one Latin
word, since the reader sees Latin there. Code blocks, program output, the
English originals of 中英对照 and the glossary tooltips (English, hidden until
asked for) are left out. In a download, code is left to autocorrect's own
Python and Markdown parsers, which lint comments, docstrings and Markdown
cells.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import autocorrect_py
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
autocorrect_py.load_config((ROOT / ".autocorrectrc").read_text(encoding="utf-8"))

CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Blocks whose text is linted one by one; nested ones are linted on their own.
BLOCKS = "p, li, h1, h2, h3, h4, h5, h6, dt, dd, th, td, figcaption, caption, summary, .rubric, title"
# Not the reader's Chinese prose: code, output, English originals, hidden tooltips, permalinks.
LEFT_OUT = "pre, .blitz-original, .blitz-term-tip, .blitz-visually-hidden, .headerlink, script, style, noscript"
# Seen as one Latin word: a formula, an inline literal.
AS_LATIN = ".katex, code"


# What autocorrect lets pass, in rendered text: (pattern, what is wrong).
SLIPS = [
    # A space the markup left beside a term, a link or a literal (张量 是).
    (re.compile(f"[{CJK}] +[{CJK}]"), "a space between two Chinese characters"),
    # Two marks where one belongs (；, ，。 ,，).
    (re.compile("[，。；：、！？][,.;:!?]|[,;:!?][，。；：、！？]|([，。；：、,;:])\\1"), "doubled punctuation"),
    # A Latin word that starts with a dot, glued to Chinese (一个.po 文件).
    (re.compile(f"[{CJK}]\\.[A-Za-z]"), "no space between Chinese and Latin text"),
]


def findings_in_text(text, where):
    """autocorrect's findings in one block of rendered text, then the slips it lets pass."""
    result = autocorrect_py.lint_for(text, "text")
    found = [f"{where}: {line.old.strip()!r} -> {line.new.strip()!r}" for line in result.lines]
    for pattern, slip in SLIPS:
        found += [f"{where}: {slip}: {text[max(m.start() - 8, 0):m.end() + 8]!r}" for m in pattern.finditer(text)]
    return found


# What a search result and a shared link show of a page: its title and description.
SNIPPETS = "meta[name=description], meta[property='og:description'], meta[property='og:title']"


def snippet_findings(soup, where):
    """The page's search snippet and social-card texts, linted like its prose."""
    findings = []
    for meta in soup.select(SNIPPETS):
        text = meta.get("content", "")
        if re.search(f"[{CJK}]", text):
            name = meta.get("name") or meta.get("property")
            findings += findings_in_text(text, f"{where} <meta {name}>")
            if "..." in text:
                findings.append(f"{where} <meta {name}>: '...' in Chinese: use ……")
    return findings


def block_text(block):
    block = BeautifulSoup(str(block), "html.parser")
    for tag in block.select(LEFT_OUT):
        tag.decompose()
    for tag in block.select(AS_LATIN):
        tag.replace_with("x")
    for nested in block.select(BLOCKS)[1:]:  # linted as blocks of their own
        nested.decompose()
    return re.sub(r"\s+", " ", block.get_text()).strip()


def page_findings(path, root):
    return html_findings(path.read_text(encoding="utf-8"), path.relative_to(root))


def rendered_markdown(source):
    """Markdown as Jupyter shows it: CommonMark, tables, formulas between dollars as KaTeX would."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    renderer = MarkdownIt("commonmark").enable("table").use(
        dollarmath_plugin, renderer=lambda content, options: f'<span class="katex">{content}</span>')
    return renderer.render(source)


def markdown_findings(source, where):
    """The findings of a page in the HTML that Markdown renders to."""
    return html_findings(rendered_markdown(source), where)


def html_findings(markup, where):
    soup = BeautifulSoup(markup, "html.parser")
    findings = []
    for tag in soup.select("em, i, cite, dfn"):
        if re.search(f"[{CJK}]", tag.get_text()) and not tag.find_parent(class_="blitz-original"):
            findings.append(f"{where}: Chinese in italics {tag.get_text()!r}: use bold or quotation marks")
    for block in soup.select(BLOCKS):
        if block.find_parent(LEFT_OUT.replace(", ", ",").split(",")) or block.find_parent(class_="blitz-original"):
            continue
        text = block_text(block)
        if re.search(f"[{CJK}]", text):
            findings += findings_in_text(text, f"{where} <{block.name}>")
    return findings + snippet_findings(soup, where)


def download_findings(path, root):
    where = path.relative_to(root)
    raw = path.read_text(encoding="utf-8")
    findings = []
    if path.suffix == ".ipynb":
        for cell in json.loads(raw)["cells"]:
            source = "".join(cell["source"])
            kind = "md" if cell["cell_type"] == "markdown" else "py"
            findings += lint_download(source, kind, f"{where} ({cell['cell_type']} cell)")
            if kind == "md":
                findings += markdown_findings(source, f"{where} (markdown cell, rendered)")
    elif path.suffix == ".md":
        findings += lint_download(raw, "md", str(where)) + markdown_findings(raw, f"{where} (rendered)")
    else:  # a script in the percent format: its Markdown cells are linted as the notebook's
        for number, kind, source in percent_cells(raw):
            cell_where = f"{where} (cell at line {number})"
            findings += lint_download(source, kind, cell_where)
            if kind == "md":
                findings += markdown_findings(source, f"{cell_where}, rendered")
    return findings


def percent_cells(script):
    """(first line, "md" or "py", text) of each cell of a percent-format script; its Markdown without '# '."""
    cells, lines = [], script.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")] or [0]
    if starts[0]:
        starts.insert(0, 0)
    for start, end in zip(starts, [*starts[1:], len(lines)]):
        markdown = lines[start].strip() == "# %% [markdown]"
        body = lines[start + 1 : end] if lines[start].startswith("# %%") else lines[start:end]
        if markdown:
            cells.append((start + 2, "md", "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in body)))
        else:
            cells.append((start + 2, "py", "\n".join(body)))
    return cells


def lint_download(source, kind, where):
    result = autocorrect_py.lint_for(source, kind)
    findings = [f"{where}:{line.line}: {line.old.strip()!r} -> {line.new.strip()!r}" for line in result.lines]
    for number, line in enumerate(source.split("\n"), 1):
        if re.search(f"[{CJK}]", line) and "\\ " in line:
            findings.append(f"{where}:{number}: reST escape left in the text: {line.strip()!r}")
    return findings


def findings(html):
    """Every finding in a built language folder: its pages, then its downloads."""
    html = Path(html)
    found = []
    for page in sorted(html.rglob("*.html")):
        if "_static" not in page.parts and "_sources" not in page.parts:
            found += page_findings(page, html)
    for download in sorted(html.glob("_downloads/*/*")):
        if download.suffix in (".py", ".ipynb"):
            found += download_findings(download, html)
    for twin in sorted(html.rglob("*.md")):  # each page's Markdown twin (markdown_twins)
        if "_static" not in twin.parts and "_sources" not in twin.parts:
            found += download_findings(twin, html)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="a built language folder, such as _build/html/zh_CN")
    args = parser.parse_args(argv)
    found = findings(args.html)
    print("\n".join(found))
    print(f"{len(found)} finding(s) in {args.html}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
