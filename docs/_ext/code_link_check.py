"""linkcheck checks the links in the code blocks too.

sphinx-gallery adds its code links (names linked to their reference through
intersphinx) in a post-transform that runs for HTML builders only, so Sphinx's
``linkcheck`` never sees them. This runs the same transform for ``linkcheck``,
so the publishing workflow checks every link a reader can click.
"""

from sphinx_gallery._doctree_links import CodeLinksTransform


class CodeLinksForLinkcheck(CodeLinksTransform):
    builders = ("linkcheck",)
    formats = ()


def setup(app):
    app.setup_extension("sphinx_gallery.gen_gallery")
    app.add_post_transform(CodeLinksForLinkcheck)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
