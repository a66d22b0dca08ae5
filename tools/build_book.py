"""Print the built site as one PDF book per language, with Chromium.

The book of a language is its landing page's introduction, then the four
tutorials in order, as built (their real outputs, figures and formulas); a
translation's book ends with the glossary. This reads the pages
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))

from build_site import CONF, LANGUAGES  # noqa: E402
from landing_downloads import book_name  # noqa: E402

STYLE = ROOT / "docs" / "book.css"
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
    return str(book)


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
            html.write_text(book_html(site, language), encoding="utf-8")
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
