"""Refresh every translation's catalogs after the English changed.

1. A gettext build writes fresh templates into a clean folder (so no
   template of a deleted page survives). It runs only the tutorials whose
   last run is not current (a fresh clone runs them all once): the titles of
   their figures are messages too, the figures' alt texts.
2. The templates are merged into locales/<language> as sphinx-intl merges them
   (babel's ``Catalog.update``): new messages arrive untranslated, changed
   ones keep their old translation marked fuzzy, and messages the English no
   longer has are dropped (git history keeps them). Unlike sphinx-intl, each
   fuzzy message keeps the English it was translated from, as
   ``msgmerge --previous`` writes it (``#| msgid "..."``), so that a translator
   sees what changed (``nox -s progress``); pure Python, no gettext needed.
3. Catalogs whose page is gone are removed, and every catalog is rewritten
   in the one wrapping style.

The theme catalog, sphinx.po, is the exception: it holds the text of furo,
of our templates and of our extensions, and the gettext build sees only the
templates' part. Its new template messages are added; nothing is removed.
"""

import re
import shutil
import sys

from babel.messages.pofile import read_po

import build_site
from build_site import ROOT, TRANSLATIONS, catalog_checks

TEMPLATES = ROOT / "_build" / "gettext"
THEME_CATALOG = "sphinx.po"
POT_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: [^"\n]*"$', re.M)


def creation_dates(language):
    """Each catalog's POT-Creation-Date header line, before the refresh."""
    dates = {}
    for po in catalog_checks.catalogs(language):
        found = POT_CREATION_DATE.search(po.read_bytes())
        if found:
            dates[po] = found.group()
    return dates


def keep_creation_date(po, dates):
    """Put back the catalog's old POT-Creation-Date: the gettext build stamps the time of every
    run into every catalog, so each refresh changed all of them and branches' merges conflicted."""
    if po in dates:
        text = po.read_bytes()
        kept = POT_CREATION_DATE.sub(lambda _: dates[po], text, count=1)
        if kept != text:
            po.write_bytes(kept)


def add_theme_messages(theme_template, po):
    """Add the templates' new messages to the theme catalog, untranslated; keep the rest."""
    catalog = catalog_checks.load(po) if po.exists() else None
    if catalog is None:
        return
    with open(theme_template, "rb") as f:
        for message in read_po(f):
            if message.id and message.id not in catalog:
                catalog.add(message.id)
    with open(po, "wb") as f:
        catalog_checks.write(f, catalog)


def merge(pot, po, language):
    """Merge a page's template into its catalog, as sphinx-intl's update does (written only when its
    messages changed), keeping each fuzzy message's previous English."""
    with open(pot, "rb") as f:
        template = read_po(f)
    if not po.exists():
        template.locale = language
        po.parent.mkdir(parents=True, exist_ok=True)
        with open(po, "wb") as f:
            catalog_checks.write(f, template)
        print(f"Create: {catalog_checks.relative(po)}")
        return
    catalog = catalog_checks.load(po)
    before = {message.id: message for message in catalog_checks.messages(catalog)}
    if set(before) == {message.id for message in template if message.id}:
        return
    catalog.update(template)
    for message in catalog_checks.messages(catalog):
        if not message.fuzzy:
            continue
        same = before.get(message.id)
        if same is not None and same.previous_id:
            message.previous_id = same.previous_id  # still fuzzy: the English it was translated from
        elif message.previous_id and message.previous_id[0] in before:
            matched = before[message.previous_id[0]]
            if matched.fuzzy and matched.previous_id:
                message.previous_id = matched.previous_id  # changed again before anyone translated it
    with open(po, "wb") as f:
        catalog_checks.write(f, catalog)
    now = {message.id for message in catalog_checks.messages(catalog)}
    print(f"Update: {catalog_checks.relative(po)} +{len(now - set(before))}, -{len(set(before) - now)}")


def update_catalogs(extra=()):
    """Refresh the catalogs; ``extra`` arguments go to sphinx-build."""
    problems = build_site.damaged_inputs(build_site.LANGUAGES)
    if problems:
        sys.exit(build_site.explained(problems, "run `nox -s catalogs` again"))
    shutil.rmtree(TEMPLATES, ignore_errors=True)
    if build_site.sphinx_build(build_site.LANGUAGES[0], ROOT / "_build", "gettext", extra):
        sys.exit("The gettext build failed; see the messages above.")
    templates = TEMPLATES / build_site.LANGUAGES[0]
    theme_template = TEMPLATES / THEME_CATALOG.replace(".po", ".pot")
    (templates / theme_template.name).replace(theme_template)  # a page's merge would drop the rest
    for language in TRANSLATIONS:
        dates = creation_dates(language)
        for pot in sorted(templates.rglob("*.pot")):
            merge(pot, catalog_checks.locale_dir(language) / pot.relative_to(templates).with_suffix(".po"), language)
        for po in catalog_checks.catalogs(language):
            page = po.relative_to(catalog_checks.locale_dir(language)).with_suffix(".pot")
            if po.name == THEME_CATALOG:
                add_theme_messages(theme_template, po)
            elif not (templates / page).exists():
                po.unlink()
                print(f"Removed {catalog_checks.relative(po)}: its page is gone (git history keeps it).")
                continue
            catalog_checks.rewrap(po)
            keep_creation_date(po, dates)


if __name__ == "__main__":
    update_catalogs(sys.argv[1:])
