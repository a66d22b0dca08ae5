"""A real strict build of both languages, read as a reader would."""

import json
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

from site_facts import (
    FOUR_PARTS, LANGUAGES, PAGES, PARTS, SITE_URL, SOURCE, TRANSLATIONS, TUTORIAL, catalog_checks, code_skeleton, glossary,
    language_tag,
)

ZH = TRANSLATIONS[0]  # the translation these checks of Chinese text are about
# A line of live output that each part must show, in both languages.
LIVE_OUTPUT = {
    "tutorials/plot_1_tensors.html": "same memory: True",
    TUTORIAL: "gradcheck passed: True",
    "tutorials/plot_3_neural_networks.html": "decreased at every step: True",
    "tutorials/plot_4_classifier.html": "the reloaded model gives the same logits: True",
    "tutorials/plot_5_own_data.html": "class_to_idx: {'0': 0, '1': 1, ",
}
# Names that stay English on Chinese pages: the glossary's list, and "epoch",
# which the classifier glosses once beside its Chinese term.
KEEP_ENGLISH = set(glossary(ZH)[1]) | {"epoch"} | {
    term["term"] for term in glossary(ZH)[0] if term["translation"] == term["term"]  # logit
}
CJK = re.compile(f"[{catalog_checks.CJK}]")


def page(site, language, name):
    return BeautifulSoup((site.html / language / name).read_text(encoding="utf-8"), "html.parser")


def english_words(soup):
    """Latin words a reader sees outside code, output, math and other-language links."""
    for tag in soup(["script", "style", "pre", "code", "math"]):
        tag.decompose()
    for tag in soup.select(".math, [lang]:not(html)"):
        tag.decompose()
    text = re.sub(r"\S*[._/]\S*", " ", soup.get_text(" "))  # dotted names, paths, URLs
    return set(re.findall(r"[A-Za-z][\w'-]{2,}", text)) - KEEP_ENGLISH


def test_each_tutorial_executed_once_in_the_english_build(site):
    scripts = sorted(p.name for p in (site.root / "examples").glob("plot_*.py"))
    assert sorted(site.executions) == [f"{SOURCE} {script}" for script in scripts]


def test_build_is_quiet(site):
    assert "WARNING" not in site.log
    assert "Building prefix dict" not in site.log, "jieba logged to the build output"


def test_root_page_sends_reader_to_a_language(site):
    html_dir = site.html
    root = BeautifulSoup((html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"] for a in root.select("main a")}
    assert links == {f"{language}/index.html" for language in LANGUAGES}
    assert "navigator.languages" in root.script.string  # the choice by browser preference
    for href in links:
        assert (html_dir / href).is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_tutorial_page_has_live_output_and_dag_figure(site, language):
    html_dir = site.html
    soup = page(site, language, TUTORIAL)
    outputs = "\n".join(div.get_text() for div in soup.select(".sphx-glr-script-out"))
    assert "gradcheck passed: True" in outputs
    assert "changed parameters: ['fc.weight', 'fc.bias']" in outputs
    assert re.search(r"Pretrained weights unreachable|Loaded the pretrained", outputs)
    figures = [img["src"] for img in soup.select("img.sphx-glr-single-img")]
    assert figures == ["../_images/sphx_glr_plot_2_autograd_001.webp"]
    assert (html_dir / language / "_images" / "sphx_glr_plot_2_autograd_001.webp").stat().st_size > 5000
    assert soup.select("div.math"), "display math is missing"
    downloads = {a["href"].rsplit("/", 1)[-1] for a in soup.select("a.download")}
    assert {"plot_2_autograd.py", "plot_2_autograd.ipynb"} <= downloads


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PARTS)
def test_every_part_shows_live_output_and_figures(site, language, name):
    html_dir = site.html
    soup = page(site, language, name)
    outputs = "\n".join(div.get_text() for div in soup.select(".sphx-glr-script-out"))
    assert LIVE_OUTPUT[name] in outputs
    figures = soup.select("img.sphx-glr-single-img, img.sphx-glr-multi-img")
    assert figures, f"{language}/{name} has no figure"
    for img in figures:
        data = (html_dir / language / "tutorials" / img["src"]).resolve().read_bytes()
        # Lossless WebP: a RIFF file whose first chunk is VP8L (lossy WebP's is VP8).
        assert data[:4] == b"RIFF" and data[8:16] == b"WEBPVP8L", f"{img['src']} is not lossless WebP"
        assert img["loading"] == "lazy" and img["width"] and img["height"]


def test_classifier_page_reports_its_accuracy(site):
    outputs = "\n".join(d.get_text() for d in page(site, SOURCE, PARTS[3]).select(".sphx-glr-script-out"))
    accuracy = float(re.search(r"accuracy on the \d+ test images: ([\d.]+)%", outputs).group(1))
    assert accuracy >= 97
    assert "chance level (always guessing the most common class): 10.0%" in outputs
    assert len(re.findall(r"^digit \d: ", outputs, re.M)) == 10  # one line per class


def test_own_data_page_shows_the_folders_the_classes_and_which_weights_it_got(site):
    outputs = [d.get_text() for d in page(site, SOURCE, PARTS[4]).select(".sphx-glr-script-out")]
    text = "\n".join(outputs)
    assert "digits/train/\n    0/  80 files: 000.png, 001.png, ...\n" in text
    assert "digits/test/\n    0/  20 files: 080.png, 081.png, ...\n" in text
    assert f"classes: {[str(digit) for digit in range(10)]}" in text
    assert "800 examples; the first: RGB image of 28×28 pixels from train/0/000.png, label 0" in text
    assert re.search(r"num_workers=2: first batch \(32, 1, 32, 32\) after [\d.]+ s", text)
    accuracy = float(re.search(r"accuracy on the 200 test files: ([\d.]+)%", text).group(1))
    mirrored = float(re.search(r"on the same files mirrored: ([\d.]+)%", text).group(1))
    assert accuracy >= 80 and mirrored < accuracy - 30
    # Which weights the build got is said by the output itself, beside the top 5.
    (top5,) = [output for output in outputs if "top 5 ImageNet classes" in output]
    offline = "Pretrained weights unreachable" in text
    assert offline != ("Loaded the pretrained ImageNet weights." in text)
    if offline:
        assert top5.startswith("top 5 ImageNet classes (RANDOM weights, the download failed: "
                               "these names mean nothing):")
    else:
        assert top5.startswith("top 5 ImageNet classes (pretrained weights):")
    assert len(re.findall(r"^    \S.* +[\d.]+%$", top5, re.M)) == 5


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_page_shows_the_four_parts_and_the_optional_fifth_apart(site, language):
    html_dir = site.html
    soup = page(site, language, "index.html")
    the_sixty_minutes, after = soup.select("ol.blitz-parts")
    assert len(the_sixty_minutes.select(":scope > li")) == 4
    assert after["start"] == "5" and len(after.select(":scope > li")) == 1
    assert after.find_parent("section")["id"] == "after-the-60-minutes"
    parts = soup.select("ol.blitz-parts > li")
    for part, name in zip(parts, PARTS):
        thumbnail = part.select_one("img")
        assert (html_dir / language / thumbnail["src"]).is_file()
        links = {a["href"].split("#")[0] for a in part.select("a")}
        assert links == {name}
        assert len(part.get_text(" ", strip=True)) > 30  # a title and one line


@pytest.mark.parametrize("language", LANGUAGES)
def test_parts_link_to_previous_and_next(site, language):
    for previous, current, following in zip(["index.html", *PARTS], PARTS, [*PARTS[1:], None]):
        soup = page(site, language, current)
        prev_link = soup.select_one("a.prev-page")
        assert prev_link and prev_link["href"].endswith(previous.rsplit("/", 1)[-1])
        next_link = soup.select_one("a.next-page")
        if following:
            assert next_link and next_link["href"] == following.rsplit("/", 1)[-1]


@pytest.mark.parametrize("name", PAGES)
def test_links_to_the_same_page_in_the_other_language(site, name):
    html_dir = site.html
    for language in LANGUAGES:
        soup = page(site, language, name)
        for other in LANGUAGES:
            link = soup.select_one(f".language-switch a[hreflang={language_tag(other)}]")
            assert link is not None, f"{language}/{name} has no link to {other}"
            target = (html_dir / language / name).parent / link["href"]
            assert target.resolve() == (html_dir / other / name).resolve()


def test_zh_tutorial_title_is_translated(site):
    with open(catalog_checks.locale_dir(ZH) / "tutorials" / "plot_2_autograd.po", "rb") as f:
        title = read_po(f).get("A gentle introduction to ``torch.autograd``").string
    soup = page(site, ZH, TUTORIAL)
    assert soup.html["lang"] == language_tag(ZH)
    expected = title.replace("``", "")
    soup.h1.select_one(".blitz-original-toggle").decompose()  # 中英对照's button, not the title
    assert soup.h1.get_text().rstrip("#¶ ") == expected
    assert soup.title.get_text().startswith(expected)


READ_ALOUD = ("aria-label", "title", "alt", "placeholder")


def english_in_attributes(soup):
    """Latin words in what screen readers speak or tooltips show (icon titles included).

    Code blocks are left out: the tooltips of their links name the linked object (``int``).
    """
    for tag in soup.select(".math, [lang]:not(html), pre"):
        tag.decompose()
    texts = [tag[name] for name in READ_ALOUD for tag in soup.find_all(attrs={name: True})]
    texts += [title.get_text() for title in soup.select("svg title")]
    words = set()
    for text in texts:
        text = re.sub(r"\S*[._/[(]\S*", " ", text)  # code, dotted names, paths, URLs
        words |= set(re.findall(r"[A-Za-z][\w'-]{2,}", text))
    return words - KEEP_ENGLISH


@pytest.mark.parametrize("name", PAGES)
def test_no_english_left_on_zh_pages(site, name):
    assert english_words(page(site, ZH, name)) == set()


@pytest.mark.parametrize("name", PAGES)
def test_no_english_in_labels_titles_and_alt_texts_of_zh_pages(site, name):
    assert english_in_attributes(page(site, ZH, name)) == set()


def test_english_pages_are_english(site):
    soup = page(site, SOURCE, TUTORIAL)
    assert soup.html["lang"] == language_tag(SOURCE)
    assert soup.h1.get_text().startswith("A gentle introduction to torch.autograd")


def test_zh_search_index_uses_chinese_words(site):
    html_dir = site.html
    script = (html_dir / ZH / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))["terms"]
    assert {"梯度", "张量", "计算"} <= terms.keys(), "jieba did not split the Chinese text"
    # Sphinx 9.0-9.1.0 ship a language_data.js that calls an undefined ChineseStemmer.
    language_data = (html_dir / ZH / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "var Stemmer" in language_data and "ChineseStemmer" not in language_data


def downloads(site, language, name):
    """The files a reader gets from a tutorial page's download links, by suffix."""
    soup = page(site, language, name)
    links = [a["href"] for a in soup.select("a.download")]
    base = (site.html / language / name).parent
    return {Path(href).suffix: (base / href).resolve() for href in links}


def code_cells(notebook):
    return [c["source"] for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def markdown(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def tex(formula):
    """A formula without spaces, and without the split environment Sphinx wraps multi-line math in."""
    return re.sub(r"\s+|\\(?:begin|end)\{split\}", "", formula)


def page_formulas(soup):
    """The TeX of every formula on a page (MathJax keeps it as text, KaTeX in an annotation)."""
    annotations = soup.select("annotation[encoding='application/x-tex']")
    if annotations:
        return sorted(tex(a.get_text()) for a in annotations)
    texts = [m.get_text() for m in soup.select("div.math, span.math")]
    return sorted(tex(re.sub(r"^\s*\\[\[(]|\\[\])]\s*$", "", text)) for text in texts)


def notebook_formulas(source):
    """The TeX of every formula in a notebook's Markdown: $$...$$ and $...$."""
    blocks = re.findall(r"\$\$(.*?)\$\$", source, re.S)
    inline = re.findall(r"(?<!\\)\$([^$]+)(?<!\\)\$", re.sub(r"\$\$.*?\$\$", "", source, flags=re.S))
    return sorted(tex(f) for f in blocks + inline)


def percent_cells(script):
    """A script in the percent format as (kind, text): "markdown" cells without their comment marks, "code"."""
    cells = []
    for chunk in re.split(r"^# %%", script.read_text(encoding="utf-8"), flags=re.M)[1:]:
        head, _, body = chunk.partition("\n")
        if head.strip() == "[markdown]":
            cells.append(("markdown", "\n".join(line[2:] for line in body.strip("\n").split("\n"))))
        else:
            cells.append(("code", body.strip("\n")))
    return cells


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PARTS)
def test_notebooks_render_as_the_page_does(site, language, name):
    """Formulas intact, bold closed, cross-references as titles: the notebook's Markdown, rendered."""
    soup = page(site, language, name)
    for english in soup.select(".blitz-original, .blitz-term-tip"):
        english.decompose()  # the English beside a translation (parallel_reading, glossary_terms) is the page's only
    source = markdown(downloads(site, language, name)[".ipynb"])
    assert notebook_formulas(source) == page_formulas(soup)
    rendered = BeautifulSoup(MarkdownIt("commonmark").render(source), "html.parser")
    assert sorted(b.get_text() for b in rendered.select("strong")) == sorted(
        b.get_text() for b in soup.select("article strong")
    )
    for code in rendered.select("code, pre"):
        code.decompose()  # code may hold ** and colons
    text = rendered.get_text()
    assert not re.search(r":[a-z]+:`", text), "a reST role was left raw"
    assert "**" not in text, "bold markers were left unrendered"
    outside_math = re.sub(r"\$\$.*?\$\$|\$[^$]+\$", "", source, flags=re.S)
    assert "\\ " not in outside_math, "a reST escaped space would show as a backslash"


@pytest.mark.parametrize("name", PARTS)
def test_zh_downloads_carry_chinese_prose_and_the_same_code(site, name):
    zh, en = downloads(site, ZH, name), downloads(site, SOURCE, name)
    assert {".py", ".ipynb", ".zip"} <= zh.keys()
    zh_cells, en_cells = percent_cells(zh[".py"]), percent_cells(en[".py"])
    # The same code; comments and docstrings are translated (test_figure_words checks them).
    assert [code_skeleton(text) for kind, text in zh_cells if kind == "code"] == [
        code_skeleton(text) for kind, text in en_cells if kind == "code"
    ]
    zh_text = [text for kind, text in zh_cells if kind == "markdown"]
    assert all(CJK.search(text) for text in zh_text), "a text cell was left in English"
    assert not any(CJK.search(text) for kind, text in en_cells if kind == "markdown")
    # The script's cells are the notebook's, its first (installing) cell aside.
    notebook = json.loads(zh[".ipynb"].read_text(encoding="utf-8"))["cells"][1:]
    assert [(c["cell_type"], "".join(c["source"])) for c in notebook] == zh_cells

    # The same code in the notebooks, the installing cell aside: its comment and message are translated.
    assert [code_skeleton("".join(c)) for c in code_cells(zh[".ipynb"])[1:]] == [
        code_skeleton("".join(c)) for c in code_cells(en[".ipynb"])[1:]
    ]
    assert CJK.search(markdown(zh[".ipynb"])) and not CJK.search(markdown(en[".ipynb"]))
    with zipfile.ZipFile(zh[".zip"]) as archive:
        assert archive.read(zh[".py"].name) == zh[".py"].read_bytes()


def test_zh_download_title_is_translated(site):
    kind, text = percent_cells(downloads(site, ZH, TUTORIAL)[".py"])[0]
    assert kind == "markdown" and text.splitlines()[0] == "# `torch.autograd` 入门"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_status_page_counts_every_page(site, language):
    tables = page(site, language, "contributing/status.html").select("table.blitz-table")
    assert len(tables) == len(TRANSLATIONS)
    rows = tables[0].select("tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.select("td")] for row in rows]
    # every page of the site, the theme's text, then the total
    pages = [p for p in PAGES if p != "search.html"]
    assert len(cells) == len(pages) + 2
    expected = {SOURCE: "Tensors", ZH: "张量"}[language]
    assert expected in {row[0] for row in cells}
    total = cells[-1]
    progress = catalog_checks.progress(catalog_checks.catalogs(ZH))
    assert total[1] == str(sum(row[1] for row in progress))
    assert total[-1].endswith("100%")


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_page_shows_the_glossary(site, language):
    soup = page(site, language, "contributing/glossary.html")
    terms, keep = glossary(ZH)
    rows = soup.select("table.blitz-table tbody tr")
    shown = {row.select("td")[0].get_text(): row.select("td")[1].get_text() for row in rows}
    assert shown == {term["term"]: term["translation"] for term in terms}
    assert {code.get_text() for code in soup.select(".blitz-keep code")} == set(keep)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES[:-1])
def test_head_has_language_alternates_canonical_and_meta(site, language, name):
    soup = page(site, language, name)
    alternates = {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}
    assert alternates == {
        **{language_tag(code): f"{SITE_URL}{code}/{name}" for code in LANGUAGES},
        "x-default": f"{SITE_URL}{SOURCE}/{name}",
    }
    assert soup.select_one("link[rel=canonical]")["href"] == f"{SITE_URL}{language}/{name}"
    description = soup.select_one("meta[name=description]")["content"]
    assert len(description) > 20
    assert bool(CJK.search(description)) == (language == ZH)
    assert soup.select_one("meta[property='og:title']")["content"]
    assert soup.select_one("meta[property='og:locale']")["content"] == language


def test_sitemap_lists_every_page_in_every_language(site):
    sitemap = (site.html / "sitemap.xml").read_text(encoding="utf-8")
    for name in PAGES[:-1]:
        for language in LANGUAGES:
            assert f"<loc>{SITE_URL}{language}/{name}</loc>" in sitemap
    assert "search.html" not in sitemap


def test_not_found_page_links_every_language(site):
    soup = BeautifulSoup((site.html / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert {a["href"] for a in soup.select("a")} == {f"{SITE_URL}{language}/index.html" for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_load_nothing_from_other_hosts(site, language):
    for html in (site.html / language).rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag):
                url = element.get(attribute, "")
                if tag == "link" and set(element.get("rel", [])) & {"alternate", "canonical"}:
                    continue
                assert "//" not in url, f"{html.relative_to(site.html)} loads {url}"


def source_formulas(script):
    """The LaTeX of every :math: role and ``.. math::`` block in a tutorial's text cells."""
    _, blocks = split_code_and_text_blocks(str(script))
    formulas = []
    for text in (b.content for b in blocks if b.type == "text"):
        formulas += re.findall(r":math:`([^`]+)`", text)
        for body in re.findall(r"^\.\. math::\n((?:\n|[ \t]+.*\n?)+)", text, re.M):
            formulas += [part for part in re.split(r"\n\s*\n", body) if part.strip()]
    return formulas


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PARTS)
def test_every_formula_is_rendered_at_build_time(site, language, name):
    def squeeze(latex):
        return re.sub(r"\s+", "", latex)

    script = site.root / "examples" / Path(name).with_suffix(".py").name
    soup = page(site, language, name)
    for english in soup.select(".blitz-original"):
        english.decompose()  # the English shown beside a translation repeats its formulas
    rendered = [
        squeeze(math.select_one("annotation[encoding='application/x-tex']").get_text())
        for math in soup.select("span.math, div.math")
    ]
    assert sorted(rendered) == sorted(squeeze(f) for f in source_formulas(script))
    assert not soup.select(".katex-error"), "KaTeX could not render a formula"
    assert not soup.select("script[src*=math], script[src*=katex]"), "a page loads math JavaScript"
    assert (soup.select_one("link[href$='katex/katex.min.css']") is not None) == bool(rendered)


def test_reading_time_counts_prose_only():
    import reading_time

    html = """<article>
      <h1>Title<a class="headerlink" href="#t">¶</a></h1>
      <p>Five words of prose here, <code class="literal">and_one</code>
         <span class="katex"><span class="katex-mathml">x plus y</span></span>.</p>
      <div class="highlight"><pre>print("code is not read")</pre></div>
      <div class="sphx-glr-script-out"><pre>output is skimmed</pre></div>
      <details class="sd-dropdown"><summary>Solution</summary><p>folded away</p></details>
      <figure><img alt="a figure"><figcaption>caption</figcaption></figure>
    </article>"""
    assert reading_time.prose_words(html) == 1 + 5 + 1 + 1  # the title, the prose, the literal, the formula


def test_the_four_parts_read_within_35_minutes(site):
    """The 60 minutes: their prose at 200 words a minute, code and output being skimmed."""
    import reading_time

    words = reading_time.reading_times(site.html / SOURCE)
    assert list(words) == [name.split("/")[-1].removesuffix(".html") for name in PARTS]
    assert all(300 < count < 3000 for count in words.values()), words
    four = sum(words[name.split("/")[-1].removesuffix(".html")] for name in FOUR_PARTS)
    assert reading_time.minutes(four) < reading_time.PATH_BUDGET_MINUTES == 35
