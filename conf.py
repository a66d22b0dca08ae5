"""Sphinx configuration for the Blitz site (English source, zh_CN translation).

Built twice by ``nox -s docs``: once in English, once with ``-D language=zh_CN``.
Helper code lives in ``tools/blitz_docs.py``.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs" / "_ext"))

project = "Blitz"
author = "the Blitz contributors"
language = "en"

extensions = [
    "katex_local",  # docs/_ext: formulas rendered at build time, no math JavaScript
    "image_sizes",  # docs/_ext: width and height on every image
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "blitz_docs",
]

# Paths in this block are relative to the source folder, docs/.
exclude_patterns = [
    # Our landing page introduces the tutorials; the gallery's generated index
    # keeps its thumbnail titles in raw HTML, which cannot be translated.
    "tutorials/index.rst",
]
locale_dirs = ["../locales/"]
gettext_compact = False  # one catalog per page, so translators see one file per tutorial
gettext_uuid = False
gettext_location = True

templates_path = ["docs/_templates"]
html_static_path = ["docs/_static"]
html_css_files = ["blitz.css"]
html_js_files = ["blitz.js"]
html_theme = "furo"
html_favicon = "docs/_static/favicon.svg"
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

html_show_sphinx = False
html_use_index = False  # the tutorials define no index entries

# Settings that differ by language; blitz_docs applies those of the build's language.
blitz_per_language = {
    "html_title": {
        "en": "Deep Learning with PyTorch: A 60 Minute Blitz",
        "zh_CN": "PyTorch 深度学习：60 分钟入门",
    },
    "copyright": {
        "en": "2026, the Blitz contributors",
        "zh_CN": "2026，Blitz 贡献者",
    },
}
# The languages of the site, each named in its own language for the switcher.
blitz_languages = {"en": "English", "zh_CN": "简体中文"}
# Where the site is served (its root holds en/ and zh_CN/); canonical links,
# hreflang alternates and sitemap.xml use it. Publishing sets BLITZ_SITE_URL.
blitz_site_url = os.environ.get("BLITZ_SITE_URL", "http://localhost:8000/")

# Formulas become HTML and MathML at build time (node and npm's katex, pinned in package.json).
katex_prerender = True
katex_js_path = str(Path(__file__).resolve().parent / "node_modules" / "katex" / "dist" / "katex.min.js")

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

# Chinese search splits words with jieba. Without this, Sphinx re-loads jieba's
# whole dictionary as a user dictionary on every build, no-op ones included
# (about 2.5 s); jieba still loads it once when a page is actually indexed.
html_search_options = {"dict": ""}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "tutorials",
    "filename_pattern": r"/plot_\d_",
    "within_subsection_order": "FileNameSortKey",
    # No running-time line: it changes on every run, and with it the msgid.
    "min_reported_time": float("inf"),
    "write_computation_times": False,
    "show_signature": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib", "blitz_docs.record_execution"),
    # The landing page shows thumbnails 126 px wide: about twice that serves sharp screens.
    "thumbnail_size": (250, 175),
}
