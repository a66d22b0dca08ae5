"""Tutorial downloads in the reader's language.

sphinx-gallery writes one ``.py``, ``.ipynb`` and ``.zip`` per tutorial, in
English, and every language's pages link to them. For a translated build this
module writes translated copies into ``docs/tutorials/<language>/``: the
prose of the docstring and of every ``# %%`` text cell is replaced, paragraph
by paragraph, with its translation from the page's catalog; code is left as
it is. The notebook is made from the translated script by sphinx-gallery
itself. The page's download links are then pointed at the copies.
"""

import hashlib
import re
import unicodedata
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po
from sphinx import addnodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

LIST_ITEM = re.compile(r"^(\*|-|\d+\.)\s+")
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>])\1+$")
TRANSLATED_SUFFIXES = (".py", ".ipynb", ".zip")


def translations(po_path):
    """msgid -> msgstr for the finished (not fuzzy, not empty) translations."""
    if not po_path.exists():
        return {}
    with open(po_path, "rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and m.string and not m.fuzzy}


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def translate(text, table, missed):
    """The translation of one message, or the English (noted in ``missed``)."""
    if text in table:
        return table[text]
    missed.append(text)
    return text


def translate_rst(text, table, missed):
    """Translate reST prose block by block; directives and indented content stay."""
    blocks = re.split(r"(\n[ \t]*\n)", text)
    for index in range(0, len(blocks), 2):
        lines = blocks[index].split("\n")
        first = lines[0]
        if not first.strip() or first[0] in " \t" or first.startswith(".. "):
            continue  # blank, directive, or a directive's content
        if len(lines) == 2 and UNDERLINE.match(lines[1].strip()):
            title = translate(first.strip(), table, missed)
            blocks[index] = f"{title}\n{lines[1][0] * display_width(title)}"
        elif LIST_ITEM.match(first):
            items = []
            for line in lines:
                marker = LIST_ITEM.match(line)
                if marker:
                    items.append([marker.group(1), line[marker.end():]])
                else:
                    items[-1][1] += " " + line.strip()
            blocks[index] = "\n".join(
                f"{marker} {translate(body.strip(), table, missed)}" for marker, body in items
            )
        else:
            blocks[index] = translate(" ".join(line.strip() for line in lines), table, missed)
    return "".join(blocks)


def translate_script(source, table, missed):
    """The tutorial script with its docstring and text cells translated."""
    lines = source.split("\n")
    out, i = [], 0
    if lines[0].strip() in ('r"""', '"""'):
        end = lines.index('"""', 1)
        out += [lines[0], *translate_rst("\n".join(lines[1:end]), table, missed).split("\n"), '"""']
        i = end + 1
    while i < len(lines):
        out.append(lines[i])
        i += 1
        if out[-1].startswith("# %%"):
            cell = []
            while i < len(lines) and lines[i].startswith("#"):
                cell.append(lines[i][2:] if lines[i].startswith("# ") else lines[i][1:])
                i += 1
            body = translate_rst("\n".join(cell), table, missed)
            out += [f"# {text}" if text else "#" for text in body.split("\n")]
    return "\n".join(out)


def write_if_changed(path, data):
    """Keep the file (and its mtime) when nothing changed, so rebuilds stay no-ops."""
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def zip_bytes(files):
    """A reproducible zip: fixed timestamps, fixed order."""
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write_translated_downloads(app):
    """builder-inited, after sphinx-gallery: write this language's copies."""
    language = app.config.language
    if language == "en" or app.builder.format != "html":
        return
    from sphinx_gallery import py_source_parser
    from sphinx_gallery.gen_rst import _clean_script_blocks
    from sphinx_gallery.notebook import jupyter_notebook, save_notebook
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    conf = app.config.sphinx_gallery_conf
    gallery = Path(app.srcdir, conf["gallery_dirs"])
    locale_dir = Path(app.srcdir, app.config.locale_dirs[0], language, "LC_MESSAGES")
    for script in sorted(gallery.glob("plot_*.py")):
        po = locale_dir / conf["gallery_dirs"] / f"{script.stem}.po"
        translated = gallery / language / script.name
        # Skip the work (and the imports) when neither the script nor its catalog changed.
        stamp = translated.with_suffix(".sources")
        sources = hashlib.sha256(script.read_bytes() + (po.read_bytes() if po.exists() else b""))
        if stamp.exists() and stamp.read_text() == sources.hexdigest():
            continue
        table = translations(po)
        missed = []
        write_if_changed(translated, translate_script(script.read_text("utf-8"), table, missed).encode())
        if missed:
            logger.info(f"{script.name}: {len(missed)} paragraphs left in English in the {language} download")
        _, blocks = split_code_and_text_blocks(str(translated))
        # The same clean-up sphinx-gallery applies before it writes its own notebook.
        blocks, _ = _clean_script_blocks(conf, py_source_parser, blocks, [None] * len(blocks))
        # "\ " joins reST markup to Chinese text; Markdown would show the backslash.
        blocks = [b._replace(content=b.content.replace("\\ ", "")) if b.type == "text" else b for b in blocks]
        notebook_path = translated.with_suffix(".ipynb.new")
        save_notebook(jupyter_notebook(blocks, conf, str(gallery)), notebook_path)
        write_if_changed(translated.with_suffix(".ipynb"), notebook_path.read_bytes())
        notebook_path.unlink()
        write_if_changed(
            translated.with_suffix(".zip"),
            zip_bytes([translated, translated.with_suffix(".ipynb")]),
        )
        stamp.write_text(sources.hexdigest())


def point_downloads_to_translations(app, doctree):
    """doctree-read, before Sphinx collects downloads: link this language's copies."""
    language = app.config.language
    gallery = app.config.sphinx_gallery_conf["gallery_dirs"]
    if language == "en" or not app.env.docname.startswith(gallery + "/"):
        return
    for node in doctree.findall(addnodes.download_reference):
        target = node["reftarget"]
        if "/" not in target and target.endswith(TRANSLATED_SUFFIXES):
            if Path(app.srcdir, gallery, language, target).exists():
                node["reftarget"] = f"{language}/{target}"


def setup(app):
    app.connect("builder-inited", write_translated_downloads, priority=600)
    app.connect("doctree-read", point_downloads_to_translations, priority=400)
