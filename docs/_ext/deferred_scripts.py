"""The site's scripts load with ``defer``: none holds up the first paint.

Sphinx and furo write the pages' scripts at the end of ``<body>`` without
``defer``. A browser then fetches them at high priority, and Lighthouse's
page-load simulation counts every high-priority script as render-blocking:
a tutorial's first contentful paint waited for eleven scripts that draw
nothing (issue 29). With ``defer`` they still run in the same order, once the
page is parsed and before ``DOMContentLoaded``, as they did at the end of the
body; nothing in them needs to run earlier. The search page keeps them as
they are: its template adds scripts of its own after them (searchtools.js,
the index), which use them as they load, and in Chinese an inline script
among them (its translated messages) would run before the scripts it uses.
So does any other page with an inline script among them.

sphinx-gallery adds ``sg-tags.js`` to every page; it filters a gallery
index by the tags of its examples, in the list (``sg-tag-list``) only a
gallery index has, so any other page is written without the script: one
request and one script run fewer on every page (an 85 ms task, measured on
the glossary page on Lighthouse's throttled phone).
"""

from sphinx.builders.html._assets import _JavaScript


TAGS_SCRIPT = "_static/sg-tags.js"


def defer_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts and "sg-tag-list" not in context.get("body", ""):
        scripts = context["script_files"] = [script for script in scripts if script.filename != TAGS_SCRIPT]
    if not scripts or pagename == "search" or any(not script.filename for script in scripts):
        return
    context["script_files"] = [
        script if {"defer", "async"} & set(script.attributes)
        else _JavaScript(script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"})
        for script in scripts
    ]


def setup(app):
    app.connect("html-page-context", defer_scripts, priority=900)  # after every extension added its scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
