"""Record each tutorial execution, so tests and the benchmark can count them.

sphinx-gallery calls the functions named in ``reset_modules`` before and
after it executes a tutorial; ``record_execution`` is one of them. With
``BLITZ_EXECUTION_LOG`` set, it appends ``<language> <script>`` to that file.
"""

import os

# The language being built: reset_modules hooks see only sphinx-gallery's config.
current_language = None


def record_execution(gallery_conf, fname, when):
    log = os.environ.get("BLITZ_EXECUTION_LOG")
    if log and fname and when == "before":
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{current_language} {fname}\n")


def remember_language(app, config):
    global current_language
    current_language = config.language


def setup(app):
    app.connect("config-inited", remember_language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
