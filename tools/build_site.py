"""Build the bilingual site: English first, then zh_CN, then the root page.

The English build executes the tutorials; the zh_CN build reads the same
source folder, finds sphinx-gallery's cache current and reuses it, so every
tutorial executes once per site build. Both builds run in this one process,
which saves a second start-up (Sphinx, matplotlib) on every rebuild.

Usage: python tools/build_site.py [--out DIR] [--lang CODE ...] [SPHINX-BUILD ARGS]
"""

import argparse
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
    """Build each language in turn, then the root page; return the exit status."""
    for language in languages:
        status = sphinx_build(language, out, extra=extra)
        if status:
            return status
    shutil.copy(ROOT / "docs" / "root_index.html", out / "html" / "index.html")
    return 0


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
