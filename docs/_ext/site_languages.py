"""The languages of the site: per-language settings and the links between them.

``blitz_languages`` in conf.py lists the languages, the source first, each
with its name and the settings that differ by language (``html_title``,
``copyright``). This extension applies the settings of the language being
built and gives every page the links to the same page in the other
languages (the switcher) and, when the site's address is known, the
canonical link and hreflang alternates. The languages are built side by side
(``_build/html/<code>/``), so the same page in another language is one
folder up from the language root.
"""

import importlib.util
import logging
import posixpath
import unicodedata


def language_tag(code):
    """BCP 47 tag of a gettext code, for lang and hreflang: zh_CN -> zh-CN."""
    return code.replace("_", "-")


def joined(first, second):
    """Two sentences side by side: a space after English ones, none after full-width punctuation (。)."""
    return first + ("" if first and unicodedata.east_asian_width(first[-1]) in "WF" else " ") + second


def apply_language_settings(app, config):
    """config-inited: the settings of the language being built."""
    languages = config.blitz_languages
    source = next(iter(languages))
    settings = {**languages[source], **languages.get(config.language, {})}
    for name, value in settings.items():
        if name != "name":
            config[name] = value
    if config.blitz_site_url:
        config.html_baseurl = f"{config.blitz_site_url.rstrip('/')}/{config.language}/"
    config.ogp_custom_meta_tags = [f'<meta property="og:locale" content="{config.language}">']
    if importlib.util.find_spec("jieba"):
        import jieba  # Sphinx's Chinese search splits words with it; it logs to stderr

        jieba.setLogLevel(logging.WARNING)


def add_language_links(app, pagename, templatename, context, doctree):
    """html-page-context: the switcher's links, and hreflang alternates when the site URL is set."""
    languages = app.config.blitz_languages
    to_site_root = "../" * (pagename.count("/") + 1)
    site_url = app.config.blitz_site_url.rstrip("/")
    context["language_links"] = [
        {
            "tag": language_tag(code),
            "name": settings["name"],
            "url": posixpath.join(to_site_root, code, pagename + ".html"),
            "alternate": f"{site_url}/{code}/{pagename}.html" if site_url else "",
            "current": code == app.config.language,
        }
        for code, settings in languages.items()
    ]
    context["default_language_url"] = (
        f"{site_url}/{next(iter(languages))}/{pagename}.html" if site_url else ""
    )


def setup(app):
    app.add_config_value("blitz_languages", {}, "html")
    app.add_config_value("blitz_site_url", "", "html")
    app.connect("config-inited", apply_language_settings)
    app.connect("html-page-context", add_language_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
