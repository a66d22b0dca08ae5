"""Tutorial downloads (.py, .ipynb, .zip) in the reader's language, in Markdown that renders.

For each tutorial page, in every language, this writes a script whose text
cells carry the page's language, a notebook with the same cells, and a zip of
both, into ``docs/tutorials/<language>/``, and points the page's download
links at them. The messages are those Sphinx extracts from the page's doctree
(``extract_messages``, as the gettext builder does), translated with the
catalog Sphinx itself loads for the page; each is replaced in the script where
its source text stands (a dropdown's title too). Nothing parses reST a second
way: a message whose text cannot be found whole in the script stops the build
instead of leaving English behind.

The translated text cells are then written as CommonMark by ``commonmark``
(docutils, then pandoc): the notebook's Markdown cells, and the script's text
cells, which it writes in the percent format (``# %% [markdown]`` cells, the
cells VS Code, Spyder, PyCharm and Jupytext open), since reST roles and
directives mean nothing outside Sphinx. Cross-references become links to the
part and to the reference (or their titles and code, without the site's
address); the first cell installs what is missing, in the page's language.
"""

import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path

from docutils import nodes
from docutils.utils import SystemMessage
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

import commonmark
from code_comments import translate_code
from notebook_launchers import install_cell

DOWNLOADS = (".py", ".ipynb", ".zip")
# What may stand before a message on its line: a list marker, or the directive a title belongs to.
LIST_MARKER = r"(?:(?:[-*+]|\d+\.)[ \t]+|\.\. dropdown::[ \t]+)?"
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
        if lines[0] not in text:
            continue  # neither pattern below can match: spare compiling them (each cell meets every message)
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
    """The tutorial script (reST) with its docstring, text cells and code comments translated; code untouched."""
    lines = source.split("\n")
    out, code, i = [], [], 0

    def code_done():
        if code:
            out.extend(translate_code("\n".join(code), translate).split("\n"))
            code.clear()

    if lines[0].strip() in ('r"""', '"""'):
        end = lines.index('"""', 1)
        docstring = translate_text("\n".join(lines[1:end]), messages, translate, where)
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
        body = translate_code_blocks(body, translate)
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


class SiteLinks:
    """Where the Markdown's cross-references lead: a part's title and page, a name's reference."""

    def __init__(self, env, translator):
        from sphinx.ext.intersphinx._shared import InventoryAdapter

        self.env, self.config, self.translator = env, env.config, translator
        self.inventory = InventoryAdapter(env).main_inventory

    def document(self, target):
        from sphinx_gallery.py_source_parser import split_code_and_text_blocks

        config = self.config
        target_doc = f"{gallery_dir(config)}/{target}"
        target_script = Path(self.env.srcdir, target_doc + ".py")
        if not target_script.exists():
            raise ExtensionError(f"a notebook cannot name :doc:`{target}`, not a tutorial")
        docstring = split_code_and_text_blocks(str(target_script))[1][0].content
        english = next(line.strip() for line in docstring.split("\n") if line.strip())
        title = self.translator(target_doc)(english).replace("``", "")
        url = f"{config.blitz_site_url.rstrip('/')}/{config.language}/{target_doc}.html" if config.blitz_site_url else None
        return title, url

    def reference(self, target):
        for objtype, names in self.inventory.items():
            if objtype.startswith("py:") and target in names:
                item = names[target]
                return getattr(item, "uri", None) or item[2]
        return None


def script_blocks(source, conf):
    """sphinx-gallery's blocks of a script given as text, cleaned as it cleans them for its notebooks."""
    import tempfile

    from sphinx_gallery import py_source_parser
    from sphinx_gallery.gen_rst import _clean_script_blocks

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "script.py")
        path.write_text(source, encoding="utf-8")
        _, blocks = py_source_parser.split_code_and_text_blocks(str(path))
    blocks, _ = _clean_script_blocks(conf, py_source_parser, blocks, [None] * len(blocks))
    return blocks


def markdown_cells(blocks, links):
    """(kind, text) cells: "markdown" with the text blocks as CommonMark, "code" as they are."""
    texts = iter(commonmark.rest_to_markdown([b.content for b in blocks if b.type == "text"], links))
    cells = []
    for block in blocks:
        if block.type == "text":
            cells.append(("markdown", next(texts).strip("\n")))
        elif block.content.strip():
            cells.append(("code", block.content.strip("\n")))
    return cells


def notebook_bytes(cells, first_cell):
    from sphinx_gallery.notebook import add_code_cell, add_markdown_cell, jupyter_notebook_skeleton

    notebook = jupyter_notebook_skeleton()
    add_code_cell(notebook, first_cell)
    for kind, text in cells:
        (add_markdown_cell if kind == "markdown" else add_code_cell)(notebook, text)
    return (json.dumps(notebook, indent=2, ensure_ascii=False) + "\n").encode()


def percent_script(cells):
    """The script in the percent format: Markdown cells as comments, code cells as they are."""
    parts = []
    for kind, text in cells:
        if kind == "markdown":
            parts.append("# %% [markdown]\n" + "\n".join(f"# {line}" if line else "#" for line in text.split("\n")))
        else:
            parts.append("# %%\n" + text)
    return "\n\n".join(parts) + "\n"


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

    def translator(domain_docname):
        domain = "sphinx" if domain_docname is None else docname_to_domain(domain_docname, config.gettext_compact)
        catalog, _ = init_locale(locale_dirs, language, domain, "blitz")
        return catalog.gettext

    translated = translate_script(script.read_text("utf-8"), messages, translator(docname), str(script.name))
    try:
        cells = markdown_cells(script_blocks(translated, config.sphinx_gallery_conf), SiteLinks(env, translator))
    except (ValueError, ExtensionError, SystemMessage) as error:  # SystemMessage: docutils' reST error
        raise ExtensionError(f"{script.name}: {error}") from error
    text = percent_script(cells).encode()
    notebook = notebook_bytes(cells, install_cell(translator(None)))
    folder = gallery / language
    write_if_changed(folder / script.name, text)
    write_if_changed(folder / f"{script.stem}.ipynb", notebook)
    write_if_changed(
        folder / f"{script.stem}.zip",
        zip_bytes([(script.name, text), (f"{script.stem}.ipynb", notebook)]),
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
