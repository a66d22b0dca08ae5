"""Each page's search snippet (``<meta name="description">``, ``og:description``): its opening prose as the reader sees it.

sphinxext-opengraph builds a description by walking the doctree's leaf text
nodes and joining them with a space. On a translated page every marked-up word
is a node of its own (a glossary term, a link, a literal), so the Chinese came
out as ``张量 是 PyTorch 的多维数组……和 参数 都存放在``; it also appends ``:``
after a heading and ``,`` after a list item whatever the language (``是什么；,``,
``四个部分: 请按顺序``), and cuts in mid-word with ``...``.

Here the description is the page's opening paragraphs (those of its top
section before any heading, list or subsection; the first paragraph of the
page if it opens otherwise), each taken whole as it renders (``astext``: a
term, a link title or a literal reads as part of its sentence, with the
spaces the translator wrote), in the page's own language. Paragraphs are
joined with a space only between Latin text, never beside Chinese. Whole
sentences are kept as long as they fit ``ogp_description_length`` (counted in
columns, a Chinese character as two, as a search result lays it out); when
they fill less than half of it, the next sentence is cut, at the end of a
clause where one is near, and ends with the language's ellipsis (``…`` in
English, ``……`` in Chinese). A paragraph that is all bold serves as a heading
and ends the opening. Comments, admonitions (the download note), raw HTML and
the English originals of 中英对照 (``Invisible`` nodes) are not read.

The description is handed to sphinxext-opengraph the ways it documents for a
page's own description, so it writes it unchanged: a ``<meta
name="description">`` already in the page's ``metatags`` (it then adds none),
and an ``og:description`` page field, which overrides the one it computes.
The page title (``<title>``, ``og:title``) is the translated title as it is.
"""

import html
import re
import unicodedata

from docutils import nodes

# Sentence ends: Latin ones before a space, CJK ones anywhere; closing quotes and brackets stay with their sentence.
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?(?=\s)|[。！？][”’」』）]?")
# Latin abbreviations whose full stop ends no sentence.
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.")
CLAUSE_ENDS = ("，", "、", "；", "：", ", ", "; ", ": ")
ELLIPSIS = {"zh": "……"}  # by language; … otherwise


def is_wide(character):
    return unicodedata.east_asian_width(character) in "WF"


def columns(text):
    """The width of ``text`` as a search result lays it out: a CJK character takes two columns."""
    return sum(2 if is_wide(character) else 1 for character in text)


def join(left, right):
    """Two runs of text as one, with a space between them only where both sides are Latin."""
    if not left or not right:
        return left + right
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return f"{left} {right}"


def paragraph_text(paragraph):
    """What the reader sees of a paragraph, on one line."""
    return re.sub(r"\s+", " ", paragraph.astext()).strip()


def read(node):
    """Whether a node's text is prose the reader sees on the page."""
    return not isinstance(node, (nodes.Invisible, nodes.Admonition, nodes.raw, nodes.system_message))


def opening_paragraphs(doctree):
    """The paragraphs of the top section before anything else; else the page's first paragraph."""
    top = next(iter(doctree.findall(nodes.section)), None)
    found = []
    if top is not None:
        for child in top.children:
            if isinstance(child, (nodes.title, nodes.target)) or not read(child):
                continue
            if not isinstance(child, nodes.paragraph) or is_heading(child):
                break
            found.append(child)
    if not found:
        found = [
            paragraph for paragraph in doctree.findall(nodes.paragraph)
            if all(read(ancestor) for ancestor in iter_ancestors(paragraph))
        ][:1]
    return [text for text in map(paragraph_text, found) if text]


def is_heading(paragraph):
    """A paragraph that serves as a heading: all of it bold (``**What you will learn**``)."""
    return len(paragraph.children) == 1 and isinstance(paragraph[0], nodes.strong)


def iter_ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def sentences(text):
    """The sentences of a paragraph, each with its closing punctuation."""
    pieces, start = [], 0
    for end in SENTENCE_END.finditer(text):
        pieces.append(text[start:end.end()])
        start = end.end()
    pieces.append(text[start:])
    merged = []
    for piece in pieces:
        if merged and merged[-1].endswith(ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {piece.strip()}"
        else:
            merged.append(piece.strip())
    return [piece for piece in merged if piece]


def shorten(text, limit, language):
    """``text`` cut to ``limit`` columns at a word (Latin) or character (CJK), with the language's ellipsis."""
    ellipsis = ELLIPSIS.get(language.split("_")[0], "…")
    limit -= columns(ellipsis)
    cut, width = "", 0
    for character in text:
        width += columns(character)
        if width > limit:
            break
        cut += character
    clause = max(cut.rfind(mark) for mark in CLAUSE_ENDS)
    if clause > len(cut) / 2:  # at the end of a clause
        cut = cut[:clause]
    elif not is_wide(cut[-1:] or "x") and " " in cut and not text[len(cut)].isspace():
        cut = cut[: cut.rindex(" ")]  # not in the middle of a Latin word
    return cut.rstrip(" " + "".join(CLAUSE_ENDS)) + ellipsis


def describe(doctree, limit, language):
    """The page's description: whole opening sentences within ``limit`` columns; '' for a page with no prose.

    When the next sentence does not fit and what fits is under half the limit,
    that sentence is cut to fill it, so that a short first sentence is not all.
    """
    description = ""
    for paragraph in opening_paragraphs(doctree):
        for sentence in sentences(paragraph):
            longer = join(description, sentence)
            if columns(longer) > limit:
                if columns(description) >= limit / 2:
                    return description
                rest = limit - columns(join(description, "x")) + 1
                return join(description, shorten(sentence, rest, language))
            description = longer
    return description


def set_description(app, pagename, templatename, context, doctree):
    """html-page-context, before sphinxext-opengraph's: the page's description, in the two places it reads."""
    if doctree is None:
        return
    fields = context.get("meta") or {}
    if 'name="description"' in context.get("metatags", "") or "og:description" in fields:  # the page's own
        return
    description = describe(doctree, app.config.ogp_description_length, app.config.language)
    if not description:
        return
    context["metatags"] = context.get("metatags", "") + f'<meta name="description" content="{html.escape(description)}" />\n'
    # A copy: context["meta"] is the environment's own record of the page.
    context["meta"] = {**fields, "og:description": html.escape(description, quote=False)}


def setup(app):
    app.setup_extension("sphinxext.opengraph")
    app.connect("html-page-context", set_description, priority=400)  # before sphinxext-opengraph's (500) reads them
    return {"parallel_read_safe": True, "parallel_write_safe": True}
