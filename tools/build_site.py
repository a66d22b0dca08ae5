"""Build the bilingual site: English first, then zh_CN, then the root page.

The English build executes the tutorials; the zh_CN build reads the same
source folder, finds sphinx-gallery's cache current and reuses it, so every
tutorial executes once per site build. Both builds run in this one process,
which saves a second start-up (Sphinx, matplotlib) on every rebuild.

Usage: python tools/build_site.py [--out DIR] [--lang CODE ...] [SPHINX-BUILD ARGS]
"""

import argparse
import runpy
import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")


def sphinx_build(language, out, builder="html", extra=()):
    """Run one strict Sphinx build of this repository; return its exit status."""
    return build_main([
        "-W", "--keep-going",
        "-b", builder,
        "-c", str(ROOT),
        "-d", str(out / "doctrees" / builder / language),
        "-D", f"language={language}",
        *extra,
        str(ROOT / "docs"),
        str(out / builder / language),
    ])


def build_site(out, languages=LANGUAGES, extra=()):
    """Build each language in turn, then the root pages; return the exit status."""
    for language in languages:
        status = sphinx_build(language, out, extra=extra)
        if status:
            return status
    site = out / "html"
    shutil.copy(ROOT / "docs" / "root_index.html", site / "index.html")
    base = runpy.run_path(str(ROOT / "conf.py"))["blitz_site_url"].rstrip("/")
    # Served for any missing address, so its links are absolute.
    page_404 = (ROOT / "docs" / "root_404.html").read_text(encoding="utf-8")
    (site / "404.html").write_text(page_404.replace('href="/', f'href="{base}/'), encoding="utf-8")
    write_sitemap(site, languages, base)
    return 0


def write_sitemap(site, languages, base):
    """sitemap.xml for both languages, each page listing its translations."""
    pages = sorted(
        page.relative_to(site / languages[0]).as_posix()
        for page in (site / languages[0]).rglob("*.html")
        if page.name not in ("search.html", "genindex.html") and not page.parts[-2].startswith("_")
    )
    entries = []
    for page in pages:
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang="{lang.replace("_", "-")}" href="{base}/{lang}/{page}"/>'
            for lang in languages
        )
        entries += [f"  <url>\n    <loc>{base}/{lang}/{page}</loc>{alternates}\n  </url>" for lang in languages]
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n",
        encoding="utf-8",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    args, extra = parser.parse_known_args(argv)
    out = args.out.resolve()
    if build_site(out, args.lang or LANGUAGES, extra):
        sys.exit("The build failed; see the messages above.")
    print(f"Site built: {out / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
