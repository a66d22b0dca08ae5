"""Run a tutorial in one click: launchers beside its downloads, and notebooks that set themselves up.

With ``blitz_repository_url`` set (BLITZ_REPOSITORY_URL), each tutorial page
offers "Run in Google Colab" and "Run on Binder", both opening the notebook
of the page's language from the branch ``blitz_notebooks_branch``, which the
publishing workflow fills with ``tools/publish_notebooks.py``
(``notebook_path`` is the one place that names those files). Every tutorial
page, with or without it, has a "Run it on your computer" box: the pip line,
a mirror for when the package index is slow, and the notebook download.

``install_cell`` is the first cell of every notebook (translated_downloads
writes it, its comment and message in the page's language, from the theme
catalog; sphinx-gallery's own notebooks take the English one as
``first_notebook_cell``): it installs what a hosted service lacks (mlxtend on
Colab), at the versions the site was built with, and carries on offline.
"""

import re
import textwrap
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

from sphinx.locale import get_translation

_ = get_translation("sphinx")
ROOT = Path(__file__).resolve().parents[2]

# Import name -> distribution name, for what the tutorials import beyond the standard library.
TUTORIAL_PACKAGES = {
    "torch": "torch",
    "torchvision": "torchvision",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "networkx": "networkx",
    "sklearn": "scikit-learn",
    "mlxtend": "mlxtend",
}
# A package index mirror in mainland China, for when pypi.org is slow.
PYPI_MIRROR = "https://pypi.tuna.tsinghua.edu.cn/simple"


def pinned_versions():
    """Distribution name -> the version requirements.txt pins."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines():
        match = re.match(r"([\w.-]+)(?:\[[^]]*\])?==([\w.]+)", line)
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def requirements():
    """The tutorials' packages, pinned as the site was built: ["torch==2.14.1", ...]."""
    pins = pinned_versions()
    return [f"{dist}=={pins[dist]}" for dist in TUTORIAL_PACKAGES.values()]


def install_cell(translate=str):
    """The notebooks' first cell: install only what is missing; a failed install is reported, not raised.

    ``translate`` gives its comment and message in the notebook's language (the theme
    catalog's gettext; conf.py's English default is the identity).
    """
    wanted = dict(zip(TUTORIAL_PACKAGES, requirements()))
    comment = translate(
        "Installs what this notebook needs and the service lacks (on Colab: mlxtend); "
        "where everything is installed, it does nothing."
    )
    failed = translate("Could not install {packages}: install them, then run this notebook again.")
    comment_lines = textwrap.wrap(str(comment), width=78, break_long_words=False, break_on_hyphens=False)
    return (
        "".join(f"# {line}\n" for line in comment_lines)
        + "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        f"wanted = {wanted!r}\n"
        "missing = [pin for module, pin in wanted.items() if importlib.util.find_spec(module) is None]\n"
        "if missing:\n"
        '    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing])\n'
        "    if install.returncode:\n"
        f'        print({str(failed)!r}.format(packages=" ".join(missing)))'
    )


def notebook_path(language, stem):
    """Where a language's notebook lies on the notebooks branch (tools/publish_notebooks.py writes it)."""
    return f"{language}/{stem}.ipynb"


def launcher_urls(repository_url, branch, path):
    """Service name -> the URL that opens ``path`` of ``branch`` of the GitHub repository."""
    owner_repo = urlsplit(repository_url).path.strip("/")
    return {
        "colab": f"https://colab.research.google.com/github/{owner_repo}/blob/{quote(branch)}/{quote(path)}",
        "binder": f"https://mybinder.org/v2/gh/{owner_repo}/{quote(branch)}?labpath={quote(path, safe='')}",
    }


def tutorial_stem(app, pagename):
    gallery = app.config.sphinx_gallery_conf["gallery_dirs"]
    if not pagename.startswith(f"{gallery}/"):
        return None
    stem = pagename.removeprefix(f"{gallery}/")
    return stem if (Path(app.srcdir, pagename + ".py")).exists() else None


def launchers_html(app, stem, notebook_href):
    """The launcher links (with a repository) and the run-it-yourself box."""
    config = app.config
    parts = []
    if config.blitz_repository_url:
        urls = launcher_urls(config.blitz_repository_url, config.blitz_notebooks_branch,
                             notebook_path(config.language, stem))
        labels = {"colab": _("Run in Google Colab"), "binder": _("Run on Binder")}
        parts += [
            f'<div class="sphx-glr-download blitz-launch blitz-launch-{service}">'
            f'<p><a class="reference external" href="{escape(url)}">{escape(labels[service])}</a></p></div>'
            for service, url in urls.items()
        ]
    pip = "pip install " + " ".join(requirements())
    notebook = (f'<a class="reference download internal" download="" href="{escape(notebook_href)}">'
                f"{escape(stem)}.ipynb</a>") if notebook_href else f"{escape(stem)}.ipynb"
    open_it = _('Then open the notebook in Jupyter:')
    parts.append(
        '<details class="blitz-run-locally">'
        f"<summary>{escape(_('Run it on your computer'))}</summary>"
        f"<p>{escape(_('Install the packages the tutorials use:'))}</p>"
        f'<div class="highlight"><pre>{escape(pip)}</pre></div>'
        f"<p>{escape(_('If the download is slow, use a mirror of the package index, for example:'))}</p>"
        f'<div class="highlight"><pre>{escape(pip)} -i {escape(PYPI_MIRROR)}</pre></div>'
        f"<p>{escape(open_it)}{'' if open_it.endswith('：') else ' '}{notebook}</p>"  # no space after full-width colon
        "</details>"
    )
    return "".join(parts)


FOOTER = re.compile(r'(<div class="sphx-glr-footer[^"]*"[^>]*>)(.*?)(</div>\s*</section>)', re.S)
NOTEBOOK_HREF = re.compile(r'href="([^"]+\.ipynb)"')


def add_launchers(app, pagename, templatename, context, doctree):
    """html-page-context: the launchers, inside sphinx-gallery's downloads footer."""
    stem = tutorial_stem(app, pagename) if doctree is not None else None
    if not stem or "body" not in context:
        return
    body = context["body"]
    footer = FOOTER.search(body)
    if footer is None:
        return
    href = NOTEBOOK_HREF.search(footer[2])
    html = launchers_html(app, stem, href[1] if href else None)
    context["body"] = body[: footer.end(2)] + html + body[footer.end(2):]


def setup(app):
    app.setup_extension("page_source_links")  # blitz_repository_url
    app.add_config_value("blitz_notebooks_branch", "notebooks", "html")
    app.connect("html-page-context", add_launchers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
