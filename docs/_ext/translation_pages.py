"""The translators' pages: ``.. translation-status::`` and ``.. glossary-table::``.

The status table counts, for every translation and every page, the page's
messages (read from its doctree before Sphinx translates it, so a page
without a catalog counts as untranslated rather than missing) against the
page's catalog. The glossary table shows each translation's glossary.toml.
Both emit raw HTML, which gettext does not extract: their content is data,
not messages, and their labels come from the theme catalog (sphinx.po).
"""

from html import escape

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util.nodes import extract_messages

import catalog_checks
from built_with import revision_sentence
from site_languages import language_tag

_ = get_translation("sphinx")


def translations(config):
    """The languages other than the source, from conf.py's blitz_languages."""
    return list(config.blitz_languages)[1:]


class RecordMessages(SphinxTransform):
    """Remember each page's messages, as the gettext builder would extract them."""

    default_priority = 19  # before Sphinx's Locale transform (20) translates the page

    def apply(self):
        if not hasattr(self.env, "blitz_messages"):
            self.env.blitz_messages = {}
        self.env.blitz_messages[self.env.docname] = sorted({msg for _, msg in extract_messages(self.document)})


def forget_messages(app, env, docname):
    getattr(env, "blitz_messages", {}).pop(docname, None)


def table(head, rows, classes="docutils align-default blitz-table"):
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td{attrs}>{text}</td>" for text, attrs in row) + "</tr>" for row in rows)
    return f'<table class="{classes}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


class status_placeholder(nodes.General, nodes.Element):
    """Where the status tables go, once every page's title and messages are known."""


class TranslationStatus(Directive):
    def run(self):
        env = self.state.document.settings.env
        for language in translations(env.config):
            for po in catalog_checks.catalogs(language):
                env.note_dependency(str(po))  # re-read this page when a catalog changes
        env.blitz_status_page = env.docname
        return [status_placeholder()]


def reread_status_page(app, env, added, changed, removed):
    """env-get-outdated: any re-read page may have changed the counts."""
    status = getattr(env, "blitz_status_page", None)
    return [status] if status and (added or changed or removed) and status in env.found_docs else []


def page_counts(messages, po):
    """(translated, fuzzy, untranslated) of a page's messages in its catalog."""
    catalog = catalog_checks.load(po) if po.exists() else None
    done = fuzzy = 0
    for msgid in messages:
        message = catalog.get(msgid) if catalog else None
        if message is not None and message.string:
            fuzzy += message.fuzzy
            done += not message.fuzzy
    return done, fuzzy, len(messages) - done - fuzzy


def percent(counts):
    """The translated share of (translated, fuzzy, untranslated), in whole percent, rounded down:
    409 of 411 is 99 %, never a 100 % beside untranslated messages."""
    done, fuzzy, todo = counts
    total = done + fuzzy + todo
    return done * 100 // total if total else 100


def status_row(link, counts, note=""):
    done, fuzzy, todo = counts
    total = done + fuzzy + todo
    share = done / total if total else 1
    progress = f'<progress max="1" value="{share:.3f}"></progress> {percent(counts)}%'
    return [(link + note, "")] + [(str(n), ' class="number"') for n in counts] + [(progress, "")]


def status_table(app, docname, language):
    env = app.env
    head = [_("Page"), _("Translated"), _("Fuzzy"), _("Untranslated"), _("Progress")]
    rows, totals = [], [0, 0, 0]
    locale_dir = catalog_checks.locale_dir(language)
    for page, messages in sorted(env.blitz_messages.items()):
        po = locale_dir / f"{page}.po"
        counts = page_counts(messages, po)
        uri = app.builder.get_relative_uri(docname, page)
        link = f'<a href="{uri}">{escape(env.titles[page].astext())}</a>'
        note = "" if po.exists() else f' <span class="blitz-missing">({escape(_("no catalog"))})</span>'
        rows.append(status_row(link, counts, note))
        totals = [a + b for a, b in zip(totals, counts)]
    theme = locale_dir / "sphinx.po"
    if theme.exists():
        counts = [row[1:] for row in catalog_checks.progress([theme])][0]
        rows.append(status_row(escape(_("Theme text")), counts))
        totals = [a + b for a, b in zip(totals, counts)]
    rows.append(status_row(f"<strong>{escape(_('All pages'))}</strong>", totals))
    return table(head, rows)


def fill_status(app, doctree, docname):
    """doctree-resolved: which English revision the translations follow, then one table per
    translation, under its language's name."""
    for node in doctree.findall(status_placeholder):
        follows = revision_sentence(app, as_html=True)
        html = f'<p class="blitz-revision">{follows}</p>' if follows else ""
        for language in translations(app.config):
            name = app.config.blitz_languages[language]["name"]
            html += f'<h2 lang="{language_tag(language)}">{escape(name)}</h2>' + status_table(app, docname, language)
        node.replace_self(nodes.raw("", html, format="html"))


class GlossaryTable(Directive):
    def run(self):
        env = self.state.document.settings.env
        source = list(env.config.blitz_languages)[0]
        result = []
        for language in translations(env.config):
            glossary = catalog_checks.glossary_path(language)
            if not glossary.exists():
                continue
            env.note_dependency(str(glossary))
            terms, keep = catalog_checks.load_glossary(glossary)
            note_key = "note" if env.config.language == source else "translation_note"
            rows = [
                [(escape(term["term"]), f' lang="{language_tag(source)}"'),
                 (escape(term["translation"]), f' lang="{language_tag(language)}"'),
                 (escape(term.get(note_key, "")), "")]
                for term in sorted(terms, key=lambda term: term["term"].lower())
            ]
            keep_list = ", ".join(f"<code>{escape(name)}</code>" for name in sorted(keep, key=str.lower))
            head = [_("Term"), _("Translation"), _("Note")]
            # The glossary names every term once; left out of the search index, so that a
            # term leads to the tutorial that teaches it (its title still finds this page).
            result += [
                nodes.raw("", table(head, rows), format="html", classes=["no-search"]),
                nodes.raw("", f"<p>{escape(_('Names of products, libraries, classes, file formats and abbreviations that stay in English in this translation:'))}</p>", format="html"),
                nodes.raw("", f'<p class="blitz-keep" lang="{language_tag(source)}">{keep_list}</p>', format="html",
                          classes=["no-search"]),
            ]
        return result


def setup(app):
    app.add_transform(RecordMessages)
    app.add_directive("translation-status", TranslationStatus)
    app.add_directive("glossary-table", GlossaryTable)
    app.add_node(status_placeholder)
    app.connect("env-purge-doc", forget_messages)
    app.connect("env-get-outdated", reread_status_page)
    app.connect("doctree-resolved", fill_status)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
