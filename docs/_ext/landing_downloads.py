"""Downloads of everything: one zip of every script, one of every notebook, and the book.

The ``.. blitz-downloads::`` directive (on the landing page) marks where the
list goes. After Sphinx has read every page, translated_downloads has written
each tutorial's script and notebook in the page's language into
``<gallery>/<language>/``; this extension zips them, every script in one zip
and every notebook in another, into the language's output folder, and lists
them with their sizes. The book (``tools/build_book.py``, ``nox -s book``)
prints the built pages, so it is listed when it already lies in the output
folder: the build after it (``nox -s book`` runs one) adds it to the list.
"""

from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from translated_downloads import gallery_dir, write_if_changed, zip_bytes

_ = get_translation("sphinx")
MARKER = "<!--blitz-downloads-->"


def book_name(language, suffix):
    """The book's file name in the language's output folder: ``blitz-<language>.pdf``."""
    return f"blitz-{language}{suffix}"


def zip_name(language, kind):
    return f"blitz-{kind}-{language}.zip"


class downloads_list(nodes.General, nodes.Element):
    """Where the list of downloads goes; filled in when the page is written."""


def visit_downloads_list(translator, node):
    translator.body.append(f'<div class="blitz-downloads">{MARKER}</div>')
    raise nodes.SkipNode


def skip(translator, node):
    raise nodes.SkipNode


class DownloadsDirective(SphinxDirective):
    def run(self):
        pages = self.env.__dict__.setdefault("blitz_download_pages", set())
        pages.add(self.env.docname)
        return [downloads_list()]


def purge_page(app, env, docname):
    env.__dict__.get("blitz_download_pages", set()).discard(docname)


def merge_pages(app, env, docnames, other):
    env.__dict__.setdefault("blitz_download_pages", set()).update(other.__dict__.get("blitz_download_pages", set()))


def tutorial_files(app, suffix):
    folder = Path(app.srcdir, gallery_dir(app.config), app.config.language)
    return sorted(folder.glob(f"plot_*{suffix}"))


def downloads(app):
    """(file name, label) of every download that exists in the output folder, in list order."""
    language = app.config.language
    listed = [
        (zip_name(language, "scripts"), _("Every tutorial as a Python script (zip)")),
        (zip_name(language, "notebooks"), _("Every tutorial as a Jupyter notebook (zip)")),
        (book_name(language, ".pdf"), _("The whole blitz as a book (PDF)")),
    ]
    return [(name, label) for name, label in listed if Path(app.outdir, name).exists()]


def write_zips(app, env):
    """env-updated: write the two zips; re-write the list's pages when a download changed."""
    if app.builder.name not in ("html", "dirhtml") or not env.__dict__.get("blitz_download_pages"):
        return []
    language = app.config.language
    for kind, suffix in (("scripts", ".py"), ("notebooks", ".ipynb")):
        files = [(f"{Path(zip_name(language, kind)).stem}/{path.name}", path.read_bytes())
                 for path in tutorial_files(app, suffix)]
        write_if_changed(Path(app.outdir, zip_name(language, kind)), zip_bytes(files))
    sizes = {name: Path(app.outdir, name).stat().st_size for name, _label in downloads(app)}
    if sizes == env.__dict__.get("blitz_download_sizes"):
        return []
    env.blitz_download_sizes = sizes
    return sorted(env.blitz_download_pages)


def human_size(size):
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def fill_list(app, pagename, templatename, context, doctree):
    """html-page-context: the list, with each file's size."""
    if MARKER not in context.get("body", ""):
        return
    items = "".join(
        "<li>" + escape(_("%(file)s, %(size)s")) % {
            "file": f'<a href="{escape(name)}" download>{escape(label)}</a>',
            "size": human_size(Path(app.outdir, name).stat().st_size),
        } + "</li>"
        for name, label in downloads(app)
    )
    context["body"] = context["body"].replace(MARKER, f"<ul>{items}</ul>")


def setup(app):
    app.setup_extension("translated_downloads")
    app.add_node(downloads_list, html=(visit_downloads_list, None), text=(skip, None), latex=(skip, None))
    app.add_directive("blitz-downloads", DownloadsDirective)
    app.connect("env-purge-doc", purge_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("env-updated", write_zips)
    app.connect("html-page-context", fill_list)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
