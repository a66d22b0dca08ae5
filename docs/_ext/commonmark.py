"""reST and built pages as CommonMark that Jupyter, JupyterLab, Colab and GitHub render as the page.

One conversion serves the notebooks' Markdown cells, the scripts' text cells
(translated_downloads) and the Markdown twin of every page (markdown_twins):

1. reST is parsed by docutils, the parser Sphinx itself uses, and written as
   HTML; a built page is taken as its HTML. Sphinx's roles (``:doc:``,
   ``:func:`` ...) become links to the part or the reference, or code, and
   sphinx-design's ``dropdown`` a block of its own (``ROLES``, ``Dropdown``).
2. pandoc (PyPI's ``pypandoc-binary``, which bundles the pandoc binary) reads
   that HTML and writes GitHub-flavoured CommonMark with ``$`` formulas, the
   Markdown of Jupyter and Colab. A filter on pandoc's document tree turns
   each dropdown into ``<details><summary>`` with blank lines around its
   Markdown (else it would not render inside), and writes as HTML the bold
   and italics CommonMark would leave open beside CJK punctuation
   (``**预备知识：**Python``).

Why not sphinx-gallery's own ``pypandoc`` option: it hands the reST to
pandoc's reST reader, which does not know Sphinx's roles and directives and,
unlike docutils, does not open inline markup after CJK punctuation
(``，**参数**`` stays literal asterisks), so Chinese text would lose its
markup. Why not sphinx-gallery's default converter (regular expressions):
it leaves directives and the text indented under them in place, shown by
Jupyter as code. Why not a docutils Markdown writer: none is maintained for
docutils 0.21 that knows tables, math and nested blocks; pandoc does.
"""

import html
import json
import re
import unicodedata
from contextlib import contextmanager

from docutils import nodes
from docutils.core import publish_parts
from docutils.parsers.rst import Directive, directives, roles
from docutils.utils import unescape

MARKDOWN = "gfm-tex_math_gfm+tex_math_dollars"  # GitHub's CommonMark, formulas between dollars
CELL_BREAK = "BLITZCELLBREAK"
DOCUTILS_ROLE = roles.role  # docutils' own lookup, before Sphinx patches it while reading a page
DOCUTILS_DIRECTIVE = directives.directive
PY_ROLES = ("func", "meth", "class", "mod", "attr", "exc", "data", "obj", "const", "any")


def pandoc(text, source, target, *extra):
    import pypandoc

    return pypandoc.convert_text(text, target, format=source, extra_args=["--wrap=preserve", *extra])


# ---- reST to HTML, with Sphinx's roles and sphinx-design's dropdown -------------------------

def explicit_title(text):
    match = re.match(r"^(.+?)\s*(?<!\x00)<(.*?)>$", text, re.S)
    return (match[1], match[2]) if match else (None, text)


def role(resolver, name):
    def run(role_name, rawtext, text, lineno, inliner, options=None, content=None):
        title, target = explicit_title(unescape(text))
        if name == "doc":
            shown, url = resolver.document(target)
            shown = title or shown
            node = nodes.inline(text=shown)
        else:
            target = target.lstrip("~")
            shown = title or (target.rsplit(".", 1)[-1] if text.startswith("~") else target)
            if not title and name in ("func", "meth") and not shown.endswith(")"):
                shown += "()"
            url = resolver.reference(target)
            node = nodes.literal(text=shown)
        return [nodes.reference("", "", node, refuri=url) if url else node], []

    return run


class Dropdown(Directive):
    """sphinx-design's dropdown: a title and its hidden content, as a container pandoc keeps."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {key: directives.unchanged for key in (
        "open", "color", "icon", "chevron", "animate", "margin", "name", "class-container",
        "class-title", "class-body", "container", "title", "body", "sync", "sync-group")}

    def run(self):
        title = nodes.container(classes=["dropdown-title"])
        inline, messages = self.state.inline_text(self.arguments[0] if self.arguments else "", self.lineno)
        title += nodes.paragraph("", "", *inline)
        dropdown = nodes.container(classes=["dropdown"])
        dropdown += title
        self.state.nested_parse(self.content, self.content_offset, dropdown)
        return [dropdown, *messages]


@contextmanager
def sphinx_markup(resolver):
    """docutils' own roles and directives, with Sphinx's roles and sphinx-design's dropdown ours.

    Sphinx registers its roles and directives in docutils' registries (and, while it reads a
    page, looks them up in its domains); both would need a Sphinx environment, so for this
    parse the registries hold only ours, and docutils' lookups are its own.
    """
    our_roles = {name: role(resolver, name) for name in ("doc", *PY_ROLES)}
    our_roles.update({f"py:{name}": role(resolver, name) for name in PY_ROLES})
    from docutils.parsers.rst.directives.body import CodeBlock, MathBlock

    our_directives = {"dropdown": Dropdown, "code-block": CodeBlock, "sourcecode": CodeBlock, "code": CodeBlock,
                      "math": MathBlock}
    saved = roles.role, directives.directive, roles._roles, directives._directives
    roles.role, directives.directive = DOCUTILS_ROLE, DOCUTILS_DIRECTIVE
    roles._roles, directives._directives = our_roles, our_directives
    try:
        yield
    finally:
        roles.role, directives.directive, roles._roles, directives._directives = saved


def rest_html(text, resolver):
    settings = {
        "doctitle_xform": False, "math_output": "latex", "syntax_highlight": "none", "report_level": 2,
        "halt_level": 2, "initial_header_level": 1, "input_encoding": "unicode", "embed_stylesheet": False,
        "warning_stream": False,
    }
    with sphinx_markup(resolver):
        return publish_parts(text, writer_name="html5", settings_overrides=settings)["body"]


# ---- HTML (docutils' or a built page's) ready for pandoc -----------------------------------

def having(name, *classes):
    """A ``find_all`` filter: tags called ``name`` (any, if None) that have every class of ``classes``.

    What ``select("name.class")`` finds, in one pass of BeautifulSoup's own
    matching: soupsieve's CSS matching took 0.5 s of each language's Markdown
    twins, on pages of tens of thousands of tags (formulas, highlighted code).
    """
    wanted = set(classes)
    return lambda tag: (name is None or tag.name == name) and wanted <= set(tag.get("class") or ())


def either(*filters):
    return lambda tag: any(match(tag) for match in filters)


def tex_of(tag):
    """A formula's TeX: KaTeX's annotation, else the tag's text."""
    annotation = tag.find("annotation", attrs={"encoding": "application/x-tex"})
    return annotation.get_text() if annotation else tag.get_text()


def pandoc_ready(soup):
    """Rewrite, in place, what pandoc's HTML reader would misread: formulas, code, dropdowns."""
    for tag in soup.find_all(either(having(None, "katex-display"), having("div", "math"))):
        tag.replace_with(display_math(soup, tex_of(tag)))
    for tag in soup.find_all(having("span", "katex")):
        tag.replace_with(inline_math(soup, tex_of(tag)))
    for tag in soup.find_all(either(having("tt", "math"), having("span", "math"))):
        if "display" not in tag.get("class", []) and "inline" not in tag.get("class", []):
            tag.replace_with(inline_math(soup, tag.get_text()))
    for tag in soup.find_all(having("pre", "math")):
        tag.replace_with(display_math(soup, tag.get_text()))
    for tag in soup.find_all(having("span", "docutils", "literal")):
        tag.name = "code"
    for tag in soup.find_all("code"):  # Sphinx splits a literal into words: one code span, as written
        if tag.find_parent("pre") is None:
            tag.string = tag.get_text()
    for block in soup.find_all(lambda tag: tag.name == "div" and "highlight-" in " ".join(tag.get("class") or ())):
        language = next((c.removeprefix("highlight-") for c in block["class"] if c.startswith("highlight-")), "")
        pre = soup.new_tag("pre", attrs={"class": language.lower() if language.lower() not in ("none", "default", "text") else ""})
        pre.string = block.find("pre").get_text() if block.find("pre") else block.get_text()
        block.replace_with(pre)
    for pre in soup.find_all(having("pre", "code")):
        language = [c for c in pre["class"] if c not in ("code", "literal-block")]
        pre.attrs = {"class": language[:1]}
        pre.string = pre.get_text()
    for tag in soup.find_all(True):  # pandoc would keep classes and ids as raw HTML
        kept = KEPT_ATTRIBUTES.get(tag.name, ())
        tag.attrs = {k: v for k, v in tag.attrs.items() if k in kept or (k == "class" and set(v) & KEPT_CLASSES)}
    for details in soup.find_all(having("details", "sd-dropdown")):
        summary = details.select_one("summary")
        for decoration in summary.select("svg, .sd-summary-down, .sd-summary-up, .sd-summary-state-marker"):
            decoration.decompose()
        body = details.select_one(".sd-summary-content") or details
        dropdown = soup.new_tag("div", attrs={"class": "dropdown"})
        title = soup.new_tag("div", attrs={"class": "dropdown-title"})
        paragraph = soup.new_tag("p")
        paragraph.string = summary.get_text(" ", strip=True)
        title.append(paragraph)
        dropdown.append(title)
        summary.decompose()
        for child in list(body.children):
            dropdown.append(child.extract())
        details.replace_with(dropdown)
    return soup


KEPT_ATTRIBUTES = {"a": ("href",), "img": ("src", "alt"), "pre": ("class",), "th": ("colspan", "rowspan"),
                   "td": ("colspan", "rowspan"), "ol": ("start",)}
KEPT_CLASSES = {"math", "dropdown", "dropdown-title", "sd-dropdown", "sd-summary-content"}


def inline_math(soup, tex):
    span = soup.new_tag("span", attrs={"class": "math inline"})
    span.string = tex.strip()
    return span


def display_math(soup, tex):
    span = soup.new_tag("span", attrs={"class": "math display"})
    span.string = tex.strip()
    paragraph = soup.new_tag("p")
    paragraph.append(span)
    return paragraph


# ---- the filter on pandoc's document tree ---------------------------------------------------

def stringify(element):
    if isinstance(element, list):
        return "".join(stringify(e) for e in element)
    if not isinstance(element, dict):
        return ""
    kind, content = element.get("t"), element.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Code":
        return content[1]
    if kind == "Math":
        return content[1]
    if kind in ("Link", "Image", "Span"):
        return stringify(content[1])
    if kind in ("Quoted",):
        return stringify(content[1])
    if isinstance(content, list):
        return stringify(content)
    return ""


def raw_block(text):
    return {"t": "RawBlock", "c": ["html", text]}


def raw_inline(text):
    return {"t": "RawInline", "c": ["html", text]}


def is_punctuation(char):
    return unicodedata.category(char).startswith("P") or unicodedata.category(char).startswith("S")


def left_text(inlines, i):
    return stringify(inlines[i - 1])[-1:] if i > 0 else ""


def right_text(inlines, i):
    return stringify(inlines[i + 1])[:1] if i + 1 < len(inlines) else ""


def closes_and_opens(inlines, i):
    """Would CommonMark see this emphasis's markers as closing and opening (flanking rules)?"""
    inner = stringify(inlines[i]["c"])
    if not inner:
        return True
    before, after = left_text(inlines, i), right_text(inlines, i)
    opens = not is_punctuation(inner[0]) or not before or before.isspace() or is_punctuation(before)
    closes = not is_punctuation(inner[-1]) or not after or after.isspace() or is_punctuation(after)
    return opens and closes


def fix_inlines(inlines):
    out = []
    for i, element in enumerate(inlines):
        if element.get("t") == "Span" and "math" in element["c"][0][1]:
            kind = "DisplayMath" if "display" in element["c"][0][1] else "InlineMath"
            out.append({"t": "Math", "c": [{"t": kind}, stringify(element["c"][1])]})
        elif element.get("t") in ("Strong", "Emph") and not closes_and_opens(inlines, i):
            tag = "strong" if element["t"] == "Strong" else "em"
            out += [raw_inline(f"<{tag}>"), *walk(element["c"]), raw_inline(f"</{tag}>")]
        else:
            out.append(walk(element))
    return out


def fix_blocks(blocks):
    out = []
    for block in blocks:
        if block.get("t") == "Div" and "dropdown" in block["c"][0][1]:
            content = list(block["c"][1])
            title = ""
            if content and content[0].get("t") == "Div" and "dropdown-title" in content[0]["c"][0][1]:
                title = stringify(content.pop(0)["c"][1]).strip()
            content = walk(content)
            out += [raw_block(f"<details>\n<summary>{html.escape(title, quote=False)}</summary>"), *content,
                    raw_block("</details>")]
        elif block.get("t") in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            if all(len(item) == 1 and item[0].get("t") == "Para" for item in items):
                for item in items:
                    item[0] = {"t": "Plain", "c": item[0]["c"]}
            out.append(walk(block))
        elif block.get("t") == "CodeBlock" and not block["c"][0][1]:
            # Program output, or a block in no language: fenced as text, never an indented code block.
            out.append({"t": "CodeBlock", "c": [[block["c"][0][0], ["text"], block["c"][0][2]], block["c"][1]]})
        elif block.get("t") == "Div":
            out += walk(block["c"][1])  # a Div only groups: its blocks stand on their own
        else:
            out.append(walk(block))
    return out


def is_block_list(value):
    return bool(value) and all(isinstance(v, dict) and v.get("t") in BLOCK_TYPES for v in value)


def is_inline_list(value):
    return bool(value) and all(isinstance(v, dict) and v.get("t") in INLINE_TYPES for v in value)


BLOCK_TYPES = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
               "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}
INLINE_TYPES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
                "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span"}


def walk(value):
    if isinstance(value, list):
        if is_block_list(value):
            return fix_blocks(value)
        if is_inline_list(value):
            return fix_inlines(value)
        return [walk(v) for v in value]
    if isinstance(value, dict):
        return {k: walk(v) for k, v in value.items()}
    return value


def html_markdown(markup):
    """HTML (after ``pandoc_ready``) as CommonMark, through pandoc and the filter."""
    tree = json.loads(pandoc(markup, "html", "json"))
    tree["blocks"] = walk(tree["blocks"])
    markdown = pandoc(json.dumps(tree), "json", MARKDOWN)
    return markdown.strip() + "\n"


# ---- the entry points ------------------------------------------------------------------------

class NoLinks:
    """A resolver for text outside the site: roles become code and titles, nothing links."""

    def document(self, target):
        return target, None

    def reference(self, target):
        return None


def rest_to_markdown(texts, resolver=NoLinks()):
    """reST fragments (a script's text cells, read as one document) as CommonMark, one string each."""
    from bs4 import BeautifulSoup

    source = f"\n\n{CELL_BREAK}\n\n".join(texts)
    soup = pandoc_ready(BeautifulSoup(rest_html(source, resolver), "html.parser"))
    markdown = html_markdown(str(soup))
    cells = re.split(rf"^{CELL_BREAK}$", markdown, flags=re.M)
    if len(cells) != len(texts):
        raise ValueError(f"{len(texts)} text cells became {len(cells)} Markdown cells")
    return [cell.strip("\n") + "\n" for cell in cells]


def page_to_markdown(soup):
    """A built page's main content (a BeautifulSoup element) as CommonMark."""
    return html_markdown(str(pandoc_ready(soup)))
