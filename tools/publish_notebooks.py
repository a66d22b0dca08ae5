"""Lay out a built site's notebooks for the launchers: OUT/<language>/<tutorial>.ipynb.

The publishing workflow runs this after the build and pushes OUT to the
repository's notebooks branch (conf.py's ``blitz_notebooks_branch``), where
Colab's and Binder's GitHub loaders open the files the tutorial pages' launchers
name (notebook_launchers.notebook_path). Each language's notebooks are the
ones its pages offer for download, so the prose is in that language. OUT also
gets Binder's requirements.txt (the CPU build of torch: Binder has no GPU) and
a README saying where the files come from.

Usage: python tools/publish_notebooks.py [--site _build/html] OUT
"""

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from build_site import CONF, LANGUAGES  # noqa: E402
from notebook_launchers import notebook_path, requirements  # noqa: E402

BINDER_REQUIREMENTS = "--extra-index-url https://download.pytorch.org/whl/cpu\n"


def site_notebooks(site, language):
    """The notebooks a language's pages offer for download, by tutorial name."""
    found = {}
    for notebook in sorted((site / language / "_downloads").glob("*/*.ipynb")):
        if notebook.stem in found:
            raise SystemExit(f"{notebook}: two notebooks named {notebook.name} in {language}'s downloads")
        found[notebook.stem] = notebook
    return found


def publish(site, out):
    """Write the branch's files into ``out``; return the paths written, relative to it."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for language in LANGUAGES:
        notebooks = site_notebooks(site, language)
        if not notebooks:
            raise SystemExit(f"{site / language}: no notebooks; build the site first (nox -s docs)")
        for stem, notebook in notebooks.items():
            target = out / notebook_path(language, stem)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)
            written.append(target.relative_to(out).as_posix())
    (out / "requirements.txt").write_text(BINDER_REQUIREMENTS + "\n".join(requirements()) + "\n")
    (out / "README.md").write_text(
        f"# Notebooks of {CONF['project']}\n\n"
        "Written by the publishing workflow (tools/publish_notebooks.py) from the built site;\n"
        "each folder is one language. Do not edit: every publication replaces this branch.\n"
    )
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    for path in publish(args.site, args.out):
        print(path)


if __name__ == "__main__":
    main()
