"""Lag made visible: on a translated page, what is shown in English because its translation is
missing or out of date says so, and the page says how much of it is translated.

Sphinx shows the English of a message whose translation is empty or fuzzy
(fuzzy translations are not compiled), and its Locale transform (priority 20)
marks that node ``translated = False``. After it, each such paragraph (or
caption) gets ``lang`` of the source language and a discreet mark at its end, in the page's
language (sphinx.po): "not translated yet" or "the English changed". With
``blitz_repository_url`` set, the mark links to the message's line in its
catalog on the repository (``.../blob/main/locales/<language>/LC_MESSAGES/<page>.po#L<line>``),
like the page's fix link (page_source_links). A heading shown in English
gets ``lang`` only: a mark in it would follow it into the page's contents.

Under the title of a page less than 100 % translated, one line gives the
share (counted as the status page counts it, translation_pages) and links to
the status page. A complete page shows nothing of this.
"""

from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import extract_messages

import catalog_checks
from parallel_reading import TITLE_END
from site_languages import joined, language_tag
from translation_pages import page_counts, percent

_ = get_translation("sphinx")
ROOT = Path(__file__).resolve().parents[2]


class lag_mark(nodes.Inline, nodes.Element):
    """The mark at the end of a paragraph shown in English: ``state`` (fuzzy or untranslated),
    ``path`` (the catalog, from the repository root) and ``line`` (the message's line, 0 if absent)."""


def is_translation(config):
    return config.language != next(iter(config.blitz_languages))


_catalogs = {}  # catalog path -> (its bytes, {msgid: message}), so a build parses each catalog once


def catalog_messages(po):
    data = po.read_bytes()
    if _catalogs.get(po, (None,))[0] != data:
        _catalogs[po] = (data, {message.id: message for message in catalog_checks.messages(catalog_checks.load(po))})
    return _catalogs[po][1]


# The blocks that end with a mark when shown in English: prose, not headings.
MARKED = (nodes.paragraph, nodes.caption, nodes.rubric)


class MarkLag(SphinxTransform):
    """After Locale (20) and parallel_reading's originals (21): mark each paragraph left in English."""

    default_priority = 22

    def apply(self):
        if not is_translation(self.config):
            return
        po = catalog_checks.locale_dir(self.config.language) / f"{self.env.docname}.po"
        messages = {}
        if po.exists():
            self.env.note_dependency(str(po))  # a message's line moves with every edit of its catalog
            messages = catalog_messages(po)
        path = (po.relative_to(ROOT) if po.is_relative_to(ROOT) else po).as_posix()
        source = language_tag(next(iter(self.config.blitz_languages)))
        for node, msgid in extract_messages(self.document):
            if node.get("translated", True) is not False or not isinstance(node, (*MARKED, nodes.title)):
                continue
            node["classes"].append(f"language-{source}")  # docutils writes it as lang="..."
            if not isinstance(node, MARKED):
                continue  # a heading: in English, without a mark (it would follow the heading into the contents)
            message = messages.get(msgid)
            node += lag_mark(state="fuzzy" if message is not None and message.fuzzy else "untranslated",
                             path=path, line=message.lineno if message is not None else 0)


def visit_lag_mark(self, node):
    config = self.builder.config
    label = _("the English changed; translation pending") if node["state"] == "fuzzy" else _("not translated yet")
    text = f"{escape(label)}"
    tag = language_tag(config.language)
    repository = config.blitz_repository_url.rstrip("/")
    if repository:
        anchor = f"#L{node['line']}" if node["line"] else ""
        href = f"{repository}/blob/main/{node['path']}{anchor}"
        title = escape(_("Translate it in the catalog"))
        self.body.append(f' <a class="blitz-lag" lang="{tag}" href="{escape(href)}" title="{title}">{text}</a>')
    else:
        self.body.append(f' <span class="blitz-lag" lang="{tag}">{text}</span>')
    raise nodes.SkipNode


def skip(self, node):
    raise nodes.SkipNode


def lag_summary(app, pagename, templatename, context, doctree):
    """html-page-context: under the title, how much of a page less than complete is translated."""
    if doctree is None or not is_translation(app.config):
        return
    messages = getattr(app.env, "blitz_messages", {}).get(pagename)
    if not messages:
        return
    counts = page_counts(messages, catalog_checks.locale_dir(app.config.language) / f"{pagename}.po")
    done, fuzzy, todo = counts
    if not fuzzy and not todo:
        return
    text = escape(_("%(percent)s%% of this page is translated; the rest is shown in English.")
                  % {"percent": percent(counts)})
    status = getattr(app.env, "blitz_status_page", None)
    if status:
        link = escape(_("Translation status"))
        text = joined(text, f'<a href="{escape(app.builder.get_relative_uri(pagename, status))}">{link}</a>')
    line = f'<p class="blitz-lag-summary">{text}</p>'
    context["body"] = TITLE_END.sub(lambda match: match.group() + line, context["body"], count=1)


def setup(app):
    app.setup_extension("page_source_links")  # blitz_repository_url
    app.setup_extension("translation_pages")  # each page's messages, and the status page
    app.add_node(lag_mark, html=(visit_lag_mark, None),
                 latex=(skip, None), text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_transform(MarkLag)
    # After built_with (400), before parallel_reading's toggle (500): the title, the toggle, this line, built-with.
    app.connect("html-page-context", lag_summary, priority=450)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
