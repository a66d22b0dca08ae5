"""myst_parser without its configuration dump.

myst_parser logs its whole configuration (a screenful) at every build, as
an info message; that buries the lines a contributor needs. Its warnings
still show.
"""

import logging


def setup(app):
    # sphinx.util.logging.getLogger(__name__) in myst_parser/sphinx_ext/main.py
    logging.getLogger("sphinx.myst_parser.sphinx_ext.main").setLevel(logging.WARNING)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
