"""Refresh the zh_CN catalogs after the English changed.

1. A gettext build writes fresh templates into a clean folder (so no
   template of a deleted page survives), without executing tutorials:
   sphinx-gallery reuses what the last build ran and only writes the text of
   stale ones.
2. sphinx-intl merges the templates into locales/zh_CN: new messages arrive
   untranslated, changed ones keep their old translation marked fuzzy, and
   messages the English no longer has are dropped (git history keeps them).
3. Catalogs whose page is gone are removed, and every catalog is rewritten
   in the one wrapping style.
"""

import shutil
import subprocess
import sys

import build_site
import catalogs

ROOT = build_site.ROOT
TEMPLATES = ROOT / "_build" / "gettext"
# Catalogs of Sphinx's own 'sphinx' domain (theme text) have no template.
THEME_CATALOGS = {"sphinx.po"}


def update_catalogs():
    shutil.rmtree(TEMPLATES, ignore_errors=True)
    if build_site.sphinx_build("en", ROOT / "_build", "gettext", ("-D", "plot_gallery=0")):
        sys.exit("The gettext build failed; see the messages above.")
    templates = TEMPLATES / "en"
    subprocess.run(
        [sys.executable, "-m", "sphinx_intl", "update",
         "--pot-dir", str(templates),
         "--locale-dir", str(ROOT / "locales"),
         "--language", "zh_CN",
         f"--line-width={catalogs.LINE_WIDTH}",
         "--no-obsolete"],
        check=True,
    )
    for po in catalogs.catalogs():
        page = po.relative_to(catalogs.LOCALE_DIR).with_suffix(".pot")
        if po.name not in THEME_CATALOGS and not (templates / page).exists():
            po.unlink()
            print(f"Removed {catalogs.relative(po)}: its page is gone (git history keeps it).")
        else:
            catalogs.rewrap(po)


if __name__ == "__main__":
    update_catalogs()
