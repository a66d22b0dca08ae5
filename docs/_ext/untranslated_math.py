"""Keep display math out of the catalogs: a formula reads the same in every language."""

from docutils import nodes
from sphinx.transforms import SphinxTransform


class FormulasAreNotMessages(SphinxTransform):
    default_priority = 5  # before Sphinx extracts and translates messages

    def apply(self):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


def setup(app):
    app.add_transform(FormulasAreNotMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
