"""Sphinx helpers for the Blitz site: per-language title and the language switcher."""

import logging
import posixpath
from pathlib import Path

from sphinx.errors import ConfigError

import catalogs


def set_language_options(app, config):
    """Apply the settings of the build's language; quiet jieba for the zh build."""
    language = config.language or "en"
    for name, values in config.blitz_per_language.items():
        config[name] = values.get(language, values["en"])
    if language != "en":
        check_catalogs(app, language)
    if language.startswith("zh"):
        import jieba  # Sphinx's zh search uses it; it logs to stderr by default

        jieba.setLogLevel(logging.WARNING)


def check_catalogs(app, language):
    """Stop the build on a catalog that does not parse: Sphinx would drop its messages."""
    errors = []
    for locale_dir in app.config.locale_dirs:
        for po in catalogs.catalogs(Path(app.srcdir, locale_dir, language)):
            try:
                catalogs.load(po)
            except ValueError as error:
                errors.append(str(error))
    if errors:
        raise ConfigError("broken translation catalog:\n" + "\n".join(errors))


def add_language_links(app, pagename, templatename, context, doctree):
    """Link every page to the same page in each language.

    The languages are built side by side (``_build/html/en``,
    ``_build/html/zh_CN``), so the other page is one folder up from the root.
    """
    current = app.config.language or "en"
    to_site_root = "../" * (pagename.count("/") + 1)
    context["language_links"] = [
        {
            "code": code,
            "name": name,
            "url": posixpath.join(to_site_root, code, pagename + ".html"),
            "current": code == current,
        }
        for code, name in app.config.blitz_languages.items()
    ]


def setup(app):
    app.add_config_value("blitz_per_language", {}, "html")
    app.add_config_value("blitz_languages", {}, "html")
    app.connect("config-inited", set_language_options)
    app.connect("html-page-context", add_language_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
