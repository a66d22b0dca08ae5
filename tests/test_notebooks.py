"""Run it in one click: launchers that open the published notebooks, notebooks that run on their own.

The services themselves (Colab, Binder) are out of reach; these tests go up to
what they receive: the URL on the page, the file the publishing step puts on
the notebooks branch, and a notebook that runs top to bottom in a fresh kernel.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from site_facts import LANGUAGES, PARTS, run_tool

BRANCH = "notebooks"  # conf.py's blitz_notebooks_branch


def soup(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def downloaded_notebook(html, language, part):
    """The notebook a tutorial page offers for download, as a path in the built site."""
    link = soup(html / language / part).select_one(".sphx-glr-download-jupyter a[href$='.ipynb']")
    return (html / language / part).parent / link["href"]


def test_launchers_open_the_files_publishing_puts_on_the_branch(site, site_with_repository, tmp_path):
    published = tmp_path / "branch"
    result = run_tool(site.root, "publish_notebooks.py", "--site", site_with_repository, published)
    assert result.returncode == 0, result.stdout
    for language in LANGUAGES:
        for part in PARTS:
            page = soup(site_with_repository / language / part)
            colab = page.select_one(".blitz-launch-colab a")["href"]
            binder = page.select_one(".blitz-launch-binder a")["href"]
            prefix = f"https://colab.research.google.com/github/example/blitz/blob/{BRANCH}/"
            assert colab.startswith(prefix), colab
            colab_path = unquote(colab.removeprefix(prefix))
            url = urlsplit(binder)
            assert f"{url.scheme}://{url.netloc}{url.path}" == f"https://mybinder.org/v2/gh/example/blitz/{BRANCH}"
            binder_path = parse_qs(url.query)["labpath"][0]
            assert colab_path == binder_path == f"{language}/{Path(part).stem}.ipynb"
            # The launched file is the very notebook this page offers for download, in its language.
            assert (published / colab_path).read_bytes() == downloaded_notebook(
                site_with_repository, language, part).read_bytes()
    requirements = (published / "requirements.txt").read_text()
    assert "mlxtend==" in requirements and "download.pytorch.org/whl/cpu" in requirements


def test_no_launcher_without_a_repository_but_a_way_to_run_it_locally(site):
    for language in LANGUAGES:
        for part in PARTS:
            page = soup(site.html / language / part)
            assert not page.select(".blitz-launch"), f"{language}/{part}"
            box = page.select_one(".sphx-glr-footer details.blitz-run-locally")
            commands = [pre.get_text() for pre in box.select("pre")]
            assert commands[0].startswith("pip install torch==") and "mlxtend==" in commands[0]
            assert commands[1].startswith(commands[0] + " -i https://")
            # The notebook link works where the site is opened from a file: a relative path that exists.
            href = box.select_one("a[href$='.ipynb']")["href"]
            assert not urlsplit(href).scheme and ((site.html / language / part).parent / href).exists()
    zh = soup(site.html / LANGUAGES[1] / PARTS[0]).select_one("details.blitz-run-locally summary").get_text()
    assert zh == "在自己的电脑上运行"


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebooks_start_by_installing_what_is_missing(site, language):
    for part in PARTS:
        notebook = json.loads(downloaded_notebook(site.html, language, part).read_text(encoding="utf-8"))
        first = "".join(notebook["cells"][0]["source"])
        assert notebook["cells"][0]["cell_type"] == "code"
        assert "'mlxtend': 'mlxtend==" in first and "find_spec" in first and "check=True" not in first


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def same_output(page_text, notebook_text, tolerance):
    """Equal text; numbers equal, or within ``tolerance`` percent (at least 1: a point of accuracy)."""
    if NUMBER.sub("#", page_text.strip()) != NUMBER.sub("#", notebook_text.strip()):
        return False
    pairs = [(float(a), float(b)) for a, b in zip(NUMBER.findall(page_text), NUMBER.findall(notebook_text))]
    return all(abs(a - b) <= (max(1.0, abs(a) * tolerance / 100) if tolerance else 0) for a, b in pairs)


def printed_outputs(notebook):
    """Each code cell's printed text, for the cells that print (the first, installing, cell aside)."""
    texts = []
    for cell in notebook["cells"][1:]:
        if cell["cell_type"] == "code":
            text = "".join("".join(o["text"]) for o in cell.get("outputs", []) if o["output_type"] == "stream")
            if text:
                texts.append(text)
    return texts


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_notebook_runs_in_a_fresh_kernel_and_prints_what_the_page_shows(site, language, part, tmp_path):
    """nbclient in a new kernel, in an empty folder, without the site's extensions on the path."""
    import nbclient
    import nbformat

    notebook = nbformat.read(downloaded_notebook(site.html, language, part), as_version=4)
    # A last cell, ours: can the kernel import the site's build extensions? It must not.
    notebook.cells.append(nbformat.v4.new_code_cell(
        'import importlib.util\nprint("extensions importable:", importlib.util.find_spec("tutorial_runs") is not None)'))
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BLITZ_EXECUTION_LOG")}
    environment["MPLBACKEND"] = "Agg"
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
    )
    original = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)  # the kernel inherits this environment
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(original)
    printed = printed_outputs(notebook)
    assert printed.pop() == "extensions importable: False\n"
    shown = [pre.get_text() for pre in soup(site.html / language / part).select("div.sphx-glr-script-out pre")]
    # Part 4: accuracy within a point; Part 5 too, and the seconds its workers take to start.
    tolerance = 1 if part.endswith(("classifier.html", "own_data.html")) else 0
    assert len(printed) == len(shown), f"{language}/{part}: {len(printed)} printing cells, the page shows {len(shown)}"
    for page_text, notebook_text in zip(shown, printed):
        assert same_output(page_text, notebook_text, tolerance), f"page:\n{page_text}\nnotebook:\n{notebook_text}"


def test_install_cell_carries_on_when_pip_cannot_install(tmp_path):
    """Offline, or with a package pip cannot find, the first cell says so and the notebook goes on."""
    import subprocess
    import sys

    from notebook_launchers import install_cell

    cell = install_cell().replace("wanted = {", "wanted = {'blitz_no_such_module': 'blitz-no-such-package==1.0', ", 1)
    run = subprocess.run(
        [sys.executable, "-c", cell + "\nprint('next cell runs')"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path), "PIP_CONFIG_FILE": os.devnull},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "Could not install blitz-no-such-package==1.0" in run.stdout and run.stdout.endswith("next cell runs\n")
