"""Sphinx helpers for the Blitz site: per-language settings, language links, meta tags."""

import html
import logging
import os
import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.transforms import SphinxTransform

import catalogs


# The language being built, for record_execution (set at config-inited).
current_language = "en"


def record_execution(gallery_conf, fname, when):
    """sphinx-gallery calls this before it executes a tutorial.

    With BLITZ_EXECUTION_LOG set, append "<language> <script>" to that file, so
    that tests and the benchmark can count how often each tutorial ran.
    """
    log = os.environ.get("BLITZ_EXECUTION_LOG")
    if log and fname and when == "before":
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{current_language} {fname}\n")


def set_language_options(app, config):
    """Apply the settings of the build's language; quiet jieba for the zh build."""
    global current_language
    language = current_language = config.language or "en"
    for name, values in config.blitz_per_language.items():
        config[name] = values.get(language, values["en"])
    if config.blitz_site_url:  # canonical links need the address the site is served at
        config.html_baseurl = f"{config.blitz_site_url.rstrip('/')}/{language}/"
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


def page_url(app, language, pagename, to_site_root):
    """The page in ``language``: absolute when the site URL is known, else relative."""
    path = f"{language}/{pagename}.html"
    if app.config.blitz_site_url:
        return f"{app.config.blitz_site_url.rstrip('/')}/{path}"
    return posixpath.join(to_site_root, path)


def description(body, length=200):
    """The first paragraph of the page, as plain text, for search engines and link previews."""
    first = re.search(r"<p>(.*?)</p>", body[body.find("</h1>"):], re.S)  # after the title
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", first.group(1)))) if first else ""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def add_page_links(app, pagename, templatename, context, doctree):
    """Language links, hreflang alternates and Open Graph meta for every page.

    The languages are built side by side (``_build/html/en``,
    ``_build/html/zh_CN``), so the other page is one folder up from the root.
    """
    current = app.config.language or "en"
    to_site_root = "../" * (pagename.count("/") + 1)
    context["language_links"] = [
        {
            "code": code,
            "tag": code.replace("_", "-"),
            "name": name,
            "url": posixpath.join(to_site_root, code, pagename + ".html"),
            "alternate": page_url(app, code, pagename, to_site_root),
            "current": code == current,
        }
        for code, name in app.config.blitz_languages.items()
    ]
    context["default_language_url"] = page_url(app, "en", pagename, to_site_root)
    title = re.sub(r"<[^>]+>", "", context.get("title") or "")
    context["meta_tags"] = [
        ("name", "description", description(context.get("body", ""))),
        ("property", "og:title", html.unescape(title)),
        ("property", "og:description", description(context.get("body", ""))),
        ("property", "og:type", "website"),
        ("property", "og:site_name", app.config.html_title),
        ("property", "og:locale", current),
        ("property", "og:url", page_url(app, current, pagename, to_site_root)),
    ]


def label_caption_headings(app, pagename, templatename, context, doctree):
    """Give the sidebar's toctree captions a heading level.

    Sphinx marks them role="heading" without aria-level, which screen readers
    need (axe: aria-required-attr). Runs after furo has built the sidebar.
    """
    tree = context.get("furo_navigation_tree")
    if tree:
        context["furo_navigation_tree"] = tree.replace(
            'class="caption" role="heading"', 'class="caption" role="heading" aria-level="2"'
        )


def focusable_scroll_regions(app, pagename, templatename, context, doctree):
    """Let keyboard users scroll wide code, output and formulas (axe: scrollable-region-focusable)."""
    if "body" in context:
        body = re.sub(r"<pre(?=[ >])", '<pre tabindex="0"', context["body"])
        context["body"] = re.sub(r'<div class="math(?=[ "])', '<div tabindex="0" class="math', body)


def defer_matplotlib():
    """Import matplotlib when a tutorial runs, not on every build.

    sphinx-gallery imports matplotlib.pyplot while it reads its configuration
    (about 0.6 s), though only executing a tutorial needs it; on a no-op
    rebuild that is half the time. It imports it again, with the Agg backend,
    before each tutorial runs (``reset_modules``), so skipping the early
    import changes nothing else. MPLBACKEND keeps pyplot off any GUI backend.
    """
    import sphinx_gallery.gen_gallery

    os.environ.setdefault("MPLBACKEND", "agg")
    sphinx_gallery.gen_gallery._import_matplotlib = lambda: None


def cache_compiled_templates(app):
    """Keep Jinja's compiled templates between builds (in the doctree folder).

    Sphinx compiles the theme's templates anew in every build, no-op ones
    included, to render the search page; Jinja can cache the result.
    """
    from jinja2 import FileSystemBytecodeCache

    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        cache = Path(app.doctreedir, "jinja")
        cache.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


class FormulasAreNotMessages(SphinxTransform):
    """Keep display math out of the catalogs: a formula reads the same in every language."""

    default_priority = 5  # before Sphinx extracts and translates messages

    def apply(self):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


def setup(app):
    app.add_transform(FormulasAreNotMessages)
    defer_matplotlib()
    app.connect("builder-inited", cache_compiled_templates)
    app.setup_extension("translated_downloads")
    app.setup_extension("translation_pages")
    app.add_config_value("blitz_per_language", {}, "html")
    app.add_config_value("blitz_languages", {}, "html")
    app.add_config_value("blitz_site_url", "", "html")
    app.connect("config-inited", set_language_options)
    app.connect("html-page-context", add_page_links)
    app.connect("html-page-context", label_caption_headings, priority=600)
    app.connect("html-page-context", focusable_scroll_regions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
