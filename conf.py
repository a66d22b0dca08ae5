"""Sphinx configuration for the Blitz site: settings only.

``nox -s docs`` builds it once per language (``-D language=<code>``), in the
order of ``blitz_languages`` below. The code that runs inside the build is in
``docs/_ext/``, one extension per job, each named in ``extensions``.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from notebook_launchers import install_cell  # noqa: E402  (the notebooks' first cell)

project = "Blitz"
author = "the Blitz contributors"

# The languages of the site, the source first. This is the one list: the build,
# the checks, the catalog commands, the root pages and the tests read it.
# Adding a language is an entry here plus locales/<code>/LC_MESSAGES/.
blitz_languages = {
    "en": {
        "name": "English",
        "html_title": "Deep Learning with PyTorch: A 60 Minute Blitz",
        "copyright": "2026, the Blitz contributors",
    },
    "zh_CN": {
        "name": "简体中文",
        "html_title": "PyTorch 深度学习：60 分钟入门",
        "copyright": "2026，Blitz 贡献者",
    },
}
language = next(iter(blitz_languages))

# Where the site is served (its root holds one folder per language). Canonical
# links, hreflang alternates, sitemap.xml and 404.html need it, and are left
# out when it is not set. Publishing sets BLITZ_SITE_URL.
blitz_site_url = os.environ.get("BLITZ_SITE_URL", "")

# The repository the site is built from (https://github.com/<owner>/<name>):
# each page then links to the file that fixes it (its catalog, or its source).
# Publishing sets BLITZ_REPOSITORY_URL; without it no such link is shown.
blitz_repository_url = os.environ.get("BLITZ_REPOSITORY_URL", "")
# The branch of that repository where publishing puts the notebooks (tools/publish_notebooks.py),
# which the tutorials' "Run in Google Colab" and "Run on Binder" links open.
blitz_notebooks_branch = "notebooks"

extensions = [
    "sphinx_copybutton",
    "sphinx.ext.intersphinx",  # names in code and roles link to each project's reference
    "sphinx_gallery.gen_gallery",
    "sphinxext.opengraph",
    "sphinx_design",  # the dropdowns that hide the solutions of the exercises
    "myst_parser",  # MyST Markdown pages; none yet, README ("Translating") says why
    # Ours, in docs/_ext/:
    "input_checks",  # refuse a damaged glossary, language list, query set or script before anything runs
    "myst_quiet",  # myst_parser without its configuration dump on every build
    "build_lock",  # one build of this checkout at a time (nox -s docs beside nox -s serve)
    "katex_local",  # formulas rendered at build time, no math JavaScript
    "light_images",  # WebP figures, sized, loaded lazily
    "site_languages",  # per-language settings and the links between languages
    "catalog_checks",  # refuse a broken catalog before anything is built
    "untranslated_math",  # display formulas are not messages
    "translated_downloads",  # tutorial downloads in the reader's language
    "translation_pages",  # the translation-status and glossary tables
    "tutorial_runs",  # tutorials run in a scratch folder, time-limited, never half-cached
    "html_accessibility",  # ARIA and keyboard fixes to Sphinx's and furo's HTML
    "deferred_scripts",  # the site's scripts load with defer, after the first paint
    "plain_code_tokens",  # code blocks without the token spans that draw nothing (a phone lays out fewer nodes)
    "section_sizes",  # each section's estimated size, for content-visibility: auto (blitz.css)
    "build_speed",  # keep no-op rebuilds fast
    "build_timing",  # where a build's time goes, per extension and phase (nox -s bench)
    "theme_strings",  # furo's literal English becomes translatable
    "figure_alt",  # alt texts of sphinx-gallery figures are messages
    "hidden_messages",  # messages that are not prose: figures' words, code comments
    "figure_words",  # figures redrawn in the page's language from the one run
    "code_comments",  # comments and docstrings in code blocks are messages
    "search_words",  # search: Chinese split alike on both sides, ranked by word counts
    "parallel_reading",  # 中英对照: each translated block carries its English original
    "glossary_terms",  # glossary terms in translated prose show their English term
    "page_source_links",  # each page links to the file that improves it (blitz_repository_url)
    "built_with",  # each tutorial says which torch, torchvision and Python ran it, and when
    "translation_lag",  # English shown on a translated page says so, and links to its catalog line
    "code_link_check",  # linkcheck sees the code blocks' links too
    "notebook_launchers",  # Colab, Binder and run-it-yourself beside each tutorial's downloads
    "markdown_twins",  # each page as Markdown beside its HTML, and llms.txt, for AI assistants
    "landing_downloads",  # the landing page's zips of every script and notebook, and the book
    "feedback_link",  # each page links to a pre-filled issue (blitz_repository_url)
    "page_descriptions",  # search snippets: the opening prose as it reads, for sphinxext-opengraph to write
]

# Paths are absolute, so that every setting reads them the same way.
templates_path = [str(ROOT / "docs" / "_templates")]
html_static_path = [str(ROOT / "docs" / "_static")]
locale_dirs = [str(ROOT / "locales")]
exclude_patterns = [
    # Our landing page introduces the tutorials; the gallery's generated index
    # keeps its thumbnail titles in raw HTML, which cannot be translated.
    "tutorials/index.rst",
    "_ext",
]
gettext_compact = False  # one catalog per page, so translators see one file per tutorial
gettext_uuid = False
gettext_location = True

html_css_files = ["blitz.css"]
html_js_files = ["blitz.js"]
html_theme = "furo"
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_use_index = False  # the tutorials define no index entries

# Formulas become HTML and MathML at build time (node and npm's katex, pinned in package.json).
katex_prerender = True
katex_js_path = str(ROOT / "node_modules" / "katex" / "dist" / "katex.min.js")

html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "language-switch.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}

copybutton_exclude = ".linenos, .gp, .go"

# Meta description and Open Graph tags; no generated social-card images.
ogp_social_cards = {"enable": False}
ogp_site_url = blitz_site_url

# Chinese search splits words with jieba. Without this, Sphinx re-loads jieba's
# whole dictionary as a user dictionary on every build, no-op ones included
# (about 2.5 s); jieba still loads it once when a page is actually indexed.
html_search_options = {"dict": ""}

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "tutorials",
    "filename_pattern": r"/plot_\d_",
    "within_subsection_order": "FileNameSortKey",
    # No running-time line: it changes on every run, and with it the msgid.
    "min_reported_time": float("inf"),
    "write_computation_times": False,
    "show_signature": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib", "tutorial_runs.on_each_run", "built_with.record_versions"),
    "reset_modules_order": "both",  # tutorial_runs starts and stops its clock around each run
    # The landing page shows thumbnails 126 px wide: about twice that serves sharp screens.
    "thumbnail_size": (250, 175),
    # Figures as lossless WebP, each also pickled so that translations redraw it (figure_words).
    "image_scrapers": ("figure_words.scrape_and_keep",),
    # The gallery's own style only: no tutorial shows a Binder badge, a DataFrame or HTML
    # output, and each style sheet is one more request before a phone paints the page.
    "css": ("sg_gallery",),
    # Every notebook first installs what a hosted service lacks, at the versions of
    # requirements.txt; offline it carries on. (The downloads, written by translated_downloads,
    # take this cell in the page's language.)
    "first_notebook_cell": install_cell(),
}
# Where names link: each project's own reference, English on every page (there is no
# official Chinese one). The build reads the inventories kept in docs/_inventories/
# (tools/make_inventories.py writes them; no network needed). Publishing sets
# BLITZ_LIVE_INVENTORIES=1 to read the projects' live ones, and checks every link.
blitz_references = {
    "python": "https://docs.python.org/3/",
    "torch": "https://docs.pytorch.org/docs/stable/",
    "torchvision": "https://docs.pytorch.org/vision/stable/",
    "numpy": "https://numpy.org/doc/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
blitz_live_inventories = os.environ.get("BLITZ_LIVE_INVENTORIES") == "1"
intersphinx_mapping = {
    project: (url, None if blitz_live_inventories else str(ROOT / "docs" / "_inventories" / f"{project}.inv"))
    for project, url in blitz_references.items()
}
intersphinx_timeout = 10  # seconds; a live inventory that does not answer fails the build, never hangs it
linkcheck_timeout = 20
linkcheck_anchors = True

# Seconds a tutorial may run before the build stops it and names the line it was at.
blitz_tutorial_time_limit = 300
