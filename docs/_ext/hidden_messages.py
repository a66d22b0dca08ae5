"""Messages that are not prose: text a page shows but docutils does not hold as text.

A figure's words are pixels and a code block's comments are part of one
literal block, so Sphinx's gettext builder cannot see them. ``figure_words``
and ``code_comments`` put them in a ``hidden_messages`` node beside the block
they come from; gettext extracts the node's messages into the page's catalog
like any other (same file, same line as the block), and no writer shows it.
Those extensions translate the figure or the comments themselves.
"""

import re

from docutils import nodes
from sphinx import addnodes

LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def english_words(text, keep=()):
    """The words of ``text`` that a reader of another language needs translated.

    Not words: numbers; single letters (``Q``, the ``a`` of ``3a³``); names no
    dictionary has, with a digit or an underscore (``fc1``, ``PowBackward0``)
    or a capital after the first letter (``ReLU``, ``LeNet``, ``MSE``); names
    used as code, before ``[``, ``(`` or ``.``, after ``.`` or between reST's
    double backquotes (``tensor[:, 1]``, ``Q.grad_fn``); and the names in
    ``keep`` (a glossary's terms that stay English, such as ``autograd``). Everything
    else, "step" and "loss" included, is a word, even where the code also
    has a variable of that name.
    """
    words = []
    literals = [m.span() for m in re.finditer(r"``.+?``", text)]
    for match in LATIN_WORD.finditer(text):
        if any(start <= match.start() < end for start, end in literals):
            continue
        word, before, after = match.group(), text[: match.start()], text[match.end() :]
        if (
            len(word) == 1
            or re.search(r"[\d_]", word)
            or re.search(r"[A-Z]", word[1:])
            or re.match(r"[\[(.]\S", after)
            or before.endswith(".")
            or word in keep
        ):
            continue
        words.append(word)
    return words


class hidden_messages(nodes.Element, addnodes.translatable):
    """Messages for the page's catalog, shown by no writer."""

    def preserve_original_messages(self):
        pass

    def apply_translated_message(self, original_message, translated_message):
        pass  # the extension that added the node translates what it stands for

    def extract_original_messages(self):
        return list(self["messages"])


def beside(node, messages):
    """A ``hidden_messages`` node holding ``messages``, placed after ``node``, with its origin."""
    if not messages:
        return
    hidden = hidden_messages(messages=list(messages))
    hidden.source, hidden.line = node.source or node.parent.source, node.line or node.parent.line
    node.parent.insert(node.parent.index(node) + 1, hidden)


def skip(self, node):
    raise nodes.SkipNode


def setup(app):
    app.add_node(hidden_messages, **{writer: (skip, None) for writer in ("html", "latex", "text", "man", "texinfo")})
    return {"parallel_read_safe": True, "parallel_write_safe": True}
