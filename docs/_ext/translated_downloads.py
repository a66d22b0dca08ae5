"""Tutorial downloads (.py, .ipynb, .zip) in the reader's language, with notebooks that render.

For each tutorial page, in every language, this writes a script whose
docstring and text cells carry the page's language, a notebook made from it
by sphinx-gallery, and a zip of both, into ``docs/tutorials/<language>/``,
and points the page's download links at them. The messages are those Sphinx
extracts from the page's doctree (``extract_messages``, as the gettext
builder does), translated with the catalog Sphinx itself loads for the page;
each is replaced in the script where its source text stands. Nothing parses
reST a second way: a message whose text cannot be found whole in the script
stops the build instead of leaving English behind.

Markdown is not reST, so the notebooks need what sphinx-gallery's converter
does not do: cross-references become titles (or links when the site's
address is known), other roles become code, the escaped spaces that join
markup to Chinese go (outside formulas), and bold text that CommonMark would
not close (``**预备知识：**Python``) is written as HTML.
"""

import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from code_comments import translate_code

DOWNLOADS = (".py", ".ipynb", ".zip")
LIST_MARKER = r"(?:(?:[-*+]|\d+\.)[ \t]+)?"
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>])\1+$")


def gallery_dir(config):
    return config.sphinx_gallery_conf["gallery_dirs"]


def is_tutorial(env, docname):
    gallery = gallery_dir(env.config)
    return docname.startswith(gallery + "/") and Path(env.srcdir, docname + ".py").exists()


class RecordSourceMessages(SphinxTransform):
    """Keep a tutorial page's messages with their source text, before Sphinx translates them."""

    default_priority = 19  # before Sphinx's Locale transform (20)

    def apply(self):
        if is_tutorial(self.env, self.env.docname):
            self.env.temp_data["blitz_messages"] = [
                (msg, node.rawsource, isinstance(node, nodes.title))
                for node, msg in extract_messages(self.document)
                if getattr(node, "rawsource", "")
            ]


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def translate_text(text, messages, translate, where):
    """reST ``text`` with each message's source replaced by its translation."""
    for msgid, rawsource, is_title in sorted(messages, key=lambda m: -len(m[1])):
        lines = [line.strip() for line in rawsource.strip().split("\n")]
        pattern = re.compile(
            rf"^(?P<lead>[ \t]*{LIST_MARKER})" + r"[ \t]*\n[ \t]*".join(map(re.escape, lines)) + r"[ \t]*$",
            re.M,
        )
        match = pattern.search(text)
        if match is None:
            if re.search(rf"^[ \t]*{LIST_MARKER}{re.escape(lines[0])}[ \t]*$", text, re.M):
                raise ExtensionError(f"{where}: cannot find this message whole in the script: {msgid!r}")
            continue  # a message of sphinx-gallery's, not of the script
        translation = translate(msgid)
        if translation == msgid:
            continue
        replaced = match.group("lead") + translation
        end = match.end()
        if is_title:
            following = text[end + 1 :].split("\n", 1)[0]
            if UNDERLINE.match(following):
                replaced += "\n" + following[0] * display_width(translation)
                end += 1 + len(following)
        text = text[: match.start()] + replaced + text[end:]
    return text


def translate_script(source, messages, translate, where):
    """The tutorial script with its docstring, text cells and code comments translated; code untouched."""
    lines = source.split("\n")
    out, code, i = [], [], 0

    def code_done():
        if code:
            out.extend(translate_code("\n".join(code), translate).split("\n"))
            code.clear()

    if lines[0].strip() in ('r"""', '"""'):
        end = lines.index('"""', 1)
        docstring = no_escaped_spaces(translate_text("\n".join(lines[1:end]), messages, translate, where))
        out += [lines[0], *docstring.split("\n"), '"""']
        i = end + 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith("# %%"):
            code.append(line)
            continue
        code_done()
        out.append(line)
        cell = []
        while i < len(lines) and lines[i].startswith("#"):
            cell.append(lines[i][2:] if lines[i].startswith("# ") else lines[i][1:])
            i += 1
        body = translate_text("\n".join(cell), messages, translate, where)
        body = no_escaped_spaces(translate_code_blocks(body, translate))
        out += [f"# {text}" if text else "#" for text in body.split("\n")]
    code_done()
    return "\n".join(out)


CODE_BLOCK = re.compile(r"^(?P<indent>[ \t]*)\.\. code-block:: *python3? *$", re.M | re.I)


def translate_code_blocks(text, translate):
    """reST ``text`` with the comments of its ``code-block:: python`` directives translated."""
    lines = text.split("\n")
    for match in reversed(list(CODE_BLOCK.finditer(text))):
        first = text[: match.start()].count("\n") + 1
        indent = len(match["indent"])
        last = first
        while last < len(lines) and (not lines[last].strip() or len(lines[last]) - len(lines[last].lstrip()) > indent):
            last += 1
        while last > first and not lines[last - 1].strip():
            last -= 1
        body = [line for line in lines[first:last]]
        inner = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
        code = "\n".join(line[inner:] for line in body)
        translated = translate_code(code, translate)
        if translated != code:
            lines[first:last] = [" " * inner + line if line else "" for line in translated.split("\n")]
    return "\n".join(lines)


def no_escaped_spaces(text):
    """reST's "no space here" (a backslash and a space) as a space, outside formulas.

    The reader of a script sees the markup (``:doc:`plot_1_tensors```), which is
    Latin text: beside Chinese it takes a space, as the house style asks.
    """
    return outside_math(text, lambda part: part.replace("\\ ", " "))


MATH = re.compile(r":math:`[^`]*`|^\.\. math::.*(?:\n+^[ \t]+.*)*", re.M)


def outside_math(text, change):
    """Apply ``change`` to the parts of reST ``text`` that are not formulas."""
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts += [change(text[last : match.start()]), match.group()]
        last = match.end()
    return "".join(parts) + change(text[last:])


def markdown_ready(text, title_of):
    """reST that sphinx-gallery's Markdown converter renders as the page does."""

    def prose(part):
        part = re.sub(r":doc:`([^`<]*?)\s*<([^`>]+)>`", r"\1", part)  # explicit title
        part = re.sub(r":doc:`([^`]+)`", lambda m: title_of(m.group(1)), part)
        part = re.sub(r":[\w:.+-]+:`~?([^`]+)`", r"``\1``", part)  # :func:, :class:, ... as code
        return part.replace("\\ ", "")  # reST's "no space here", which Markdown would show

    return outside_math(text, prose)


def safe_emphasis(markdown):
    """Bold that CommonMark cannot close beside punctuation (**标题：**正文) as <strong>."""

    def fix(match):
        inner, after = match.group(1), match.string[match.end() : match.end() + 1]
        closes = not unicodedata.category(inner[-1]).startswith("P") or not after or after.isspace() \
            or unicodedata.category(after).startswith("P")
        return match.group() if closes else f"<strong>{inner}</strong>"

    return re.sub(r"\*\*([^*\n]+)\*\*", fix, markdown)


def write_if_changed(path, data):
    """Keep the file (and its mtime) when nothing changed, so rebuilds stay no-ops."""
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def zip_bytes(files):
    """A reproducible zip: fixed timestamps, fixed order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def notebook_bytes(script_path, conf, gallery, title_of):
    from sphinx_gallery import py_source_parser
    from sphinx_gallery.gen_rst import _clean_script_blocks
    from sphinx_gallery.notebook import jupyter_notebook

    _, blocks = py_source_parser.split_code_and_text_blocks(str(script_path))
    # The same clean-up sphinx-gallery applies before it writes its own notebook.
    blocks, _ = _clean_script_blocks(conf, py_source_parser, blocks, [None] * len(blocks))
    blocks = [b._replace(content=markdown_ready(b.content, title_of)) if b.type == "text" else b for b in blocks]
    notebook = jupyter_notebook(blocks, conf, str(gallery))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = safe_emphasis("".join(cell["source"]))
    return (json.dumps(notebook, indent=2, ensure_ascii=False) + "\n").encode()


def write_downloads(app, doctree):
    """doctree-read, before the links are pointed: this page's downloads in this language."""
    env, config = app.env, app.config
    docname = env.docname
    messages = env.temp_data.get("blitz_messages")
    if messages is None:
        return
    language = config.language
    gallery = Path(env.srcdir, gallery_dir(config))
    script = Path(env.srcdir, docname + ".py")
    locale_dirs = [Path(env.srcdir, d) for d in config.locale_dirs]

    def translator(docname):
        catalog, _ = init_locale(locale_dirs, language, docname_to_domain(docname, config.gettext_compact), "blitz")
        return catalog.gettext

    def title_of(target):
        target_doc = f"{gallery_dir(config)}/{target}"
        target_script = Path(env.srcdir, target_doc + ".py")
        if not target_script.exists():
            raise ExtensionError(f"{script.name}: the notebook cannot name :doc:`{target}`, not a tutorial")
        from sphinx_gallery.py_source_parser import split_code_and_text_blocks

        docstring = split_code_and_text_blocks(str(target_script))[1][0].content
        english = next(line.strip() for line in docstring.split("\n") if line.strip())
        title = translator(target_doc)(english).replace("``", "`")
        if config.blitz_site_url:
            return f"[{title}]({config.blitz_site_url.rstrip('/')}/{language}/{target_doc}.html)"
        return title

    translated = translate_script(script.read_text("utf-8"), messages, translator(docname), str(script.name))
    folder = gallery / language
    write_if_changed(folder / script.name, translated.encode())
    notebook = notebook_bytes(folder / script.name, config.sphinx_gallery_conf, gallery, title_of)
    write_if_changed(folder / f"{script.stem}.ipynb", notebook)
    write_if_changed(
        folder / f"{script.stem}.zip",
        zip_bytes([(script.name, translated.encode()), (f"{script.stem}.ipynb", notebook)]),
    )


def point_downloads_to_translations(app, doctree):
    """doctree-read, before Sphinx collects downloads: link this language's copies."""
    if not is_tutorial(app.env, app.env.docname):
        return
    for node in doctree.findall(addnodes.download_reference):
        target = node["reftarget"]
        if "/" not in target and target.endswith(DOWNLOADS):
            node["reftarget"] = f"{app.config.language}/{target}"


def setup(app):
    app.add_transform(RecordSourceMessages)
    app.connect("doctree-read", write_downloads, priority=300)
    app.connect("doctree-read", point_downloads_to_translations, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
