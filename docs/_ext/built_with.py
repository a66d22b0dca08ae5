"""Built with: each tutorial page says which torch, torchvision and Python ran it, and when.

The tutorials execute in the source-language build only (the translations
reuse sphinx-gallery's cache), so the versions and the date are recorded when
a tutorial executes, by ``record_versions`` (a ``reset_modules`` hook), into
``<gallery>/<script>.built_with.json`` beside sphinx-gallery's own outputs.
Every language shows them under the page title, in its own words (sphinx.po);
none of it enters a msgid. The date is the day of the build, or
SOURCE_DATE_EPOCH's when it is set, so two builds on one day write the same pages.
"""

import datetime
import json
import os
import platform
from html import escape
from importlib.metadata import version
from pathlib import Path

from sphinx.locale import get_translation

from parallel_reading import TITLE_END

_ = get_translation("sphinx")
SUFFIX = ".built_with.json"


def gallery_folder(gallery_conf):
    gallery = gallery_conf["gallery_dirs"]
    return Path(gallery_conf["src_dir"]) / (gallery if isinstance(gallery, str) else gallery[0])


def build_date():
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now(datetime.UTC)
    return moment.date().isoformat()


def record_versions(gallery_conf, fname, when):
    """reset_modules hook: before a tutorial executes, write what executes it."""
    if not fname or when != "before":
        return
    facts = {
        "torch": version("torch"),
        "torchvision": version("torchvision"),
        "python": platform.python_version(),
        "date": build_date(),
    }
    path = gallery_folder(gallery_conf) / (Path(fname).stem + SUFFIX)
    data = json.dumps(facts, indent=2, sort_keys=True) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != data:
        path.write_text(data, encoding="utf-8")


def facts_path(app, pagename):
    gallery = app.config.sphinx_gallery_conf["gallery_dirs"]
    if not pagename.startswith(f"{gallery}/"):
        return None
    path = Path(app.srcdir, pagename + SUFFIX)
    return path if path.exists() else None


def note_facts(app, doctree):
    """doctree-read: re-read a tutorial page when its tutorial re-executed."""
    path = facts_path(app, app.env.docname)
    if path:
        app.env.note_dependency(str(path))


def built_with_line(app, pagename, as_html=True):
    """The page's built-with line in its language (HTML, or plain text), or None for a page that ran nothing."""
    path = facts_path(app, pagename)
    if path is None:
        return None
    facts = json.loads(path.read_text(encoding="utf-8"))
    wrap = escape if as_html else str
    # Package names and versions are code, whatever the page's language.
    code = '<code class="docutils literal notranslate">{}</code>' if as_html else "{}"
    values = {
        "date": wrap(facts["date"]),
        "torch": code.format(wrap(f"torch {facts['torch']}")),
        "torchvision": code.format(wrap(f"torchvision {facts['torchvision']}")),
        "python": wrap(f"Python {facts['python']}"),
    }
    return wrap(_("Executed on %(date)s with %(torch)s, %(torchvision)s and %(python)s.")) % values


def add_built_with(app, pagename, templatename, context, doctree):
    """html-page-context: the line, under the page title."""
    line = built_with_line(app, pagename) if doctree is not None else None
    if line is None:
        return
    built_with = f'<p class="blitz-built-with">{line}</p>'
    context["body"] = TITLE_END.sub(lambda match: match.group() + built_with, context["body"], count=1)


def setup(app):
    app.connect("doctree-read", note_facts)
    # Before parallel_reading (500) puts its toggle under the title (and the title's original), so the toggle comes first.
    app.connect("html-page-context", add_built_with, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
