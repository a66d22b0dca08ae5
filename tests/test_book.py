"""Take it with you: the PDF books, the zips of every script and notebook, and the feedback link.

One build serves every test here, made as the Pages workflow makes it: the
site with BLITZ_REPOSITORY_URL and BLITZ_SITE_URL set (reusing the session
build's tutorial runs), then ``tools/build_book.py``, then the rebuild that
lists the books on the landing pages (``nox -s book``).
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import built_once
from site_facts import (
    AXE, LANGUAGES, PARTS, REPOSITORY, SITE_URL, SOURCE, TRANSLATIONS, language_tag, require_browser, run_tool,
)

pypdf = pytest.importorskip("pypdf")
# One worker prints the books (`published`, about 80 s) and runs every test that reads them; the other
# goes on with other tests rather than waiting for the same books.
pytestmark = pytest.mark.xdist_group("book")

ZH = TRANSLATIONS[0]
GITHUB_URL_LIMIT = 8192  # GitHub answers longer issue URLs with an error
PAGE_RANGE = (15, 150)  # pages per book: the blitz is four tutorials, not a manual
RIGHT_MARGIN_PT = 18 / 25.4 * 72  # tools/build_book.py's 18 mm
CJK_FONTS = {"NotoSansCJKsc-Regular", "NotoSansCJKsc-Regular-Emboldened"}  # tools/build_book.py's, from mplfonts


@pytest.fixture(scope="session")
def published(site, site_with_repository, tmp_path_factory):
    """The site as publishing builds it, its books, and the rebuild that lists them (`nox -s book`),
    in a copy of ``site_with_repository``; with the seconds each step took."""
    def build(folder):
        out = folder / "out"
        shutil.copytree(site_with_repository.parent, out, symlinks=True)
        env = {"BLITZ_REPOSITORY_URL": REPOSITORY, "BLITZ_SITE_URL": SITE_URL}
        seconds, log = {}, ""
        for step, script in (("books", "build_book.py"), ("rebuild", "build_site.py")):
            started = time.monotonic()
            run = run_tool(site.root, script, "--out", out, env=env)
            log += run.stdout
            if run.returncode:
                return {"returncode": run.returncode, "log": log}
            seconds[step] = time.monotonic() - started
        return {"returncode": 0, "log": log, "seconds": seconds, "html": str(out / "html")}

    built = built_once(tmp_path_factory, "published", build)
    assert built["returncode"] == 0, built["log"]
    print(f"\nBuild times (s): {built['seconds']}")
    return Path(built["html"])


def book(published, language):
    return published / language / f"blitz-{language}.pdf"


def soup(published, language, name):
    return BeautifulSoup((published / language / name).read_text(encoding="utf-8"), "html.parser")


def heading_text(heading):
    for link in heading.select("a.headerlink, .blitz-original-toggle"):
        link.decompose()
    return " ".join(heading.get_text().split())


def book_pages(language):
    """The pages each book holds: the landing page, the tutorials, a translation's glossary."""
    return ["index.html", *PARTS, *(["contributing/glossary.html"] if language != SOURCE else [])]


def outline_titles(outline):
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield " ".join(item.title.split())


def squeeze(text):
    """Text without whitespace, so a wrapped line still matches."""
    return re.sub(r"\s+", "", text)


def pdftotext(path, *options):
    """poppler's pdftotext: it reads KaTeX's math fonts, where pypdf's extraction drops characters."""
    command = shutil.which("pdftotext")
    if command is None:
        pytest.skip("needs poppler-utils' pdftotext (.ci/run installs it)")
    return subprocess.run([command, *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- The books ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_book_has_a_sensible_number_of_pages_each_numbered(published, language):
    reader = pypdf.PdfReader(book(published, language))
    pages = len(reader.pages)
    assert PAGE_RANGE[0] <= pages <= PAGE_RANGE[1], pages
    for number in (1, pages // 2, pages):
        assert f"{number} / {pages}" in reader.pages[number - 1].extract_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_outline_lists_every_tutorial_and_section(published, language):
    titles = list(outline_titles(pypdf.PdfReader(book(published, language)).outline))
    expected = []
    for name in book_pages(language):
        page = soup(published, language, name)
        downloads = page.select_one(".blitz-downloads")
        if downloads:  # the book does not list itself
            downloads.find_parent("section").decompose()
        expected += [heading_text(h) for h in page.select("article section > h1, article section > h2")]
    assert len(expected) > 10
    # Chromium drops the space where a heading wraps (element-wise|product): compare without spaces.
    missing = [title for title in expected if squeeze(title) not in map(squeeze, titles)]
    assert missing == [], f"not in the outline: {missing}; the outline: {titles}"


def pdf_fonts(reader):
    """(name, type, embedded) for every font of every page, in forms too; a Type 3 font has no name."""
    def walk(resources):
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            if font["/Subtype"] == "/Type3":
                yield str(font.get("/Name", "")), "/Type3", True  # its glyphs are drawn in the file itself
                continue
            described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            descriptor = described["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            yield str(font["/BaseFont"]), str(described["/Subtype"]), embedded
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                yield from walk(xobject["/Resources"].get_object())

    for page in reader.pages:
        yield from walk(page.get("/Resources", {}).get_object() if "/Resources" in page else {})


def font_names(pdf):
    """The names of the fonts of a PDF, without the subset tag (``ABCDEF+``) that differs from print to print."""
    return {re.sub(r"^/[A-Z]{6}\+", "", name) for name, _, _ in pdf_fonts(pypdf.PdfReader(pdf))}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_font_is_embedded(published, language):
    fonts = set(pdf_fonts(pypdf.PdfReader(book(published, language))))
    assert fonts and [name for name, _, embedded in fonts if not embedded] == []
    # Type 3 glyphs (what Skia makes of CFF outlines and of glyphs it emboldens) print and search badly.
    assert [kind for _, kind, _ in fonts if kind == "/Type3"] == []
    if language != SOURCE:
        assert CJK_FONTS <= font_names(book(published, language)), fonts


def no_system_cjk_fonts(folder):
    """A fontconfig configuration: the machine's own, less every font for Chinese, Japanese or Korean."""
    system = os.environ.get("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
    rejected = "".join(f"<pattern><patelt name=\"lang\"><string>{lang}</string></patelt></pattern>"
                       for lang in ("zh-cn", "zh-tw", "zh-hk", "ja", "ko"))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">{system}</include>'
        f"<selectfont><rejectfont>{rejected}</rejectfont></selectfont></fontconfig>",
        encoding="utf-8",
    )
    return conf


def test_chinese_book_prints_the_same_with_the_systems_cjk_fonts_hidden(site, published, tmp_path):
    """The Chinese book, printed again by a Chromium that sees no CJK font of the machine, is the same book."""
    conf = no_system_cjk_fonts(tmp_path)
    fc_list = shutil.which("fc-list")
    if fc_list:
        def chinese_fonts(env):
            return subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, env=env).stdout
        assert chinese_fonts({**os.environ, "FONTCONFIG_FILE": str(conf)}) == ""
        print(f"\nCJK fonts hidden: {len(chinese_fonts(os.environ).splitlines())}")
    out = tmp_path / "out"
    shutil.copytree(published / ZH, out / "html" / ZH)
    hidden = out / "html" / ZH / book(published, ZH).name
    hidden.unlink()
    env = {"BLITZ_REPOSITORY_URL": REPOSITORY, "BLITZ_SITE_URL": SITE_URL, "FONTCONFIG_FILE": str(conf)}
    run = run_tool(site.root, "build_book.py", "--out", out, "--lang", ZH, env=env)
    assert run.returncode == 0, run.stdout
    print(run.stdout)
    assert font_names(hidden) == font_names(book(published, ZH))
    assert [kind for _, kind, _ in pdf_fonts(pypdf.PdfReader(hidden)) if kind == "/Type3"] == []
    assert_no_missing_glyphs(hidden)
    assert pdftotext(hidden) == pdftotext(book(published, ZH))


def formula_and_output(published, language, part):
    """An inline formula's text (KaTeX's HTML is text) and an output line, as the part's page shows them.

    Inline formulas without fractions or scripts read in one line, in the PDF as on the page.
    """
    page = soup(published, language, part)
    formulas = [squeeze(m.get_text()).replace("\u200b", "") for m in page.select("p .katex-html")
                if not m.select(".mfrac, .msupsub, .sqrt")]
    outputs = [line.strip() for pre in page.select(".sphx-glr-script-out pre") for line in pre.get_text().split("\n")]
    output = next(line for line in outputs if 12 <= len(line) <= 60)
    return next((formula for formula in formulas if len(formula) >= 5), None), output


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_layer_holds_a_formula_and_an_output_of_every_part(published, language):
    text = squeeze(pdftotext(book(published, language))).replace("\u200b", "")
    formulas = 0
    for part in PARTS:
        formula, output = formula_and_output(published, language, part)
        assert squeeze(output) in text, f"{part}: output line {output!r} not in the book's text"
        if formula:
            formulas += 1
            assert formula in text, f"{part}: formula {formula!r} not in the book's text"
    assert formulas == len(PARTS)


def is_cjk(char):
    return unicodedata.east_asian_width(char) == "W" and unicodedata.category(char).startswith("L")


def glyph_ids(page):
    """(font name, glyph id) of every glyph the page shows in a two-byte (Identity-H) font."""
    from pypdf.generic import ContentStream

    fonts = page["/Resources"]["/Font"]
    font = None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"Tf":
            font = fonts[operands[0]].get_object()
        elif operator in (b"Tj", b"TJ") and font.get("/Encoding") == "/Identity-H":
            for string in operands[0] if operator == b"TJ" else operands:
                if isinstance(string, (int, float)) or not hasattr(string, "original_bytes"):
                    continue
                data = string.original_bytes
                yield from ((str(font["/BaseFont"]), int.from_bytes(data[i:i + 2])) for i in range(0, len(data), 2))


def assert_no_missing_glyphs(pdf):
    reader = pypdf.PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert sum(map(is_cjk, text)) > 2000, "the Chinese book holds too few Chinese characters"
    assert "\u25a1" not in text and "\ufffd" not in text  # a box, or a character the text layer lost
    glyphs = [glyph for page in reader.pages for glyph in glyph_ids(page)]
    assert len(glyphs) > 10000
    # Glyph 0 is .notdef, the box a font draws for a character it lacks.
    assert sorted({font for font, glyph in glyphs if glyph == 0}) == []


def test_chinese_book_has_no_missing_glyphs(published):
    assert_no_missing_glyphs(book(published, ZH))


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_runs_past_the_right_margin(published, language):
    words = pdftotext(book(published, language), "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', words).group(1))
    text_right = page_width - RIGHT_MARGIN_PT
    right_edges = [(float(x), word) for x, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', words)]
    assert max(x for x, _ in right_edges) > text_right - 40, "no line reaches the margin: this test proves nothing"
    past = [word for x, word in right_edges if x > text_right + 1]
    assert past == []


# --- Downloads of everything ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_page_lists_the_zips_and_the_book_with_sizes(published, language):
    items = soup(published, language, "index.html").select(".blitz-downloads li")
    hrefs = [item.a["href"] for item in items]
    assert hrefs == [f"blitz-scripts-{language}.zip", f"blitz-notebooks-{language}.zip", f"blitz-{language}.pdf"]
    for item in items:
        assert (published / language / item.a["href"]).exists()
        assert re.search(r"[,，] ?\d+(\.\d)? [KM]B$", item.get_text())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "suffix"), [("scripts", ".py"), ("notebooks", ".ipynb")])
def test_zips_hold_every_tutorial_in_the_language(published, language, kind, suffix):
    with zipfile.ZipFile(published / language / f"blitz-{kind}-{language}.zip") as archive:
        files = {name.rsplit("/", 1)[-1]: archive.read(name).decode() for name in archive.namelist()}
    assert sorted(files) == sorted(part.split("/")[-1].replace(".html", suffix) for part in PARTS)
    for part in PARTS:
        title = heading_text(soup(published, language, part).select_one("h1"))
        text = files[part.split("/")[-1].replace(".html", suffix)].replace("`", "")
        assert title in text, f"{kind} zip, {part}: no title {title!r}"
        chinese = sum(map(is_cjk, text))
        assert (chinese > 100) if language != SOURCE else (chinese == 0), f"{kind} zip, {part}: {chinese} CJK"


# --- Feedback ---


def issue_query(url):
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPOSITORY}/issues/new"
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["index.html", *PARTS, "contributing/translating.html", "search.html"])
def test_every_page_has_a_feedback_link_that_works_without_javascript(published, language, name):
    page = soup(published, language, name)
    links = page.select(".blitz-feedback a")
    assert len(links) == 1
    url = links[0]["href"]
    assert len(url) < GITHUB_URL_LIMIT // 2
    query = issue_query(url)
    if name != "search.html":
        assert heading_text(page.select_one("h1")) in query["title"]
    assert f"{SITE_URL}{language}/{name}" in query["body"]
    assert links[0]["target"] == "_blank"
    if name in PARTS:
        assert "torch 2." in query["body"] and "torchvision 0." in query["body"] and "Python 3." in query["body"]


def test_no_feedback_link_without_a_repository(site):
    for language in LANGUAGES:
        assert "blitz-feedback" not in (site.html / language / PARTS[0]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def published_server(published):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(published)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


def test_feedback_link_carries_the_section_being_read(browser, published, published_server):
    require_browser()
    from conftest import Visit

    tab = Visit(browser, published_server, viewport={"width": 1440, "height": 900}, locale=language_tag(ZH))
    page = tab.open(f"{ZH}/{PARTS[1]}")
    page.add_script_tag(path=str(AXE))  # the link is new on the page: no accessibility violation with it
    assert page.evaluate("async () => (await axe.run()).violations.map(v => v.id)") == []
    third = page.locator("article section > section > h2").nth(2)
    section_title = heading_text(BeautifulSoup(third.evaluate("h => h.outerHTML"), "html.parser"))
    section_id = third.evaluate("h => h.parentElement.id")
    page.evaluate("""id => {
        document.getElementById(id).scrollIntoView({ behavior: "instant" });
        window.scrollBy({ top: 120, behavior: "instant" });  // the reader is a little way into it
    }""", section_id)
    assert -200 < third.evaluate("h => h.getBoundingClientRect().top") < 0
    link = page.locator(".toc-drawer .blitz-feedback a")
    assert link.is_visible() and link.inner_text() == "反馈本页问题"
    link.click()
    deadline = time.monotonic() + 10
    while not tab.outside and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    tab.context.close()
    assert len(tab.outside) == 1, tab.outside  # the issue form, opened once; nothing else left the site
    url = tab.outside[0]
    assert len(url) < GITHUB_URL_LIMIT // 2
    query = issue_query(url)
    title = heading_text(soup(published, ZH, PARTS[1]).select_one("h1"))
    assert title in query["title"]
    assert f"**章节：** {section_title} ({published_server}{ZH}/{PARTS[1]}#{section_id})" in query["body"]
    assert f"**地址：** {published_server}{ZH}/{PARTS[1]}\n" in query["body"]
    assert "torch 2." in query["body"] and "torchvision 0." in query["body"] and "Python 3." in query["body"]
    assert "我预期的结果" in query["body"] and "简体中文" in query["body"]
