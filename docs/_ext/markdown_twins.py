"""A Markdown twin of every page, for readers who paste the docs into an AI assistant, and llms.txt.

Each built page ``<page>.html`` gets ``<page>.md`` beside it: its main content
(``article``), as the reader of that language sees it, written as CommonMark by
the conversion the notebooks use (``commonmark``: pandoc, with dropdowns as
``<details>`` and formulas between dollars). Left out: what is not the page's
text (permalinks, the English originals and tooltips beside a translation,
buttons, the downloads footer). Each language's root gets an ``llms.txt``
(https://llmstxt.org) that lists every page's twin, as the official PyTorch
tutorials' theme has done since 2025.

Every page names its twin in its head (``<link rel="alternate"
type="text/markdown">``); a tutorial also lists it among its downloads.
"""

from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup, SoupStrainer
from sphinx.locale import get_translation

import commonmark
from notebook_launchers import FOOTER
from translated_downloads import write_if_changed

_ = get_translation("sphinx")
# Not the page's text: permalinks, English originals and tooltips, buttons, the downloads footer.
LEFT_OUT_TAGS = {"nav", "button", "script", "style", "noscript"}
LEFT_OUT_CLASSES = {"headerlink", "blitz-original", "blitz-term-tip", "blitz-visually-hidden", "sphx-glr-footer",
                    "sphx-glr-download-link-note", "sphx-glr-signature", "sphx-glr-timing", "blitz-feedback"}
MAIN = SoupStrainer("article", attrs={"role": "main"})


def left_out(tag):
    return tag.name in LEFT_OUT_TAGS or not LEFT_OUT_CLASSES.isdisjoint(tag.get("class") or ())


def twin_name(pagename):
    return pagename.rsplit("/", 1)[-1] + ".md"


def has_twin(app, pagename, doctree):
    return app.builder.format == "html" and doctree is not None


def link_twin(app, pagename, templatename, context, doctree):
    """html-page-context: the head names the twin; a tutorial's downloads list it."""
    if not has_twin(app, pagename, doctree):
        return
    name = twin_name(pagename)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="text/markdown" href="{escape(name)}">')
    body = context.get("body", "")
    footer = FOOTER.search(body)
    if footer is None:
        return
    label = escape(_("Download Markdown: %(file)s") % {"file": name})
    link = (f'<div class="sphx-glr-download blitz-download-markdown docutils container"><p>'
            f'<a class="reference download internal" download="" href="{escape(name)}">'
            f'<code class="xref download docutils literal notranslate">{label}</code></a></p></div>')
    context["body"] = body[: footer.end(2)] + link + body[footer.end(2):]


def page_markdown(html_path):
    """The page's main content as CommonMark (only that part of the page is made a tree)."""
    html = html_path.read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser", parse_only=MAIN).find("article")
    if article is None:
        article = BeautifulSoup(html, "html.parser").body
    for tag in article.find_all(left_out):
        tag.decompose()
    return commonmark.page_to_markdown(article)


def write_twins(app, exception):
    """build-finished: the twin of each page written since its twin was, and the language's llms.txt."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stale = []
    for docname in sorted(app.env.found_docs):
        html_path = outdir / app.builder.get_target_uri(docname)
        twin = html_path.with_suffix(".md")
        if html_path.suffix != ".html" or not html_path.exists():
            continue
        if not twin.exists() or twin.stat().st_mtime < html_path.stat().st_mtime:
            stale.append(html_path)
    # Two pages at a time: while one waits for pandoc (a subprocess), the other is parsed.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for html_path, markdown in zip(stale, pool.map(page_markdown, stale)):
            twin = html_path.with_suffix(".md")
            write_if_changed(twin, markdown.encode())
            twin.touch()  # newer than its page, so that a rebuild with nothing written converts nothing
    write_if_changed(outdir / "llms.txt", llms_txt(app).encode())


def page_title(app, docname):
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def llms_txt(app):
    """https://llmstxt.org: the site's title, what it is, then every page's Markdown twin."""
    config, env = app.config, app.env
    base = f"{config.blitz_site_url.rstrip('/')}/{config.language}/" if config.blitz_site_url else ""
    title = config.html_title
    summary = _("Deep Learning with PyTorch: a 60 minute blitz, in four tutorials that run, and an optional fifth. "
                "Each page below is the Markdown of the page of the same name.")
    lines = [f"# {title}", "", f"> {summary}", "", f"## {_('Pages')}", ""]
    root = config.root_doc
    for docname in [root, *sorted(d for d in env.found_docs if d != root)]:
        target = app.builder.get_target_uri(docname)
        if not target.endswith(".html") or not (Path(app.outdir) / target).with_suffix(".md").exists():
            continue
        lines.append(f"- [{page_title(app, docname)}]({base}{target.removesuffix('.html')}.md)")
    return "\n".join(lines) + "\n"


def setup(app):
    app.setup_extension("translated_downloads")
    app.connect("html-page-context", link_twin, priority=400)  # before notebook_launchers: downloads, then launchers
    app.connect("build-finished", write_twins)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
