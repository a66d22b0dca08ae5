"""Keep no-op rebuilds fast: two start-up costs that Sphinx pays on every build.

Neither has a setting in Sphinx or sphinx-gallery, hence the code.
"""

import os
from pathlib import Path


def defer_matplotlib():
    """Import matplotlib when a tutorial runs, not on every build.

    sphinx-gallery imports matplotlib.pyplot while it reads its configuration
    (about 0.6 s), though only executing a tutorial needs it. It imports it
    again, with the Agg backend, before each tutorial runs (``reset_modules``),
    so skipping the early import (a private function) changes nothing else.
    MPLBACKEND keeps pyplot off any GUI backend.
    """
    import sphinx_gallery.gen_gallery

    os.environ.setdefault("MPLBACKEND", "agg")
    sphinx_gallery.gen_gallery._import_matplotlib = lambda: None


def cache_compiled_templates(app):
    """Keep Jinja's compiled templates between builds, in the doctree folder.

    Sphinx compiles the theme's templates anew in every build, no-op ones
    included, to render the search page; Jinja can cache the result.
    """
    from jinja2 import FileSystemBytecodeCache

    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        cache = Path(app.doctreedir, "jinja")
        cache.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


def setup(app):
    defer_matplotlib()
    app.connect("builder-inited", cache_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
