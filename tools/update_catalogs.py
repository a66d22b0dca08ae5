"""Refresh the zh_CN catalogs after the English changed.

A gettext build writes fresh templates into a clean folder (so no template
of a deleted page survives), without executing tutorials: sphinx-gallery
reuses what the last build ran and only writes the text of stale ones. Then
sphinx-intl merges the templates into locales/zh_CN: new messages arrive
untranslated, changed ones keep their old translation marked fuzzy, and
messages the English no longer has are removed (git history keeps them).
"""

import shutil
import subprocess
import sys

import build_site

ROOT = build_site.ROOT
TEMPLATES = ROOT / "_build" / "gettext"


def update_catalogs():
    shutil.rmtree(TEMPLATES, ignore_errors=True)
    if build_site.sphinx_build("en", ROOT / "_build", "gettext", ("-D", "plot_gallery=0")):
        sys.exit("The gettext build failed; see the messages above.")
    subprocess.run(
        [sys.executable, "-m", "sphinx_intl", "update",
         "--pot-dir", str(TEMPLATES / "en"),
         "--locale-dir", str(ROOT / "locales"),
         "--language", "zh_CN",
         "--line-width", "76",
         "--no-obsolete"],
        check=True,
    )


if __name__ == "__main__":
    update_catalogs()
