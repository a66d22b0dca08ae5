"""Figure alt texts in the page's language.

sphinx-gallery writes each figure as an ``image-sg`` directive whose ``:alt:``
is the figure's title (or, without one, the script's name). Its node,
``imgsgnode``, is not a docutils image, so Sphinx neither extracts that alt
text into the page's catalog nor translates it: Chinese pages said "plot 2
autograd". This transform, run before Sphinx's i18n (priority 20), turns each
such node into one that implements Sphinx's ``translatable`` interface, so
the alt text is a message of the page's own catalog (``nox -s catalogs``
adds it beside the page's other messages) and the zh build uses its
translation. sphinx-gallery's HTML and LaTeX writers render the node as
before.

sphinx-gallery joins a figure's suptitle and every panel's title into the
alt text; panel titles such as the digits under eight images are data, and
would make the message change with every training run. A figure with a
suptitle is named by it alone (sphinx-gallery has no setting for this, so
its private ``_matplotlib_fig_titles`` is wrapped).
"""

from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx_gallery.directives import (
    depart_imgsg_html,
    depart_imgsg_latex,
    imgsgnode,
    visit_imgsg_html,
    visit_imgsg_latex,
)


class translatable_imgsg(imgsgnode, addnodes.translatable):
    """sphinx-gallery's figure, whose alt text is a message."""

    def preserve_original_messages(self):
        self["original_alt"] = self["alt"]

    def apply_translated_message(self, original_message, translated_message):
        if self["alt"] == original_message:
            self["alt"] = translated_message

    def extract_original_messages(self):
        alt = self.get("original_alt", self["alt"])
        return [alt] if alt else []


class FigureAltTextsAreMessages(SphinxTransform):
    default_priority = 10  # before Sphinx's Locale transform (20) translates messages

    def apply(self):
        for node in list(self.document.findall(imgsgnode)):
            if isinstance(node, translatable_imgsg) or not node.get("alt"):
                continue
            figure = translatable_imgsg(node.rawsource, **node.attributes)
            # gettext records where a message comes from: the enclosing block.
            figure.source, figure.line = node.source or node.parent.source, node.line or node.parent.line
            figure.preserve_original_messages()
            node.replace_self(figure)


def name_figures_by_their_suptitle():
    from sphinx_gallery import scrapers

    all_titles = scrapers._matplotlib_fig_titles

    def figure_title(fig):
        suptitle = getattr(fig, "_suptitle", None)
        return suptitle.get_text() if suptitle is not None and suptitle.get_text() else all_titles(fig)

    scrapers._matplotlib_fig_titles = figure_title


def setup(app):
    app.setup_extension("sphinx_gallery.gen_gallery")
    name_figures_by_their_suptitle()
    app.add_node(
        translatable_imgsg,
        html=(visit_imgsg_html, depart_imgsg_html),
        latex=(visit_imgsg_latex, depart_imgsg_latex),
    )
    app.add_transform(FigureAltTextsAreMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
