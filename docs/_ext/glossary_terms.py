"""Glossary terms in translated prose show their English term (梯度 → gradient).

Chinese technical writing gives the English term beside the Chinese on first
use: readers meet the English in error messages, APIs and papers. After
Sphinx has translated a page, this marks the first occurrence of each term of
``locales/<language>/glossary.toml`` in each section (the section's own text,
not its subsections'), outside code, links, headings, math and the English
originals. The mark is a focusable span whose tooltip (``lang="en"``, shown on
hover, focus and tap by CSS) holds the English, tied to it with
``aria-describedby``; the English is not in the search index, and not in a
``title`` attribute, which touch screens cannot show.

A term is marked only where the block's English original (the
``english_original`` node that ``parallel_reading`` puts after it) uses that
term, in its prose: a rendering that also occurs in other words is not
marked there. Where two glossary terms share a rendering (反向传播:
backpropagation, backward pass), the tooltip names the ones the English uses.
"""

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

import catalog_checks
from parallel_reading import BLOCKS, english_original, is_translation
from site_languages import language_tag

# Where a term is not prose, or is already a link or a heading.
NOT_PROSE = (
    # (a rubric is a heading too: sphinx-design makes the dropdowns' titles of them)
    nodes.literal, nodes.literal_block, nodes.reference, nodes.title, nodes.rubric, nodes.math, nodes.math_block,
    nodes.raw, nodes.comment, nodes.target, nodes.FixedTextElement, english_original,
)


class glossary_term(nodes.inline):
    """A glossary term in the prose; ``english`` holds its English term."""


# Not the prose of an English original: its code, formulas and link titles (as the catalog check reads it).
NOT_ENGLISH_PROSE = (nodes.literal, nodes.math, nodes.reference, nodes.raw)


def english_by_translation(glossary_path):
    """{Chinese rendering: [(English term, the pattern of its forms), ...]} (two terms may share one)."""
    terms, _ = catalog_checks.load_glossary(glossary_path)
    english = {}
    for term in terms:
        english.setdefault(term["translation"], []).append((term["term"], catalog_checks.english_forms(term)))
    return english


def block_english(text):
    """The prose of the English original of the block holding ``text``; None when it has none."""
    node = text.parent
    while node is not None and not isinstance(node, BLOCKS):
        node = node.parent
    if node is None or node.parent is None:
        return None
    index = node.parent.index(node)
    following = node.parent.children[index + 1] if index + 1 < len(node.parent.children) else None
    if not isinstance(following, english_original):
        return None
    return " ".join(
        str(piece) for piece in following.findall(nodes.Text)
        if not any(isinstance(up, NOT_ENGLISH_PROSE) for up in ancestors(piece, following))
    )


def ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


def used_terms(candidates, english):
    """The English terms among ``candidates`` that ``english`` uses, joined for the tooltip."""
    return " / ".join(term for term, forms in candidates if english and forms.search(english))


def is_prose(text):
    node = text.parent
    while node is not None and not isinstance(node, nodes.section):
        if isinstance(node, NOT_PROSE) or node.get("translatable") is False:
            return False
        node = node.parent
    return True


def own_texts(section):
    """The text nodes of a section, without those of its subsections, in reading order."""
    for child in section.children:
        if isinstance(child, nodes.section):
            continue
        yield from child.findall(nodes.Text)


class MarkGlossaryTerms(SphinxTransform):
    default_priority = 22  # after Locale (20) and the English originals (21)

    def apply(self):
        if not is_translation(self.config):
            return
        path = catalog_checks.glossary_path(self.config.language)
        if not path.exists():
            return
        self.env.note_dependency(str(path))
        english = english_by_translation(path)
        pattern = re.compile("|".join(map(re.escape, sorted(english, key=len, reverse=True))))
        for section in self.document.findall(nodes.section):
            seen = set()
            for text in list(own_texts(section)):
                if is_prose(text):
                    self.mark(text, pattern, english, seen)

    def mark(self, text, pattern, english, seen):
        """Split ``text`` around the first unseen occurrence of each term."""
        pieces, last = [], 0
        source = str(text)
        original = block_english(text)
        for match in pattern.finditer(source):
            term = match.group()
            tip = used_terms(english[term], original)
            if term in seen or not tip:
                continue  # already marked in this section, or not what the English says here
            seen.add(term)
            pieces += [nodes.Text(source[last : match.start()]), glossary_term("", term, english=tip)]
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(source[last:]))
            parent = text.parent
            index = parent.index(text)
            parent.remove(text)
            for offset, piece in enumerate(piece for piece in pieces if not isinstance(piece, nodes.Text) or str(piece)):
                parent.insert(index + offset, piece)


def visit_term(self, node):
    self.blitz_terms = getattr(self, "blitz_terms", 0) + 1
    tip = f"blitz-term-{self.blitz_terms}"
    self.body.append(f'<span class="blitz-term" tabindex="0" aria-describedby="{tip}">')
    node["tip_id"] = tip


def depart_term(self, node):
    source = language_tag(next(iter(self.builder.config.blitz_languages)))
    english = self.encode(node["english"])
    self.body.append(
        f'<span class="blitz-term-tip" id="{node["tip_id"]}" role="tooltip" lang="{source}">{english}</span></span>'
    )


def setup(app):
    app.setup_extension("parallel_reading")
    app.add_node(glossary_term, html=(visit_term, depart_term))
    app.add_transform(MarkGlossaryTerms)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
