"""Feedback from every page: a link that opens a new issue, pre-filled, on the site's repository.

With ``blitz_repository_url`` set (conf.py reads BLITZ_REPOSITORY_URL), every
page gets a link (``feedback-link.html``, in the page's language) to
``<repository>/issues/new?title=…&body=…``. The body names the page (title,
address, language), carries the page's built-with line (built_with) and a
short template: what I expected, what I saw. blitz.js adds the section the
reader was in when they clicked, and the page's address as the browser sees
it; without JavaScript the link works as written. Nothing is sent: the link
only opens GitHub's form, which the reader submits or not.

GitHub refuses URLs longer than about 8 KB; Chinese text triples in
percent-encoding, so the body stays short (MAX_URL, a test checks).
"""

from urllib.parse import urlencode

from sphinx.locale import get_translation

from built_with import built_with_line

_ = get_translation("sphinx")
MAX_URL = 4000  # characters; well under GitHub's limit, with room for the section blitz.js adds


def page_address(app, pagename):
    """The page's published address when the site URL is known, else its path under the site root."""
    site_url = app.config.blitz_site_url.rstrip("/")
    path = f"{app.config.language}/{pagename}.html"
    return f"{site_url}/{path}" if site_url else path


def issue_body(app, pagename, title):
    lines = [
        f"**{_('Page:')}** {title}",
        f"**{_('Address:')}** {page_address(app, pagename)}",
        f"**{_('Language:')}** {app.config.blitz_languages[app.config.language]['name']}",
    ]
    built_with = built_with_line(app, pagename, as_html=False)
    if built_with:
        lines.append(built_with)
    lines += ["", f"### {_('What I expected')}", "", "", f"### {_('What I saw')}", "", ""]
    return "\n".join(lines)


def add_feedback_link(app, pagename, templatename, context, doctree):
    """html-page-context: ``feedback_url`` and the section label for the template and blitz.js."""
    repository = app.config.blitz_repository_url.rstrip("/")
    if not repository:
        return
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else context.get("title", "")
    query = urlencode({
        "title": _("Feedback: %(page)s") % {"page": title},
        "body": issue_body(app, pagename, title),
    })
    url = f"{repository}/issues/new?{query}"
    if len(url) > MAX_URL:
        raise ValueError(f"{pagename}: the feedback link is {len(url)} characters long, over {MAX_URL}")
    context["feedback_url"] = url
    context["feedback_section_label"] = _("Section:")


def setup(app):
    app.setup_extension("page_source_links")  # blitz_repository_url
    app.setup_extension("built_with")
    app.connect("html-page-context", add_feedback_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
