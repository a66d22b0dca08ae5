"""Directives for the translators' pages, generated at build time.

``.. translation-status::`` shows, per page, how much of the zh_CN catalog is
translated; ``.. glossary-table::`` shows locales/zh_CN/glossary.toml. Both
emit raw HTML, which gettext does not extract: their content is data, not
messages, and their few labels come in the build's language from here.
"""

from html import escape
from docutils import nodes
from docutils.parsers.rst import Directive

import catalogs

LABELS = {
    "en": {
        "page": "Page", "translated": "Translated", "fuzzy": "Fuzzy",
        "untranslated": "Untranslated", "progress": "Progress", "total": "All pages",
        "theme": "Theme text", "english": "English", "chinese": "Chinese", "note": "Note",
        "keep": "Names of products, libraries, classes, file formats and abbreviations "
                "stay in English in Chinese text:",
    },
    "zh_CN": {
        "page": "页面", "translated": "已翻译", "fuzzy": "待更新", "untranslated": "未翻译",
        "progress": "进度", "total": "全部页面", "theme": "主题文本",
        "english": "英文", "chinese": "中文", "note": "说明",
        "keep": "产品、库、类、文件格式和缩写的名称在中文里保留英文：",
    },
}


def labels(env):
    return LABELS.get(env.config.language, LABELS["en"])


def table(head, rows, classes="docutils align-default blitz-table"):
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td{attrs}>{text}</td>" for text, attrs in row) + "</tr>" for row in rows)
    return f'<table class="{classes}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


class status_placeholder(nodes.General, nodes.Element):
    """Where the status table goes, once every page's title is known."""


class TranslationStatus(Directive):
    def run(self):
        env = self.state.document.settings.env
        for po in catalogs.catalogs():
            env.note_dependency(str(po))  # rebuild this page when a catalog changes
        return [status_placeholder()]


def fill_status(app, doctree, docname):
    text = labels(app.env)
    rows, totals = [], [0, 0, 0]
    for (_, done, fuzzy, todo), po in zip(catalogs.progress(), catalogs.catalogs()):
        page = po.relative_to(catalogs.LOCALE_DIR).with_suffix("").as_posix()
        if page in app.env.titles:
            uri = app.builder.get_relative_uri(docname, page)
            link = f'<a href="{uri}">{escape(app.env.titles[page].astext())}</a>'
        else:
            link = text["theme"] if po.name == "sphinx.po" else escape(page)
        counts = (done, fuzzy, todo)
        totals = [a + b for a, b in zip(totals, counts)]
        rows.append(status_row(link, counts))
    rows.append(status_row(f"<strong>{text['total']}</strong>", totals))
    head = [text[k] for k in ("page", "translated", "fuzzy", "untranslated", "progress")]
    for node in doctree.findall(status_placeholder):
        node.replace_self(nodes.raw("", table(head, rows), format="html"))


def status_row(link, counts):
    done, fuzzy, todo = counts
    share = done / (done + fuzzy + todo) if done + fuzzy + todo else 1
    progress = f'<progress max="1" value="{share:.3f}"></progress> {share:.0%}'
    return [(link, "")] + [(str(n), ' class="number"') for n in counts] + [(progress, "")]


class GlossaryTable(Directive):
    def run(self):
        env = self.state.document.settings.env
        env.note_dependency(str(catalogs.GLOSSARY))
        text = labels(env)
        terms, keep = catalogs.load_glossary()
        note_key = "note" if env.config.language == "en" else "note_zh"
        rows = [
            [(escape(term["en"]), ' lang="en"'), (escape(term["zh"]), ' lang="zh-CN"'),
             (escape(term.get(note_key, "")), "")]
            for term in sorted(terms, key=lambda term: term["en"].lower())
        ]
        keep_list = ", ".join(f"<code>{escape(name)}</code>" for name in sorted(keep, key=str.lower))
        html = table([text["english"], text["chinese"], text["note"]], rows)
        return [
            nodes.raw("", html, format="html"),
            nodes.raw("", f"<p>{escape(text['keep'])}</p>", format="html"),
            nodes.raw("", f'<p class="blitz-keep" lang="en">{keep_list}</p>', format="html"),
        ]


def setup(app):
    app.add_directive("translation-status", TranslationStatus)
    app.add_directive("glossary-table", GlossaryTable)
    app.add_node(status_placeholder)
    app.connect("doctree-resolved", fill_status)
