"""Images that cost a reader on a phone little: small files, no layout shift, no early download.

* Figures are saved as lossless WebP (``webp_figures``, the gallery's image
  scraper): the same pixels as PNG in about 40 % of the bytes.
* Sphinx's HTML builder does not list WebP among its image types, though
  every current browser shows it; listed first, it lets ``thumb.*`` in the
  landing page pick the WebP thumbnail, or sphinx-gallery's PNG placeholder
  when the tutorials did not run.
* Every image gets its width and height, read from the file Sphinx copies into
  ``_images``, so nothing shifts while it loads; CSS still scales it down.
  Neither docutils nor sphinx-gallery writes them.
* Tutorial figures load lazily: each follows the code that draws it, so none
  opens a page, and a phone fetches them only as the reader scrolls near.
  Thumbnails, which may be the first thing a page shows, load at once.
"""

import re
from pathlib import Path

from PIL import Image
from sphinx_gallery.scrapers import matplotlib_scraper

IMG_TAG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]*?_images/([^"/]+))"')
TUTORIAL_FIGURE = re.compile(r'\bclass\s*=\s*"[^"]*\bsphx-glr-(single|multi)-img\b')
FIGURE_SUFFIXES = {".png", ".webp", ".jpg", ".jpeg", ".gif"}
# savefig's arguments. Method 4 (libwebp's default), not 6: measured on our eleven figures, 6 took
# 0.36 s more per language (0.29 s of it Part 5's photograph) and made no file smaller by 1 %.
WEBP = {"format": "webp", "pil_kwargs": {"lossless": True, "method": 4}}


def webp_figures(block, block_vars, gallery_conf):
    """sphinx-gallery's matplotlib scraper, saving lossless WebP instead of PNG."""
    return matplotlib_scraper(block, block_vars, gallery_conf, **WEBP)


def image_sources(app):
    """Name in ``_images`` -> source file: Sphinx's image registry, then sphinx-gallery's figures.

    sphinx-gallery writes its figures as raw HTML (for srcset), so Sphinx's
    registry lacks them; they keep their name in the gallery's images folder.
    """
    sources = {
        path.name: path for path in Path(app.srcdir).rglob("images/*") if path.suffix.lower() in FIGURE_SUFFIXES
    }
    sources.update({name: Path(app.srcdir, source) for source, (_, name) in app.env.images.items()})
    return sources


def lighten_images(app, pagename, templatename, context, doctree):
    if "body" not in context:
        return
    sources = image_sources(app)

    def lightened(match):
        tag = match.group(0)
        extra = []
        src = SRC.search(tag)
        source = src and sources.get(src.group(2))
        if " width=" not in tag and source and source.suffix.lower() in FIGURE_SUFFIXES and source.is_file():  # not SVG
            with Image.open(source) as image:
                extra.append('width="{}" height="{}"'.format(*image.size))
        if " loading=" not in tag and TUTORIAL_FIGURE.search(tag):
            extra.append('loading="lazy" decoding="async"')
        return tag.replace("<img ", f"<img {' '.join(extra)} ", 1) if extra else tag

    context["body"] = IMG_TAG.sub(lightened, context["body"])


def accept_webp(app):
    if app.builder.format == "html" and "image/webp" not in app.builder.supported_image_types:
        app.builder.supported_image_types = ["image/webp", *app.builder.supported_image_types]


def setup(app):
    app.connect("builder-inited", accept_webp)
    app.connect("html-page-context", lighten_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
