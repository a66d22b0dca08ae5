"""Built with: each tutorial page says which torch, torchvision and Python ran it, and when.

The tutorials execute in the source-language build only (the translations
reuse sphinx-gallery's cache), so the versions and the date are recorded when
a tutorial executes, by ``record_versions`` (a ``reset_modules`` hook), into
``<gallery>/<script>.built_with.json`` beside sphinx-gallery's own outputs.
Every language shows them under the page title, in its own words (sphinx.po);
none of it enters a msgid. The date is the day of the build, or
SOURCE_DATE_EPOCH's when it is set, so two builds on one day write the same pages.

A translated page's line also says which English revision the translation
follows: the git commit the site is built from (``git rev-parse HEAD``),
linked to it on the repository when ``blitz_repository_url`` is set. Where
a page lags behind it, the page says so (translation_lag). Outside a git
checkout the revision is unknown and not shown. The status page says the same.
"""

import datetime
import functools
import json
import os
import platform
import subprocess
from html import escape
from importlib.metadata import version
from pathlib import Path

from sphinx.locale import get_translation

from parallel_reading import TITLE_END
from site_languages import joined

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
    line = wrap(_("Executed on %(date)s with %(torch)s, %(torchvision)s and %(python)s.")) % values
    follows = revision_sentence(app, as_html)
    return joined(line, follows) if follows else line


ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def english_revision(root=ROOT):
    """(full hash, short hash, commit date) of the checkout's HEAD, or None outside git."""
    try:
        found = subprocess.run(["git", "log", "-1", "--format=%H %h %cs"], cwd=root, capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    fields = found.stdout.split()
    return tuple(fields) if found.returncode == 0 and len(fields) == 3 else None


def note_revision(app, config):
    """config-inited: on a translation, the revision as a setting, so that a new commit rewrites every page
    (an 'html' setting: Sphinx rewrites the pages when one changes, and reads nothing again)."""
    revision = english_revision() if config.language != next(iter(config.blitz_languages)) else None
    config.blitz_english_revision = " ".join(revision or ())


def revision_sentence(app, as_html=True):
    """On a translated page: which English revision the translation follows; else None."""
    if not app.config.blitz_english_revision:
        return None
    full, short, date = app.config.blitz_english_revision.split()
    wrap = escape if as_html else str
    name = wrap(short)
    repository = app.config.blitz_repository_url.rstrip("/")
    if as_html:
        name = f'<code class="docutils literal notranslate">{name}</code>'
        if repository:
            name = f'<a href="{escape(repository)}/commit/{escape(full)}">{name}</a>'
    return wrap(_("The translation follows the English of revision %(revision)s (%(date)s).")) % {
        "revision": name, "date": wrap(date)}


def add_built_with(app, pagename, templatename, context, doctree):
    """html-page-context: the line, under the page title."""
    line = built_with_line(app, pagename) if doctree is not None else None
    if line is None:
        return
    built_with = f'<p class="blitz-built-with">{line}</p>'
    context["body"] = TITLE_END.sub(lambda match: match.group() + built_with, context["body"], count=1)


def setup(app):
    app.add_config_value("blitz_english_revision", "", "html")  # set by note_revision, from git
    app.connect("config-inited", note_revision)
    app.connect("doctree-read", note_facts)
    # Before parallel_reading (500) puts its toggle under the title (and the title's original), so the toggle comes first.
    app.connect("html-page-context", add_built_with, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
