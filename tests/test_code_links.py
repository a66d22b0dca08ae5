"""Names in the tutorials' code and prose link to their reference, in every language, offline.

The ``site`` build runs without network where the machine allows it, so the
links come from the inventories kept in docs/_inventories/.
"""

import runpy
import zlib

import pytest
from bs4 import BeautifulSoup

from site_facts import LANGUAGES, PARTS, ROOT

REFERENCES = runpy.run_path(str(ROOT / "conf.py"))["blitz_references"]
# The named set: each name, and the address its link must have (each project's URL scheme).
NAMED = {
    "torch.autograd.grad": "torch/generated/torch.autograd.grad.html#torch.autograd.grad",
    "torch.nn.Conv2d": "torch/generated/torch.nn.Conv2d.html#torch.nn.Conv2d",
    "torch.optim.SGD": "torch/generated/torch.optim.SGD.html#torch.optim.SGD",
    "torch.utils.data.DataLoader": "torch/data.html#torch.utils.data.DataLoader",
    "torchvision.transforms.v2.Normalize":
        "torchvision/generated/torchvision.transforms.v2.Normalize.html#torchvision.transforms.v2.Normalize",
    "torch.Tensor.backward": "torch/generated/torch.Tensor.backward.html#torch.Tensor.backward",
}


def expected_url(target):
    project, page = target.split("/", 1)
    return REFERENCES[project] + page


def soup(site, language, name):
    return BeautifulSoup((site.html / language / name).read_text(encoding="utf-8"), "html.parser")


def code_links(page):
    """(title, href) of every link inside the page's code blocks."""
    return [(a.get("title", ""), a["href"]) for a in page.select("div[class^='highlight-'] pre a[href]")]


def test_code_blocks_link_to_the_references(site):
    counts = {}
    for name in PARTS:
        per_language = {}
        for language in LANGUAGES:
            links = code_links(soup(site, language, name))
            per_language[language] = links
            assert links, f"{language}/{name}: no links in the code blocks"
            for title, href in links:
                assert href.startswith(tuple(REFERENCES.values())), f"{language}/{name}: {title} -> {href}"
        counts[name] = len(per_language[LANGUAGES[0]])
        # The code is the same in every language, and so are its links.
        assert all(links == per_language[LANGUAGES[0]] for links in per_language.values()), name
    print("links in code blocks per page:", counts)
    assert sum(counts.values()) > 100


@pytest.mark.parametrize("name", NAMED)
def test_named_links(site, name):
    for language in LANGUAGES:
        hrefs = {href for part in PARTS for title, href in code_links(soup(site, language, part)) if title == name}
        assert hrefs == {expected_url(NAMED[name])}, f"{language}: {name} links to {hrefs or 'nothing'}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_roles_in_prose_link_like_the_code(site, language):
    """Python roles already in the prose (Part 2's :func:`...`) resolve through the same inventories."""
    page = soup(site, language, "tutorials/plot_2_autograd.html")
    prose = {a.get_text(): a["href"] for a in page.select("a.reference.external") if a.find("code")}
    assert prose["torch.autograd.functional.jacobian()"] == expected_url(
        "torch/generated/torch.autograd.functional.jacobian.html#torch.autograd.functional.jacobian")
    assert prose["torch.autograd.gradcheck()"].startswith(REFERENCES["torch"] + "generated/torch.autograd.gradcheck")


def test_kept_inventories_are_what_the_tool_writes():
    """docs/_inventories/ is readable by Sphinx and up to date with tools/make_inventories.py's rules."""
    from sphinx.util.inventory import InventoryFile

    make = runpy.run_path(str(ROOT / "tools" / "make_inventories.py"))
    for project in REFERENCES:
        path = ROOT / "docs" / "_inventories" / f"{project}.inv"
        inventory = InventoryFile.loads(path.read_bytes(), uri=REFERENCES[project])
        entries = [(name, role, item.uri) for role, items in inventory.data.items() for name, item in items.items()]
        assert entries, path
        for name, role, uri in entries:
            obj = make["find_object"](name)
            assert obj is not None, f"{path.name}: {name} is not in the installed packages"
            assert uri == REFERENCES[project] + make["address"](project, name, obj), name
        header = path.read_bytes().split(b"\n", 4)
        assert header[0] == b"# Sphinx inventory version 2" and zlib.decompress(header[4])
