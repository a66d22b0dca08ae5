"""Code blocks without the token spans that change nothing on the page.

Pygments wraps every token of a code block in a span: ``<span class="n">x</span>``
for a name, ``<span class="p">(</span>`` for punctuation, ``<span class="w"> </span>``
for whitespace. In the styles furo uses, a name, punctuation and whitespace have
no style but the code's own colour (whitespace no visible one), so these spans draw nothing the code
block would not draw without them; they only cost. Part 4's code held about
3,000 of them, 40 % of the elements the browser styled and laid out on a phone
(issue 29).

This keeps the spans whose class has a style of its own, in the light or the
dark style (read from the highlighters Sphinx itself uses, so another theme or
style keeps what it colours), and unwraps the others into plain text; the text
is byte for byte the same, so copying, search and the Markdown twins read the
same code. The spans inside a code link (``<a …><span class="n">x</span></a>``)
stay: there their colour overrides the link's.
"""

import re

# One rule of a Pygments stylesheet: ".highlight .n { color: #1E1E1E }" (and the base ".highlight { ... }").
RULE = re.compile(r"^\.highlight(?: \.([\w-]+))?\s*\{([^}]*)\}", re.M)
PRE = re.compile(r"(<pre[ >])(.*?)(</pre>)", re.S)
# A code block's content: links opening and closing, tokens, and everything else.
PIECE = re.compile(
    r'(?P<open><a\b[^>]*>)|(?P<close></a>)|<span class="(?P<token>[\w-]+)">(?P<text>[^<]*)</span>|[^<]+|<', re.S
)


def declarations(text):
    return frozenset(part.strip() for part in text.split(";") if part.strip())


def plain_classes(stylesheets):
    """Token classes whose only style, in every stylesheet, is the code's own colour (or none)."""
    plain = None
    for css in stylesheets:
        rules = {name: declarations(body) for name, body in RULE.findall(css)}
        base_color = {d for d in rules.get("", ()) if d.startswith("color:")}
        here = {name for name, style in rules.items() if name and style <= base_color}
        if all(d.startswith("color:") for d in rules.get("w", ())):
            here.add("w")  # whitespace: a colour draws nothing on it
        here |= {"n", "p", "w"} - set(rules)  # no rule at all: no style either
        plain = here if plain is None else plain & here
    return frozenset(plain or ())


def unwrap_plain_tokens(html, plain):
    """``html`` with the plain tokens of its code blocks as text, except inside links."""

    def block(match):
        depth = 0  # inside a code link (its tokens may span several spans: data.shape)
        pieces = []
        for piece in PIECE.finditer(match[2]):
            if piece["open"]:
                depth += 1
            elif piece["close"]:
                depth -= 1
            elif piece["token"] in plain and not depth:
                pieces.append(piece["text"])
                continue
            pieces.append(piece[0])
        return match[1] + "".join(pieces) + match[3]

    return PRE.sub(block, html)


def stylesheets(app):
    """The light and the dark Pygments stylesheets of the page (furo's ``pygments_dark_style``)."""
    from sphinx.highlighting import PygmentsBridge

    sheets = [app.builder.highlighter.get_stylesheet()]
    dark = getattr(app.config, "pygments_dark_style", None)
    if dark:
        sheets.append(PygmentsBridge("html", dark).get_stylesheet())
    return sheets


def remember_plain_classes(app):
    if app.builder.format == "html":
        app.builder.blitz_plain_tokens = plain_classes(stylesheets(app))


def lighter_code(app, pagename, templatename, context, doctree):
    plain = getattr(app.builder, "blitz_plain_tokens", None)
    if plain and "body" in context:
        context["body"] = unwrap_plain_tokens(context["body"], plain)


def setup(app):
    app.connect("builder-inited", remember_plain_classes, priority=900)  # after furo sets the dark style
    app.connect("html-page-context", lighter_code)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
