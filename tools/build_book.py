"""Print the built site as one PDF book per language, with Chromium.

The book of a language is its landing page's introduction, then the
tutorials in order (the four parts, then the optional fifth), as built (their
real outputs, figures and formulas); a translation's book ends with the
glossary. This reads the pages
``tools/build_site.py`` wrote under ``_build/html/<language>/``, joins their
articles into one HTML file (``_build/book/<language>/book.html``; ids made
unique per page, links between the pages kept inside the book, figures at
print resolution), and prints it with Chromium (Playwright's ``page.pdf``)
with ``docs/book.css``: bookmarks from the headings (``outline``), tagged
text, page numbers in the footer, every font embedded. The PDF goes into the
language's folder of the site, ``_build/html/<language>/blitz-<language>.pdf``,
where the landing page lists it (landing_downloads) after the next build.

Why Chromium over the built pages, rather than Sphinx's LaTeX or singlehtml
builders: the pages are already built, so printing costs seconds, not another
Sphinx run per language; the book shows exactly what the site shows
(KaTeX's formulas are text, the outputs are the same files); and Chromium is
already the browser tests' dependency, where LaTeX would add a TeX
distribution with CJK fonts to every machine.

The Chinese book prints the same on every machine, whatever CJK fonts it has
or lacks: its Chinese is set in Noto Sans CJK SC, from the PyPI package
``mplfonts`` that requirements.txt installs (the font the figures are drawn
in), loaded by an ``@font-face`` of the joined HTML, first in every font list
of ``docs/book.css`` and limited (``unicode-range``) to the CJK blocks, so
that Latin text, code and formulas keep the site's fonts. Left to fontconfig,
Chromium took whichever CJK font the machine had, and with Debian's Noto Sans
CJK set every Chinese glyph as one of some 190 nameless Type 3 fonts: Skia,
Chromium's PDF backend, embeds TrueType outlines as a named font but draws
CFF outlines (Noto CJK's, as shipped) as Type 3 glyphs. So ``cjk_fonts``
subsets the font to the CJK characters the book uses (about 700, some 1,300
of its 65,535 glyphs with their alternate forms) and converts their cubic CFF outlines to
quadratic TrueType ones with fontTools' cu2qu (as fontTools' ``otf2ttf``
snippet does; fontTools comes with matplotlib): the PDF embeds it, by name,
as ``NotoSansCJKsc-Regular``. Skia also draws as Type 3 the glyphs Chromium
emboldens for bold text, and ``mplfonts`` has no bold Noto Sans CJK: so the
book brings a bold too, the same glyphs thickened (``embolden``), embedded as
``NotoSansCJKsc-Regular-Emboldened``. Not chosen: ``mplfonts``' TrueType SimHei
needs no conversion, but it is a commercial font (Beijing ZhongYi, "All
rights reserved") and looks unlike the figures; Debian's WenQuanYi Micro Hei
(TrueType) is not on PyPI, so a fresh clone would depend on the machine.
Noto Sans CJK is under the SIL Open Font License, which allows subsetting
and embedding.

Usage: python tools/build_book.py [--out DIR] [--lang CODE ...]
"""

import argparse
from html import escape
import os
import re
import shutil
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup
import mplfonts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))

from build_site import CONF, LANGUAGES  # noqa: E402
from landing_downloads import book_name  # noqa: E402

STYLE = ROOT / "docs" / "book.css"
CJK_SOURCE = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Blitz CJK"  # the name docs/book.css puts first in its font lists
CJK_EMBOLDEN = 1 / 28  # the book's bold CJK glyphs are this many em thicker than the regular ones
# The CJK blocks (radicals to CJK punctuation, kana, enclosed and compatibility characters, the
# ideographs, vertical and full-width forms, the supplementary ideographs): what the book's CJK
# font draws; everything else keeps the site's fonts.
CJK_RANGES = [
    (0x2E80, 0x2FDF), (0x2FF0, 0x31FF), (0x3200, 0x9FFF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF),
]
GLOSSARY = "contributing/glossary"
PRINT_DPI = 150  # figures print at this many pixels per inch, or more where the page is narrower
CSS_DPI = 96  # Chromium prints one CSS pixel as 1/96 inch
# What the site has and a book does not need: links to itself, buttons, downloads, the English
# originals of 中英对照 (hidden on the site too), the list of downloads on the landing page.
LEAVE_OUT = [
    "a.headerlink", ".blitz-parallel", ".blitz-original", ".blitz-original-toggle",
    ".sphx-glr-footer", ".sphx-glr-download-link-note", ".blitz-source-link", ".blitz-feedback",
    ".language-switch", "p.sphx-glr-signature",
]


def chromium():
    """Debian's chromium, or another Chromium-based browser on the PATH (BLITZ_CHROMIUM overrides)."""
    for name in (os.environ.get("BLITZ_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("The book is printed with Chromium: install Debian's chromium (apt-get install chromium).")


def book_pages(language):
    """The pages of the book, in order: the landing page, the tutorials, a translation's glossary."""
    tutorials = sorted(Path(ROOT, "examples").glob("plot_*.py"))
    gallery = CONF["sphinx_gallery_conf"]["gallery_dirs"]
    pages = ["index", *(f"{gallery}/{script.stem}" for script in tutorials)]
    return pages + ([GLOSSARY] if language != LANGUAGES[0] else [])


def page_prefix(number):
    return f"p{number}-"


def book_html(site, language):
    """One HTML document holding every page's article, ready to print."""
    pages = book_pages(language)
    prefixes = {page: page_prefix(number) for number, page in enumerate(pages)}
    first = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    book = BeautifulSoup(
        f'<!DOCTYPE html><html lang="{first.html["lang"]}"><head><meta charset="utf-8">'
        f"<title>{escape(first.title.string)}</title></head><body></body></html>",
        "html.parser",
    )
    styles = []  # every page's style sheets, in order (KaTeX's comes with the first formula)
    for page in pages:
        path = site / f"{page}.html"
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        for link in soup.find_all("link", rel="stylesheet"):
            style = (path.parent / link["href"].split("?")[0]).resolve().as_uri()
            if style not in styles:
                styles.append(style)
                book.head.append(book.new_tag("link", rel="stylesheet", href=style))
        article = soup.find("article", role="main")
        for unwanted in article.select(", ".join(LEAVE_OUT)):
            unwanted.decompose()
        downloads = article.select_one(".blitz-downloads")
        if downloads:
            downloads.find_parent("section").decompose()
        rewrite_for_book(article, path, site, page, prefixes)
        chapter = book.new_tag("section", attrs={"class": "book-chapter", "id": f"{prefixes[page]}top"})
        chapter.extend(list(article.children))
        book.body.append(chapter)
    book.head.append(book.new_tag("link", rel="stylesheet", href=STYLE.as_uri()))
    return book


def is_cjk(char):
    return any(first <= ord(char) <= last for first, last in CJK_RANGES)


def cjk_fonts(text, folder):
    """Write into ``folder`` the CJK fonts for ``text``: {CSS weight: TrueType file}, none if it has no CJK.

    The regular weight is Noto Sans CJK SC's glyphs for the text's CJK characters, as TrueType; the
    bold one, the same glyphs emboldened (``embolden``).
    """
    from fontTools import subset

    characters = "".join(sorted({char for char in text if is_cjk(char)}))
    if not characters:
        return {}
    options = subset.Options()
    options.layout_features = ["*"]  # every OpenType feature, as Chromium may ask for any
    options.name_IDs = ["*"]  # names and the licence stay with the font
    options.notdef_outline = True
    font = subset.load_font(str(CJK_SOURCE), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    cff_to_truetype(font)
    regular = folder / f"{CJK_SOURCE.stem}.ttf"
    font.save(regular)
    embolden(font)
    bold = folder / f"{CJK_SOURCE.stem}-Emboldened.ttf"
    font.save(bold)
    return {400: regular, 700: bold}


def embolden(font, stroke=CJK_EMBOLDEN):
    """Make a TrueType ``font`` bold: every glyph drawn five times, itself and moved by ``stroke`` em each way.

    ``mplfonts`` has no bold Noto Sans CJK. Left to itself, Chromium emboldens the regular font's
    glyphs when it draws bold text, and Skia prints those as Type 3 glyphs: so the book carries
    its own bold, thickened about as Chromium thickens (Skia strokes the outline 1/24 to 1/32 em wide),
    with the regular font's advances, so that lines break where they broke. The copies overlap,
    which TrueType's nonzero fill allows (each glyph is flagged as overlapping).
    """
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphCoordinates, flagOverlapSimple

    shift = round(stroke * font["head"].unitsPerEm / 2)
    glyf = font["glyf"]
    for name in glyf.keys():
        glyph = glyf[name]
        if glyph.numberOfContours <= 0:  # empty (a space) or made of components
            continue
        coordinates, ends, flags = glyph.getCoordinates(glyf)
        copies = [(0, 0), (shift, 0), (-shift, 0), (0, shift), (0, -shift)]
        bold = Glyph()
        bold.coordinates = GlyphCoordinates()
        bold.endPtsOfContours, bold.flags = [], bytearray()
        for dx, dy in copies:
            start = len(bold.coordinates)
            moved = GlyphCoordinates(coordinates)
            moved.translate((dx, dy))
            bold.coordinates.extend(moved)
            bold.endPtsOfContours.extend(start + end for end in ends)
            bold.flags.extend(flags)
        bold.flags[0] |= flagOverlapSimple
        bold.numberOfContours = len(bold.endPtsOfContours)
        bold.program = glyph.program
        bold.recalcBounds(glyf)
        glyf[name] = bold
        font["hmtx"][name] = (font["hmtx"][name][0], bold.xMin)
    names = font["name"]
    family = names.getDebugName(1)
    for record in names.names:
        if record.nameID in (2, 17):
            record.string = "Bold"
        elif record.nameID in (3, 4):
            record.string = f"{family} Bold (emboldened)"
        elif record.nameID == 6:
            record.string = f"{CJK_SOURCE.stem}-Emboldened"
    font["OS/2"].usWeightClass = 700
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection | 1 << 5) & ~(1 << 6)  # bold, not regular
    font["head"].macStyle |= 1


def cff_to_truetype(font):
    """Replace the CFF outlines of an OpenType ``font`` by TrueType ones (fontTools' snippets/otf2ttf.py)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = font["glyf"] = newTable("glyf")
    font["loca"] = newTable("loca")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # Within one unit of 1,000 per em; TrueType's contours run the other way round from CFF's.
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:  # CFF's vertical origins; TrueType takes them from vmtx
        del font["VORG"]
    font.recalcBBoxes = True  # the subsetter loads fonts without: the font's box, from its new glyphs
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        glyph.recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000  # the version TrueType outlines need
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: a PDF reader maps glyphs to text with the cmap
    font.sfntVersion = "\x00\x01\x00\x00"


def font_faces(fonts):
    """The ``@font-face`` rules of the book's CJK fonts ({weight: file}), for the CJK blocks only."""
    ranges = ", ".join(f"U+{first:X}-{last:X}" for first, last in CJK_RANGES)
    return "\n".join(
        f'@font-face {{ font-family: "{CJK_FAMILY}"; font-weight: {weight}; '
        f'src: url("{path.as_uri()}") format("truetype"); unicode-range: {ranges}; }}'
        for weight, path in fonts.items()
    )


def rewrite_for_book(article, path, site, page, prefixes):
    """Ids unique in the book, links between its pages inside it, images from files, solutions open."""
    prefix = prefixes[page]
    for element in article.find_all(id=True):
        element["id"] = prefix + element["id"]
    for link in article.find_all("a", href=True):
        link["href"] = book_link(link["href"], path, site, page, prefixes)
    for image in article.find_all("img"):
        image["src"] = (path.parent / image["src"]).resolve().as_uri()
        image.attrs.pop("srcset", None)
        image.attrs.pop("loading", None)  # Chromium prints only the images it has loaded
        if image.get("width") and "sphx-glr" in " ".join(image.get("class", [])):
            image["style"] = f"width: {int(image['width']) * CSS_DPI / PRINT_DPI:.0f}px"
    for dropdown in article.find_all("details"):
        dropdown["open"] = ""


def book_link(href, path, site, page, prefixes):
    """A link of ``page``, as the book needs it: to a place in the book, or to the published site."""
    if re.match(r"^[a-z]+:", href):
        return href
    target, _, fragment = href.partition("#")
    target_path = (path.parent / target).resolve() if target else path
    in_site = target_path.relative_to(site.parent).as_posix()  # from the site's root, past the languages
    target_page = in_site.removeprefix(f"{site.name}/").removesuffix(".html")
    if target_page in prefixes:
        return f"#{prefixes[target_page]}{fragment or 'top'}"
    site_url = CONF["blitz_site_url"].rstrip("/")
    return f"{site_url}/{in_site}" + (f"#{fragment}" if fragment else "") if site_url else href


def footer(language):
    return (
        '<div style="width: 100%; font-size: 8pt; color: #555; text-align: center;">'
        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
    )


def print_books(out, languages):
    """Write each language's book; return {language: (path, seconds)}."""
    from playwright.sync_api import sync_playwright

    done = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        for language in languages:
            started = time.monotonic()
            site = out / "html" / language
            if not (site / "index.html").exists():
                sys.exit(f"{site / 'index.html'} is missing: build the site first (nox -s docs).")
            folder = out / "book" / language
            folder.mkdir(parents=True, exist_ok=True)
            html = folder / "book.html"
            book = book_html(site, language)
            fonts = cjk_fonts(book.get_text(), folder)
            if fonts:
                style = book.new_tag("style")
                style.string = font_faces(fonts)
                book.head.insert(0, style)
            html.write_text(str(book), encoding="utf-8")
            page = browser.new_page()
            page.goto(html.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready")
            pdf = site / book_name(language, ".pdf")
            page.pdf(
                path=str(pdf), format="A4", print_background=True, outline=True, tagged=True,
                display_header_footer=True, header_template="<span></span>", footer_template=footer(language),
                margin={"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"},
            )
            page.close()
            done[language] = (pdf, time.monotonic() - started)
        browser.close()
    return done


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    args = parser.parse_args(argv)
    for language, (pdf, seconds) in print_books(args.out.resolve(), args.lang or LANGUAGES).items():
        print(f"Book ({language}): {pdf} ({pdf.stat().st_size / 1e6:.1f} MB, {seconds:.1f} s)")


if __name__ == "__main__":
    main()
