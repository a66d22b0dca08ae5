"""Comments and docstrings in a tutorial's code blocks, in the page's language; the code unchanged.

Sphinx translates prose, not code, so a Chinese page showed English comments.
Python's own tokenizer finds the comments, and its parser the docstrings
(never a string that is data); each one that has words to translate
(``hidden_messages.english_words``) is a message of the page's catalog. Lines
of comments in a row are one message, written back as one line. On a
translated page each code block gets its translations, and
``translated_downloads`` applies ``translate_code`` to the script it writes,
so the page, the ``.py`` and the notebook show the same comments. A block that
does not tokenize or parse keeps its comments or docstrings as they are.
"""

import ast
import inspect
import io
import re
import tokenize

from docutils import nodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

import hidden_messages
from hidden_messages import english_words

PYTHON = {"python", "python3", "py", "default"}
NOT_PROSE = re.compile(r"^(noqa|type:|pragma|fmt:|sphinx_gallery_|%%|!)")
STRING_PREFIX = re.compile(r"^(?P<prefix>[rRuU]*)(?P<quote>\"\"\"|'''|\"|')")


def code_messages(code):
    """``(start, end, message)`` for each comment run and docstring of ``code``, as string offsets."""
    lines = code.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(row, col):
        return starts[row - 1] + col

    spans = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    run = None  # the comment lines in a row: [start, end, texts, column, last row]
    for token in tokens:
        if token.type != tokenize.COMMENT:
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                run = None
            continue
        text = token.string[1:].strip()
        start, end = offset(*token.start), offset(*token.end)
        whole_line = not token.line[: token.start[1]].strip()
        if NOT_PROSE.match(text) or not whole_line:
            run = None
            if not NOT_PROSE.match(text):
                spans.append([start, end, [text]])
            continue
        if run is not None and run[3] == token.start[1] and run[4] == token.start[0] - 1:
            run[1], run[4] = end, token.start[0]
            run[2].append(text)
        else:
            run = [start, end, [text], token.start[1], token.start[0]]
            spans.append(run)
    found = [(start, end, " ".join(t for t in texts if t)) for start, end, texts, *_ in spans]
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = None
    for node in ast.walk(tree) if tree else ():
        body = getattr(node, "body", None)
        if not isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not body:
            continue
        first = body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            line_bytes = lines[first.lineno - 1].encode()
            end_bytes = lines[first.end_lineno - 1].encode()
            start = offset(first.lineno, len(line_bytes[: first.col_offset].decode()))
            end = offset(first.end_lineno, len(end_bytes[: first.end_col_offset].decode()))
            found.append((start, end, " ".join(inspect.cleandoc(first.value.value).split())))
    return sorted((s, e, m) for s, e, m in found if english_words(m))


def translate_code(code, translate):
    """``code`` with its comments and docstrings translated by ``translate``; everything else as it was."""
    for start, end, message in reversed(code_messages(code)):
        translation = translate(message)
        if translation == message:
            continue
        original = code[start:end]
        if original.startswith("#"):
            replacement = f"# {translation}"
        else:
            literal = STRING_PREFIX.match(original)
            replacement = f"{literal['prefix']}{literal['quote']}{translation}{literal['quote']}"
        code = code[:start] + replacement + code[end:]
    return code


def is_python(node):
    return node.get("language", "default").lower() in PYTHON


class CodeComments(SphinxTransform):
    """A tutorial's code comments become messages of the page (for gettext, and for the status
    page's counts in every build). A translation: they are translated."""

    default_priority = 10

    def apply(self):
        gallery_dir = self.config.sphinx_gallery_conf["gallery_dirs"]
        if not self.env.docname.startswith(gallery_dir + "/"):
            return
        blocks = [node for node in self.document.findall(nodes.literal_block) if is_python(node)]
        languages = self.config.blitz_languages
        for node in blocks:
            hidden_messages.beside(node, [message for _, _, message in code_messages(node.astext())])
        if self.app.builder.name != "gettext" and languages and self.config.language != next(iter(languages)):
            locale_dirs = [str(self.env.srcdir / d) for d in self.config.locale_dirs]
            domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
            catalog, _ = init_locale(locale_dirs, self.config.language, domain, "blitz")
            for node in blocks:
                code = node.astext()
                translated = translate_code(code, catalog.gettext)
                if translated != code:
                    node.children = []
                    node += nodes.Text(translated)
                    node.rawsource = translated


def setup(app):
    app.setup_extension("hidden_messages")
    app.add_transform(CodeComments)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
