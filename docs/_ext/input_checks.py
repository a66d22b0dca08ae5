"""Every file a contributor edits, checked before anything is built.

A damaged input must stop the build, and every nox session that reads it,
before any tutorial runs, with ``path:line[:column]: what is wrong; what to
do``, and without writing to the file. Checked here: conf.py (it parses, and
``blitz_languages``' entries), each translation's glossary.toml, the search
query set, the tutorial scripts (they parse), the data files in
``DATA_FILES``, and, through catalog_checks, the catalogs (their encoding
included: every text input is UTF-8, without a byte-order mark).

``tools/build_site.py``, ``tools/update_catalogs.py`` and
``tools/catalogs.py check`` call :func:`problems` first; as a Sphinx
extension it does the same at config-inited, so a plain ``sphinx-build`` or
``nox -s serve`` stops there too. Sphinx itself would report most of these as
a crash ("please open an issue at Sphinx's tracker") after the tutorials ran.

A new data file is registered in ``DATA_FILES``: a glob under the repository
root and a function that returns its problems as ``path:line: ...`` strings.
"""

import ast
import re
import runpy
import traceback
from pathlib import Path

import catalog_checks
from source_files import (  # noqa: F401  (InputError, RESAVE, text_problems, load_toml: read here by the tools)
    RESAVE, ROOT, InputError, glossary_problems, line_of, load_toml, read_text, relative, text_problems, where,
)

CONF = ROOT / "conf.py"
SEARCH_QUERIES = ROOT / "tests" / "search_queries.toml"
EXAMPLES = ROOT / "examples"


# conf.py and its language list ------------------------------------------------

def read_conf(path=CONF):
    """conf.py's settings; InputError naming conf.py:line when it does not parse or run."""
    read_text(path)
    try:
        return runpy.run_path(str(path))
    except SyntaxError as error:
        raise InputError(f"{where(path, error.lineno, error.offset)}: Python syntax error: {error.msg}; "
                         "fix conf.py there, then run the command again") from None
    except Exception as error:  # it parses, then raises: name the line of conf.py that did
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if Path(frame.filename) == Path(path)]
        raise InputError(f"{where(path, frames[-1].lineno if frames else 1)}: {type(error).__name__}: {error}; "
                         "fix conf.py there, then run the command again") from None


def conf_lines(path=CONF):
    """Line of each entry of blitz_languages in conf.py (the entry's key), and of the list itself."""
    tree = ast.parse(read_text(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "blitz_languages" for t in node.targets):
            keys = {}
            if isinstance(node.value, ast.Dict):
                keys = {k.value: k.lineno for k in node.value.keys if isinstance(k, ast.Constant)}
            return node.lineno, keys
    return 1, {}


LANGUAGE_FIX = ("each entry is \"<gettext code>\": {\"name\": \"<the language's own name>\", ...} "
                "as in the entries above; fix conf.py there, then run the command again")


def language_problems(languages, path=CONF):
    """Malformed entries of blitz_languages: a code babel does not know, no name, a setting that is not text."""
    from babel import Locale, UnknownLocaleError

    list_line, lines = conf_lines(path)
    if not isinstance(languages, dict) or not languages:
        return [f"{where(path, list_line)}: blitz_languages must be a non-empty dict, the source language first; "
                + LANGUAGE_FIX]
    problems = []
    for code, settings in languages.items():
        at = where(path, lines.get(code, list_line))
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError, TypeError):
            problems.append(f"{at}: {code!r} in blitz_languages is not a language code (zh_CN, pt_BR, ja...); "
                            + LANGUAGE_FIX)
            continue
        if not isinstance(settings, dict):
            problems.append(f"{at}: blitz_languages[{code!r}] is {type(settings).__name__}, not a dict; " + LANGUAGE_FIX)
            continue
        if not isinstance(settings.get("name"), str) or not settings["name"].strip():
            problems.append(f"{at}: blitz_languages[{code!r}] has no \"name\"; " + LANGUAGE_FIX)
        for name, value in settings.items():
            if not isinstance(value, str):
                problems.append(f"{at}: blitz_languages[{code!r}][{name!r}] is {type(value).__name__}, "
                                "not text; " + LANGUAGE_FIX)
    return problems


# The search query set ----------------------------------------------------------

def page_exists(page):
    """A page named as in the site without .html: a docs/ source, a tutorial script, or the search page."""
    if page == "search":
        return True
    if page.startswith("tutorials/"):
        return (EXAMPLES / f"{page.removeprefix('tutorials/')}.py").exists()
    return any((ROOT / "docs" / f"{page}{suffix}").exists() for suffix in (".rst", ".md"))


def search_query_problems(path, languages):
    """tests/search_queries.toml: a table per language of the site, each query naming a page that exists."""
    try:
        data = load_toml(path)
    except InputError as error:
        return str(error).splitlines()
    problems = []
    for language, queries in data.items():
        at = where(path, line_of(path, rf"\s*\[{re.escape(language)}\]"))
        if language not in languages or not isinstance(queries, dict):
            problems.append(f"{at}: [{language}] is not a language of conf.py's blitz_languages "
                            f"({', '.join(languages)}); name the table after one, then run the command again")
            continue
        for query, page in queries.items():
            if not isinstance(page, str) or not page_exists(page):
                line = line_of(path, rf'\s*"?{re.escape(query)}"?\s*=')
                problems.append(f"{where(path, line)}: the query {query!r} names {page!r}, which is no page of the "
                                "site; name a page as its address reads, without .html "
                                "(\"tutorials/plot_1_tensors\"), then run the command again")
    return problems


# The tutorial scripts -----------------------------------------------------------

def script_problems(path):
    """A tutorial script that Python cannot parse: its line and column, before any tutorial runs."""
    problems = text_problems(path)
    if problems:
        return problems
    try:
        compile(Path(path).read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        return [f"{where(path, error.lineno, error.offset)}: Python syntax error: {error.msg}; fix the script there "
                f"(`python {relative(path)}` shows the same error), then build again"]
    return []


# Data files ---------------------------------------------------------------------

def inventory_problems(path):
    """A Sphinx inventory (objects.inv) that Sphinx cannot read."""
    from sphinx.util.inventory import InventoryFile

    try:
        InventoryFile.loads(Path(path).read_bytes(), uri="")
    except Exception as error:  # zlib, decoding and format errors alike
        return [f"{where(path, 1)}: not a Sphinx inventory ({error}); download it again from the site it "
                "comes from (its objects.inv), then run the command again"]
    return []


# Data files the build reads, by glob under the repository root, and the check each must pass.
# Add an entry here when a change adds a data file that contributors edit or refresh.
DATA_FILES = {
    "docs/_inventories/*.inv": inventory_problems,
}


def data_file_problems(root=ROOT):
    return [problem for pattern, check in DATA_FILES.items()
            for path in sorted(Path(root).glob(pattern)) for problem in check(path)]


# Everything at once ---------------------------------------------------------------

def problems(languages=None, catalogs=True):
    """Every damaged contributor input, as ``path:line[:column]: ...`` lines, cheapest first.

    ``languages``: whose catalogs and glossaries to check (default: all of conf.py's).
    """
    try:
        conf = read_conf()
    except InputError as error:
        return str(error).splitlines()
    found = language_problems(conf.get("blitz_languages"))
    if found:
        return found
    every_language = list(conf["blitz_languages"])
    languages = languages or every_language
    for language in languages[1:] if languages[0] == every_language[0] else languages:
        glossary = catalog_checks.glossary_path(language)
        if glossary.exists():
            found += glossary_problems(glossary)
    if SEARCH_QUERIES.exists():
        found += search_query_problems(SEARCH_QUERIES, every_language)
    for script in sorted(EXAMPLES.glob("*.py")):
        found += script_problems(script)
    found += data_file_problems()
    if catalogs:
        found += [problem for language in languages if language != every_language[0]
                  for po in catalog_checks.catalogs(language) for problem in catalog_checks.validation_problems(po)]
    return found


def refuse_damaged_inputs(app, config):
    """config-inited: stop a plain sphinx-build (and `nox -s serve`) as build_site.py would, without a crash report.

    SystemExit passes Sphinx's handler, which would print every exception as a crash to report to Sphinx.
    """
    found = problems([config.language], catalogs=False)
    if found:
        raise SystemExit("\n".join(found))


def setup(app):
    app.connect("config-inited", refuse_damaged_inputs, priority=100)  # before anything reads an input
    return {"parallel_read_safe": True, "parallel_write_safe": True}
