"""The files contributors edit, read safely: where they are, their encoding, TOML, the glossary's shape.

The one home of what both ``catalog_checks`` (the catalogs) and ``input_checks``
(every input at once) need, so that each imports only downward:
``input_checks`` → ``catalog_checks`` → ``source_files``. It imports nothing
of ours. Every problem reads ``path:line[:column]: what is wrong; what to do``.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"


class InputError(ValueError):
    """A damaged input; its message is one ``path:line: ...`` line per problem."""


def relative(path):
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def where(path, line, column=None):
    return f"{relative(path)}:{line}" + (f":{column}" if column else "")


# Where a translation's files are ---------------------------------------------------

def locale_dir(language, locales=LOCALES):
    return Path(locales) / language / "LC_MESSAGES"


def glossary_path(language, locales=LOCALES):
    return Path(locales) / language / "glossary.toml"


def catalogs(language, locales=LOCALES):
    """The .po files of one language, in a stable order."""
    return sorted(locale_dir(language, locales).rglob("*.po"))


def language_folder(path):
    """locales/<language>/ of a catalog under its LC_MESSAGES/, or None."""
    for parent in Path(path).resolve().parents:
        if parent.name == "LC_MESSAGES":
            return parent.parent
    return None


# Text and TOML ----------------------------------------------------------------------

RESAVE = "save it again as UTF-8"


def text_problems(path):
    """A text input that is not UTF-8 without a byte-order mark: where, and how to save it again."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return [f"{where(path, 1, 1)}: the file starts with a byte-order mark (BOM); "
                f"{RESAVE} without BOM (your editor's encoding setting), then run the command again"]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return [f"{where(path, line, column)}: not UTF-8 (byte 0x{data[error.start]:02x}; "
                f"the file was saved in another encoding, GBK perhaps); {RESAVE} (your editor's encoding "
                "setting), then run the command again; the text is all there, change nothing else"]
    return []


def read_text(path):
    """The text of a UTF-8 input; InputError naming path:line:column otherwise."""
    problems = text_problems(path)
    if problems:
        raise InputError("\n".join(problems))
    return Path(path).read_text(encoding="utf-8")


TOML_POSITION = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$")


def load_toml(path):
    """A TOML input; a syntax error names path:line:column (tomllib puts them in its message)."""
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = TOML_POSITION.match(str(error))
        message, line, column = found.groups() if found else (str(error), 1, None)
        raise InputError(f"{where(path, line, column)}: not valid TOML: {message}; "
                         "fix it there (compare it with the entries around it), then run the command again") from None


def line_of(path, pattern, occurrence=0, default=1):
    """The line number of the occurrence-th line matching ``pattern`` (for problems TOML does not place)."""
    lines = [n for n, line in enumerate(read_text(path).splitlines(), 1) if re.match(pattern, line)]
    return lines[occurrence] if occurrence < len(lines) else default


# The glossary -------------------------------------------------------------------------

def glossary_problems(path):
    """glossary.toml: TOML, then a [[term]] table per term with term and translation, and [keep] terms."""
    try:
        data = load_toml(path)
    except InputError as error:
        return str(error).splitlines()
    fix = "see the comment at the top of the file, then run the command again"
    problems = []
    terms = data.get("term")
    if not isinstance(terms, list):
        return [f"{where(path, 1)}: no [[term]] entries; {fix}"]
    for number, term in enumerate(terms):
        for key in ("term", "translation"):
            if not isinstance(term.get(key), str) or not term[key].strip():
                at = where(path, line_of(path, r"\s*\[\[term\]\]", number))
                problems.append(f"{at}: this [[term]] has no {key} = \"...\"; {fix}")
        if not isinstance(term.get("forms", []), list):
            at = where(path, line_of(path, r"\s*\[\[term\]\]", number))
            problems.append(f"{at}: forms must be a list of strings; {fix}")
    keep = data.get("keep", {}).get("terms")
    if not isinstance(keep, list) or not all(isinstance(t, str) for t in keep):
        at = where(path, line_of(path, r"\s*\[keep\]"))
        problems.append(f"{at}: [keep] needs terms = [\"...\", ...], the names that stay English; {fix}")
    return problems
