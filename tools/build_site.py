"""Build the bilingual site: English first, then zh_CN, then the root page.

The English build executes the tutorials; the zh_CN build reads the same
source folder, finds sphinx-gallery's cache current and reuses it, so every
tutorial executes once per site build.

Usage: python tools/build_site.py [--out DIR] [--lang CODE ...] [SPHINX-BUILD ARGS]
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")


def sphinx_build(language, out, builder="html", extra=(), root=ROOT, capture=False):
    """Run one strict sphinx-build of the sources under ``root``.

    Raises CalledProcessError when it fails; with ``capture``, its output is
    returned (and kept on the error) instead of printed.
    """
    command = [
        sys.executable, "-m", "sphinx",
        "-W", "--keep-going",
        "-b", builder,
        "-c", str(root),
        "-d", str(out / "doctrees" / builder / language),
        "-D", f"language={language}",
        *extra,
        str(root / "docs"),
        str(out / builder / language),
    ]
    result = subprocess.run(
        command,
        check=True,
        cwd=root,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
    )
    return result.stdout


def build_site(out, languages=LANGUAGES, extra=(), root=ROOT, capture=False):
    """Build each language, then the root page; return the logs when captured."""
    logs = {
        language: sphinx_build(language, out, extra=extra, root=root, capture=capture)
        for language in languages
    }
    shutil.copy(root / "docs" / "root_index.html", out / "html" / "index.html")
    return logs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    args, extra = parser.parse_known_args(argv)
    out = args.out.resolve()
    try:
        build_site(out, args.lang or LANGUAGES, extra)
    except subprocess.CalledProcessError as error:
        sys.exit(f"sphinx-build failed (exit {error.returncode}); see the messages above.")
    print(f"Site built: {out / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
