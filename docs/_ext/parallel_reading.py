"""中英对照: every translated paragraph, heading, list item and caption carries its English original.

Sphinx's Locale transform (priority 20) replaces the content of each
translated node with its msgstr, parsed as reST. Before it runs, this
extension remembers each node's msgid (the English reST); after it, it parses
that msgid the way Locale parses a msgstr (``publish_msgstr``) and puts the
result beside the node, in an ``english_original`` node. Cross-references in
it resolve like the rest of the page; the English is in the page itself, so
showing it needs no request and works offline.

The original reads wholly in English: a ``:doc:`` link without a title of its
own shows the English title of its page, not the translated one.

The original is written as ``<div class="blitz-original" lang="en" hidden>``:
hidden, it is neither shown nor read by screen readers. Each block carries a
real button (named from sphinx.po, for keyboards and screen readers), drawn as
a discreet mark in the right margin beside the block, not as a pill after its
text; tapping the block itself does the same (``parallel.js``). The buttons and
the whole-page toggle under the title are written into the page, so nothing
moves when the page finishes loading; ``parallel.js`` makes them work and
remembers the toggle across pages. Without JavaScript they could do nothing, so a ``<noscript>``
style hides them. The original is left out of the search
index (``no-search``) and of the page's meta description (it is an
``Invisible`` node, which also keeps simple lists simple). Pages in the
source language are left as they are.
"""

import re
from html import escape

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import publish_msgstr
from sphinx.util import docname_join
from sphinx.util.nodes import extract_messages

from site_languages import language_tag

_ = get_translation("sphinx")

# Where an original can stand beside its translation: block elements whose
# parent can hold another block. (A term of a definition list cannot.)
BLOCKS = (nodes.paragraph, nodes.title, nodes.caption, nodes.rubric)


class english_original(nodes.General, nodes.Invisible, nodes.Element):
    """The English of the translated block just before it."""


def is_translation(config):
    return config.language != next(iter(config.blitz_languages))


class RememberMessages(SphinxTransform):
    """Each translatable block's msgid, before Locale replaces its content."""

    default_priority = 19  # before Sphinx's Locale transform (20)

    def apply(self):
        if not is_translation(self.config):
            return
        self.env.temp_data["blitz_msgids"] = [
            (node, msgid) for node, msgid in extract_messages(self.document) if isinstance(node, BLOCKS)
        ]
        title = next((msgid for node, msgid in self.env.temp_data["blitz_msgids"]
                      if isinstance(node, nodes.title) and isinstance(node.parent, nodes.section)), None)
        if title is not None:  # the page's English title, for links to it in other pages' originals
            english_titles(self.env)[self.env.docname] = title.replace("``", "")


def english_titles(env):
    if not hasattr(env, "blitz_english_titles"):
        env.blitz_english_titles = {}
    return env.blitz_english_titles


# A :doc: link's title in an original, until every page's English title is known.
# (A private-use character: docutils drops NUL, its own escape mark.)
TITLE_PLACEHOLDER = re.compile("\ue000blitz-title:(.*?)\ue000")


def parse_english(app, msgid, node, settings):
    """The msgid as nodes, parsed as Locale parses a msgstr (titles need an underline)."""
    source = msgid + "\n" + "=" * len(msgid) * 2 if isinstance(node, nodes.title) else msgid
    patch = publish_msgstr(app, source, node.source or "", node.line or 0, app.config, settings)
    if isinstance(node, nodes.title):
        patch = patch.next_node(nodes.title)
    if not isinstance(patch, (nodes.paragraph, nodes.title)):
        return None
    for target in list(patch.findall(nodes.target)):
        target.parent.remove(target)  # the link itself keeps its URL; the target would repeat an id
    for element in patch.findall(nodes.Element):
        element["ids"], element["names"] = [], []
    for xref in patch.findall(addnodes.pending_xref):
        if xref.get("reftype") == "doc" and not xref.get("refexplicit"):
            docname = docname_join(xref["refdoc"], xref["reftarget"])
            xref["refexplicit"] = True  # the domain then writes this text, not the translated title
            xref.children = [nodes.Text(f"\ue000blitz-title:{docname}\ue000")]
    return patch.children


class AddEnglishOriginals(SphinxTransform):
    """Put the English of each translated block right after it."""

    default_priority = 21  # after Locale (20), before its progress count (25)

    def apply(self):
        remembered = self.env.temp_data.pop("blitz_msgids", [])
        number = 0
        for node, msgid in remembered:
            if not node.get("translated") or node.parent is None:
                continue
            english = parse_english(self.app, msgid, node, self.document.settings)
            if english is None or "".join(child.astext() for child in english) == node.astext():
                continue
            number += 1
            original = english_original(
                "", nodes.paragraph("", "", *english),
                ids=[f"blitz-en-{number}"], classes=["no-search"],
            )
            node.parent.insert(node.parent.index(node) + 1, original)


# The end of the block an original follows; its button (a mark in the margin, see parallel.css) goes just before it.
BLOCK_END = re.compile(r"</(p|h[1-6])>\s*$")


def english_link_titles(app, doctree, docname):
    """doctree-resolved: the English title of each linked page, in place of its placeholder."""
    titles = english_titles(app.env)
    for original in doctree.findall(english_original):
        for text in list(original.findall(nodes.Text)):
            if "\ue000" in text:
                english = TITLE_PLACEHOLDER.sub(lambda m: titles.get(m[1], app.env.titles[m[1]].astext()), str(text))
                text.parent.replace(text, nodes.Text(english))


def merge_titles(app, env, docnames, other):
    english_titles(env).update(getattr(other, "blitz_english_titles", {}))


def visit_original(self, node):
    original_id = node["ids"][0]
    # docutils writes "</p>" and "\n" as two pieces.
    last = next((i for i in range(len(self.body) - 1, -1, -1) if self.body[i].strip()), None)
    end = BLOCK_END.search(self.body[last]) if last is not None else None
    if end:  # not after a dropdown's title, which sphinx-design writes apart from its content
        button = (
            f'<button type="button" class="blitz-original-toggle" aria-label="{escape(_("English original"))}" '
            f'aria-controls="{original_id}" aria-expanded="false">'
            f'<span class="blitz-visually-hidden">{escape(_("English"))}</span></button>'
        )
        self.body[last] = f"{self.body[last][:end.start()]}{button}{self.body[last][end.start():]}"
    self.body.append(
        f'<div class="blitz-original" id="{original_id}" lang="{self.builder.blitz_source_tag}" hidden>'
    )


def depart_original(self, node):
    self.body.append("</div>")


def skip(self, node):
    raise nodes.SkipNode


def add_assets(app):
    """builder-inited: the style sheet, and on translated pages the script."""
    app.builder.blitz_source_tag = language_tag(next(iter(app.config.blitz_languages)))
    app.add_css_file("parallel.css")  # also styles the built-with line and the fix link, in every language
    if is_translation(app.config):
        app.add_js_file("parallel.js")


# !important: parallel.css, linked after the meta tags, sets their display.
NO_SCRIPT_STYLE = (
    "\n<noscript><style>.blitz-parallel, .blitz-original-toggle { display: none !important; }</style></noscript>"
)
TITLE_END = re.compile(r'</h1>(\s*<div class="blitz-original"[^>]*><p>.*?</p>\s*</div>)?', re.S)


def page_toggle(app, pagename, templatename, context, doctree):
    """html-page-context: the whole-page toggle, on pages that have originals.

    Its label comes from sphinx.po, so the script holds no text of its own.
    """
    if doctree is None or not is_translation(app.config) or not any(doctree.findall(english_original)):
        return
    toggle = (
        '<div class="blitz-parallel"><button type="button" class="blitz-page-toggle" aria-pressed="false">'
        f'{escape(_("English beside the translation"))}</button></div>'
    )
    context["metatags"] = context.get("metatags", "") + NO_SCRIPT_STYLE
    # Under the title and the title's own original, which must stay next to the title.
    context["body"] = TITLE_END.sub(lambda match: match.group() + toggle, context["body"], count=1)


def setup(app):
    app.setup_extension("site_languages")
    app.add_node(
        english_original,
        html=(visit_original, depart_original),
        latex=(skip, None), text=(skip, None), man=(skip, None), texinfo=(skip, None),
    )
    app.add_transform(RememberMessages)
    app.add_transform(AddEnglishOriginals)
    app.connect("builder-inited", add_assets)
    app.connect("doctree-resolved", english_link_titles)
    app.connect("env-merge-info", merge_titles)
    app.connect("html-page-context", page_toggle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
