"""ARIA and keyboard fixes to the HTML that Sphinx and furo write.

Each fix answers an axe-core rule; none has a setting in Sphinx or furo.
"""

import re


def label_caption_headings(app, pagename, templatename, context, doctree):
    """Give the sidebar's toctree captions a heading level (axe: aria-required-attr).

    Sphinx marks them role="heading" without aria-level, which screen readers
    need. Runs after furo has built the sidebar.
    """
    tree = context.get("furo_navigation_tree")
    if tree:
        context["furo_navigation_tree"] = tree.replace(
            'class="caption" role="heading"', 'class="caption" role="heading" aria-level="2"'
        )


def focusable_scroll_regions(app, pagename, templatename, context, doctree):
    """Let keyboard users scroll wide code, output and formulas (axe: scrollable-region-focusable)."""
    if "body" in context:
        body = re.sub(r"<pre(?=[ >])", '<pre tabindex="0"', context["body"])
        body = re.sub(r'<div class="math(?=[ "])', '<div tabindex="0" class="math', body)
        context["body"] = body.replace('<div class="table-wrapper', '<div tabindex="0" class="table-wrapper')


def setup(app):
    app.connect("html-page-context", label_caption_headings, priority=600)  # after furo
    app.connect("html-page-context", focusable_scroll_regions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
