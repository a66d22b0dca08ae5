"""Formulas rendered at build time by KaTeX, its stylesheet and fonts served by the site.

sphinxcontrib-katex prerenders every formula with node and the ``katex``
package that ``npm ci`` installs (pinned in package.json), so pages load no
math JavaScript. Its stylesheet would come from a CDN; this extension copies
``katex.min.css`` and the woff2 fonts into ``_static/katex/`` instead, and
fails the build on a formula that KaTeX could not render.
"""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC_FOLDER = "katex"  # under the build's _static/
# Every browser that can run the site reads woff2; the woff and ttf fallbacks would be dead links.
FALLBACK_FONTS = re.compile(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)')
# What KaTeX writes instead of a formula it cannot parse (throwOnError is off when prerendering).
KATEX_ERROR = re.compile(r'<span class="katex-error" title="([^"]*)"')


def katex_dist(app):
    """node_modules/katex/dist, next to the configured katex.min.js; a clear error when absent."""
    script = Path(app.config.katex_js_path)
    if not script.is_file():
        raise ConfigError(f"KaTeX not found at {script}: run `npm ci` in the repository root")
    return script.parent


def use_local_stylesheet(app, config):
    config.katex_css_path = f"{STATIC_FOLDER}/katex.min.css"
    katex_dist(app)


def copy_stylesheet_and_fonts(app, exception):
    if exception or app.builder.format != "html":
        return
    dist = katex_dist(app)
    target = Path(app.outdir, "_static", STATIC_FOLDER)
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    (target / "katex.min.css").write_text(FALLBACK_FONTS.sub("", css), encoding="utf-8")
    for font in (dist / "fonts").glob("*.woff2"):
        shutil.copy2(font, target / "fonts" / font.name)


def report_unrendered_formulas(app, pagename, templatename, context, doctree):
    for message in KATEX_ERROR.findall(context.get("body", "")):
        logger.warning("KaTeX could not render a formula: %s", message, location=pagename)


def stylesheets_only_where_formulas_are(app, pagename, templatename, context, doctree):
    """sphinxcontrib-katex adds its two stylesheets to every page; keep them on pages with math."""
    if 'class="katex"' not in context.get("body", "") and "css_files" in context:
        ours = {f"_static/{name}" for name in (app.config.katex_css_path, "katex-math.css")}
        context["css_files"] = [css for css in context["css_files"] if str(css.filename) not in ours]


def start_render_server_reliably():
    """Retry the connection to KaTeX's render server until node listens.

    sphinxcontrib-katex 0.9.11 connects to the server's Unix socket once, as
    soon as the socket file exists; node creates the file a moment before it
    listens, so on a busy machine the build failed with "Connection refused"
    and left node running. This start retries until the startup timeout and
    stops node when it gives up. (Its TCP start would retry too, but needs a
    loopback interface, which a build without any network may lack.)
    0.9.11 is still the latest release (December 2026); drop this when one retries.
    """
    from sphinxcontrib import katex

    def start_server_process(cls, rundir, timeout):
        socket_path = rundir / "katex.sock"
        process = subprocess.Popen(cls.build_command(socket=socket_path), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, cwd=rundir)
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(socket_path))
                return process, sock
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise cls.timeout_error(timeout) from None
                time.sleep(0.01)

    katex.KaTeXServer.start_server_process = classmethod(start_server_process)


def setup(app):
    app.setup_extension("sphinxcontrib.katex")
    start_render_server_reliably()
    app.connect("config-inited", use_local_stylesheet)
    app.connect("html-page-context", report_unrendered_formulas)
    app.connect("html-page-context", stylesheets_only_where_formulas_are)
    app.connect("build-finished", copy_stylesheet_and_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
