"""From page to fix: each page links to the file a contributor edits to improve it.

With ``blitz_repository_url`` set (conf.py reads BLITZ_REPOSITORY_URL), a
translated page links to its catalog (``locales/<language>/LC_MESSAGES/<page>.po``)
and a source-language page to its source: the tutorial script in
``examples/`` or the ``.rst`` under ``docs/``. Without it, or for a page with
no such file (the search page), nothing is shown. The label comes from sphinx.po.
"""

from html import escape
from pathlib import Path

from sphinx.locale import get_translation

import catalog_checks

_ = get_translation("sphinx")
ROOT = Path(__file__).resolve().parents[2]


def source_file(app, pagename):
    """The repository path a contributor edits to change this page, or None."""
    config = app.config
    languages = list(config.blitz_languages)
    if config.language != languages[0]:
        catalog = catalog_checks.locale_dir(config.language) / f"{pagename}.po"
        return catalog.relative_to(ROOT).as_posix() if catalog.exists() else None
    gallery = config.sphinx_gallery_conf["gallery_dirs"]
    sources = getattr(app, "blitz_tutorial_sources", config.sphinx_gallery_conf["examples_dirs"])
    script = Path(sources) / (pagename.removeprefix(f"{gallery}/") + ".py")
    if pagename.startswith(f"{gallery}/") and script.exists():
        return script.resolve().relative_to(ROOT).as_posix()
    page = ROOT / "docs" / f"{pagename}.rst"
    return page.relative_to(ROOT).as_posix() if page.exists() else None


def add_source_link(app, pagename, templatename, context, doctree):
    """html-page-context: the link, at the end of the page's content."""
    repository = app.config.blitz_repository_url.rstrip("/")
    path = source_file(app, pagename) if repository and doctree is not None else None
    if not path:
        return
    translated = app.config.language != next(iter(app.config.blitz_languages))
    label = _("Improve the translation of this page") if translated else _("Improve this page")
    context["body"] += (
        f'<p class="blitz-source-link"><a href="{escape(repository)}/blob/main/{escape(path)}">'
        f"{escape(label)}</a></p>"
    )


def setup(app):
    app.setup_extension("site_languages")
    app.add_config_value("blitz_repository_url", "", "html")
    app.connect("html-page-context", add_source_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
