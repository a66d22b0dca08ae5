"""Each off-screen section's size, estimated from its content, for ``content-visibility: auto``.

``blitz.css`` lets the browser skip the sections of a page that are far from
the screen (issue 29); until it lays one out, a section is as tall as its
``contain-intrinsic-size``. One size for every section was wrong both ways:
a short one left a gap, and a long one (Part 2's "The computational graph",
3,300 px on a phone) overflowed into the next, so that tools that measure
skipped content (axe's target-size, in Lighthouse) found its last 中英对照
buttons on top of the next section's first ones.

This writes each section's own estimate on it (subsections too), from what it
holds, generous by design (a section laid out shorter than its estimate only
leaves a gap below it until the reader comes near, and then takes its real
height, which the browser remembers): code and output lines, its text set in
the narrowest phone's lines (CJK characters full width, others half), images
at their natural height, tables' rows and the margins of its blocks.
"""

import re
from html.parser import HTMLParser

LINE = 24  # px: one line of text, or of code with its line height
CODE_LINE = 21  # px
CHARS_PER_LINE = 14  # CJK characters on a 320 px phone, generously few (a Latin one counts half)
BLOCK = 24  # px: a block's margins
IMAGE_WIDTH = 700  # px: a figure's natural width when it gives none
SAFETY = 1.25
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "figure", "details", "table", "blockquote"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Content the reader does not see until asked, or read by screen readers only.
SKIPPED = ("katex-mathml", "blitz-original", "blitz-term-tip", "blitz-visually-hidden")


class Estimate(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.height = 0.0
        self.text = 0.0  # in CJK characters' widths
        self.stack = []  # (tag, skipped, code)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skipped = bool(self.stack and self.stack[-1][1]) or any(c in SKIPPED for c in classes) or "hidden" in attrs
        code = bool(self.stack and self.stack[-1][2]) or tag == "pre"
        if not skipped:
            if tag in BLOCKS or "math" in classes:
                self.flush()
                self.height += BLOCK
            if tag == "pre":
                self.height += 2 * BLOCK  # padding, and a scrollbar
            if tag == "tr":
                self.height += 2 * LINE
            if tag == "img":
                width, height = int(attrs.get("width") or IMAGE_WIDTH), int(attrs.get("height") or 0)
                self.height += height or width
        if tag not in VOID:
            self.stack.append((tag, skipped, code))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            return
        if self.stack and self.stack[-1][2]:
            self.height += data.count("\n") * CODE_LINE
            return
        text = " ".join(data.split())
        self.text += len(CJK.findall(text)) + 0.5 * len(CJK.sub("", text))

    def flush(self):
        """The text since the last block boundary, as lines (its last one partly filled)."""
        if self.text:
            self.height += (int(self.text // CHARS_PER_LINE) + 1) * LINE
            self.text = 0.0

    def result(self):
        self.flush()
        return round(self.height * SAFETY + 4 * LINE)


SECTION_TAG = re.compile(r"<(/?)section\b([^>]*)>")


def estimate(html):
    parser = Estimate()
    parser.feed(html)
    parser.close()
    return parser.result()


def with_sizes(body):
    """``body`` with an estimated ``contain-intrinsic-size`` on each section below the title."""
    opened, sizes = [], {}  # the open sections' start tags; each section's size by its tag's offset
    for match in SECTION_TAG.finditer(body):
        if not match[1]:
            opened.append(match)
        elif opened:
            start = opened.pop()
            if opened:  # not the title's own section
                sizes[start.start()] = (start, estimate(body[start.end():match.start()]))
    pieces, last = [], 0
    for offset in sorted(sizes):
        start, size = sizes[offset]
        pieces += [body[last:offset], f'<section style="contain-intrinsic-size: auto {size}px"{start[2]}>']
        last = start.end()
    pieces.append(body[last:])
    return "".join(pieces)


def size_sections(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = with_sizes(context["body"])


def setup(app):
    # After the extensions that rewrite the body (code tokens, 中英对照's page toggle), so it measures what is shown.
    app.connect("html-page-context", size_sections, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
