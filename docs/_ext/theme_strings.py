"""Translate the English that furo writes into its templates as plain text.

furo passes most of its interface text through Sphinx's ``_()``, so our
catalog ``locales/zh_CN/LC_MESSAGES/sphinx.po`` translates it. A few strings
are written literally in its templates instead: the ``aria-label`` of the
sidebar toggles and the theme button (``page.html``) and the ``<title>`` of
each icon (``partials/icons.html``). Screen readers speak them, so on a
Chinese page they must be Chinese too.

Rather than keep copies of those templates, this extension rewrites each
literal into ``{{ _("...") }}`` as Jinja reads furo's own template (in the
loader, so Jinja's compiled-template cache sees the rewritten source), so the
strings are translated like every other, and a furo upgrade brings its
template changes with it. The test suite walks every zh page's attributes
and fails on any English that slips through.
"""

import re
from pathlib import Path

from jinja2 import BaseLoader

import furo

FURO_TEMPLATES = Path(furo.__file__).resolve().parent / "theme" / "furo"

# What furo writes literally, by template: attribute values and icon titles.
LITERALS = {
    "page.html": re.compile(r'(?P<before>aria-label=")(?P<text>[A-Za-z][^"{}]*)(?P<after>")'),
    "partials/icons.html": re.compile(r"(?P<before><title>)(?P<text>[^<{}]+)(?P<after></title>)"),
}


def translatable(match):
    text = match["text"].replace('"', '\\"')
    return f'{match["before"]}{{{{ _("{text}") }}}}{match["after"]}'


class FuroLiteralsAreMessages(BaseLoader):
    """Sphinx's template loader, with furo's literal strings wrapped in ``_()``."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        pattern = LITERALS.get(template.lstrip("!"))
        if pattern and filename and Path(filename).resolve().is_relative_to(FURO_TEMPLATES):
            source = pattern.sub(translatable, source)
        return source, filename, uptodate


def translate_furo_literals(app):
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.loader = FuroLiteralsAreMessages(templates.environment.loader)


# Half-width punctuation after a Chinese character, as in sphinx-copybutton's '复制成功!'.
HALF_WIDTH_AFTER_CHINESE = re.compile(r"([\u3400-\u9fff])([!?])")


def full_width_copybutton_messages(app, exception):
    """build-finished: full-width punctuation in sphinx-copybutton's own Chinese messages.

    sphinx-copybutton keeps its messages in its script, not in a catalog, and
    writes '复制成功!'. Only that file's Chinese is touched, and only this
    punctuation, so an upgrade that fixes or changes it needs nothing here.
    """
    script = Path(app.outdir, "_static", "copybutton.js")
    if exception is None and script.exists():
        text = script.read_text(encoding="utf-8")
        fixed = HALF_WIDTH_AFTER_CHINESE.sub(lambda m: m[1] + {"!": "！", "?": "？"}[m[2]], text)
        if fixed != text:
            script.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", translate_furo_literals)
    app.connect("build-finished", full_width_copybutton_messages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
