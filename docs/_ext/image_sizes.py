"""Give every image in a page its width and height, so nothing shifts while it loads.

Neither docutils nor sphinx-gallery writes them. The size is read from the
image file Sphinx copies into ``_images``; CSS still scales the image down.
"""

import re
from pathlib import Path

from PIL import Image

IMG_WITHOUT_SIZE = re.compile(r'<img (?![^>]*\bwidth=)([^>]*?)src="([^"]*?_images/([^"/]+))"')


def image_sources(app):
    """Name in ``_images`` -> source file: Sphinx's image registry, then sphinx-gallery's figures.

    sphinx-gallery writes its figures as raw HTML (for srcset), so Sphinx's
    registry lacks them; they keep their name in the gallery's images folder.
    """
    sources = {path.name: path for path in Path(app.srcdir).rglob("images/*.png")}
    sources.update({name: Path(app.srcdir, source) for source, (_, name) in app.env.images.items()})
    return sources


def add_image_sizes(app, pagename, templatename, context, doctree):
    if "body" not in context:
        return
    sources = image_sources(app)

    def sized(match):
        before, src, name = match.groups()
        source = sources.get(name)
        if source is None or source.suffix.lower() == ".svg" or not source.is_file():
            return match.group(0)
        with Image.open(source) as image:
            width, height = image.size
        return f'<img {before}src="{src}" width="{width}" height="{height}"'

    context["body"] = IMG_WITHOUT_SIZE.sub(sized, context["body"])


def setup(app):
    app.connect("html-page-context", add_image_sizes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
