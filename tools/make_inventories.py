"""Write the intersphinx inventories the offline build reads: docs/_inventories/<project>.inv.

The projects' own ``objects.inv`` cannot be fetched from the build machines
(no network), so this writes one per project, in Sphinx's inventory format
(version 2), for the names our pages use: every candidate name sphinx-gallery
recorded for the code blocks (``docs/tutorials/*.codeobj.json``, written by a
build) and every name in a Python role (``:func:`torch.autograd.grad```) in
``examples/`` and ``docs/``. A name goes in when it is public and importable
from the installed package; its address follows the project's documented URL
scheme (``URL_RULES``, checked against the projects' doc sources). Sphinx's
own inventory writer needs a whole build environment, hence this small one.

Publishing reads the live inventories instead (BLITZ_LIVE_INVENTORIES=1) and
runs linkcheck, so an address guessed wrong here never reaches readers.

Usage: python tools/make_inventories.py   (after a build: nox -s docs)
"""

import builtins
import importlib
import inspect
import json
import re
import runpy
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = ROOT / "docs" / "_inventories"
ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc):`~?(?:[^`<]*<)?([\w.]+)>?`")

# Builtin types the Python docs describe in stdtypes.rst; the other builtins are in functions.rst.
STDTYPES = {"list", "tuple", "range", "str", "dict", "set", "frozenset", "bytes", "bytearray", "memoryview"}

# (pattern on the full name, page) in order, first match wins; None: not documented there.
# {name} is the full name, {owner} the name without its last part (the class whose page
# documents a method), {leaf} the last part.
URL_RULES = {
    "python": [
        (r"[^.]+$", "library/{builtin_page}.html#{name}"),  # a builtin
        (r"([^.]+)\..+", "library/{module}.html#{name}"),
    ],
    "torch": [
        (r"torch\.utils\.data\.\w+$", "data.html#{name}"),
        (r"torch\.utils\.hooks\..*", None),
        (r"torch\.(dtype|device|layout|memory_format)$", "tensor_attributes.html#{name}"),
        (r"torch\.Size$", "size.html#{name}"),
        (r"torch\.Tensor$", "tensors.html#{name}"),
        (r"torch\.nn\.Parameter$", "generated/torch.nn.parameter.Parameter.html#torch.nn.parameter.Parameter"),
        (r"torch\.autograd\.(gradcheck|gradgradcheck)$", "generated/{name}.{leaf}.html#{name}.{leaf}"),
        # Tensor and Optimizer methods have pages of their own; other methods are on their class's page.
        (r"torch\.(Tensor|optim\.Optimizer)\.\w+$", "generated/{name}.html#{name}"),
        (r"torch\.(nn|optim|optim\.lr_scheduler)\.[A-Z]\w*\.\w+$", "generated/{owner}.html#{name}"),
        (r"torch\..+", "generated/{name}.html#{name}"),
    ],
    "torchvision": [
        # Weights enums are documented on their model builder's page, model classes not at all.
        (r"torchvision\.models\.(\w+)_Weights$", "generated/torchvision.models.{weights_builder}.html#{name}"),
        (r"torchvision\.models\.[A-Z].*", None),
        (r"torchvision\.[\w.]+\.[A-Z]\w*\.\w+$", None),  # methods: not on pages of their own
        (r"torchvision\..+", "generated/{name}.html#{name}"),
    ],
    "numpy": [
        (r"numpy\.(generic|number|integer|signedinteger|unsignedinteger|inexact|floating)$",
         "reference/arrays.scalars.html#{name}"),
        (r"numpy\.(u?int(8|16|32|64)|float(16|32|64)|bool|complex(64|128))$", "reference/arrays.scalars.html#{name}"),
        (r"numpy\..+", "reference/generated/{name}.html#{name}"),
    ],
    "matplotlib": [
        (r"matplotlib\.axes\.Axes$", "api/axes_api.html#{name}"),
        (r"matplotlib\.figure\.Figure$", "api/figure_api.html#{name}"),
        (r"matplotlib\.(pyplot|axes\.Axes|figure\.Figure)\.\w+$", "api/_as_gen/{name}.html#{name}"),
    ],
}


# The names the projects' own inventories give themselves; intersphinx shows them in tooltips.
PROJECT_NAMES = {"python": "Python", "torch": "PyTorch", "torchvision": "Torchvision",
                 "numpy": "NumPy", "matplotlib": "Matplotlib"}


def conf():
    return runpy.run_path(str(ROOT / "conf.py"))


def project_of(name):
    """The intersphinx project that documents ``name``, or None."""
    top = name.split(".")[0]
    if top in URL_RULES:
        return top
    if top in sys.stdlib_module_names or hasattr(builtins, top):
        return "python"
    return None


def find_object(name):
    """The installed object ``name`` stands for, or None if it is private or not there.

    Attributes win over submodules: ``torch.autograd.gradcheck`` is the function, as in
    the code, though a module of that name exists too.
    """
    parts = name.split(".")
    if any(part.startswith("_") for part in parts):
        return None
    if len(parts) == 1:
        return getattr(builtins, name, None)
    try:
        obj = importlib.import_module(parts[0])
    except ImportError:
        return None
    for depth, part in enumerate(parts[1:], start=2):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[:depth]))
            except ImportError:
                return None
    return obj


def role_of(name, obj):
    if inspect.ismodule(obj):
        return "py:module"
    if inspect.isclass(obj):
        return "py:exception" if issubclass(obj, BaseException) else "py:class"
    owner = find_object(name.rsplit(".", 1)[0]) if "." in name else None
    if inspect.isclass(owner):
        return "py:method" if callable(obj) else "py:attribute"
    return "py:function" if callable(obj) else "py:data"


def module_of(name):
    """The longest dotted prefix of ``name`` that is a module: urllib.error for urllib.error.HTTPError."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        if inspect.ismodule(find_object(".".join(parts[:end]))):
            return ".".join(parts[:end])
    return parts[0]


def address(project, name, obj):
    """The page and anchor of ``name`` in ``project``'s documentation, or None when no rule places it."""
    fields = {
        "name": name,
        "owner": name.rsplit(".", 1)[0],
        "module": module_of(name),
        "leaf": name.rsplit(".", 1)[-1],
        "builtin_page": "exceptions" if inspect.isclass(obj) and issubclass(obj, BaseException)
        else "stdtypes" if name in STDTYPES else "functions",
        "weights_builder": name.rsplit(".", 1)[-1].removesuffix("_Weights").lower(),
    }
    for pattern, page in URL_RULES[project]:
        if re.fullmatch(pattern, name):
            return page and page.format(**fields)
    return None


def names_used():
    """Every dotted name our pages may link: sphinx-gallery's candidates and the names in roles."""
    gallery = ROOT / "docs" / conf()["sphinx_gallery_conf"]["gallery_dirs"]
    codeobjs = sorted(gallery.glob("*.codeobj.json"))
    if not codeobjs:
        raise SystemExit(f"No {gallery.relative_to(ROOT)}/*.codeobj.json: build the site first (nox -s docs).")
    names = set()
    for path in codeobjs:
        for candidates in json.loads(path.read_text("utf-8")).values():
            for candidate in candidates:
                for module in (candidate["module_short"], candidate["module"]):
                    names.add(candidate["name"] if module == "builtins" else f"{module}.{candidate['name']}")
    sources = [*(ROOT / "examples").glob("*.py"), *(ROOT / "docs").rglob("*.rst")]
    for source in sources:
        names.update(ROLE.findall(source.read_text("utf-8")))
    return names


def inventory_bytes(project, version, entries):
    """Sphinx's inventory format, version 2: four header lines, then zlib-compressed entries."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {PROJECT_NAMES[project]}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in sorted(entries))
    return header.encode() + zlib.compress(body.encode())


def version_of(project):
    if project == "python":
        return ".".join(map(str, sys.version_info[:2]))
    return importlib.import_module(project).__version__.split("+")[0]


def main():
    # One name per object: the shortest, which is where the projects document it
    # (torch.nn.Conv2d, not torch.nn.modules.conv.Conv2d).
    homes = {}
    for name in sorted(names_used(), key=lambda n: (n.count("."), len(n), n)):
        project = project_of(name)
        obj = find_object(name) if project else None
        if obj is not None:
            homes.setdefault((project, id(obj)), (name, obj))
    entries = {project: set() for project in URL_RULES}
    for (project, _), (name, obj) in homes.items():
        role = role_of(name, obj)
        # Constants (torch.float64) and enum members have no page of their own, except the
        # documented attributes of torch.Tensor and of Python's own classes.
        if role == "py:data" or role == "py:attribute" and project != "python" and not name.startswith("torch.Tensor."):
            continue
        page = address(project, name, obj)
        if page:
            entries[project].add((name, role, page))
    INVENTORIES.mkdir(parents=True, exist_ok=True)
    for project, found in entries.items():
        path = INVENTORIES / f"{project}.inv"
        path.write_bytes(inventory_bytes(project, version_of(project), found))
        print(f"{path.relative_to(ROOT)}: {len(found)} names")


if __name__ == "__main__":
    main()
