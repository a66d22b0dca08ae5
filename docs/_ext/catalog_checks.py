"""Checks on the translation catalogs, shared by the build, the tests and the translators' commands.

As a Sphinx extension it refuses to build a language whose catalogs are
damaged (Sphinx would silently show English or half a list item), and
compiles the good ones itself, so that no stale .mo outlives its .po. ``tools/catalogs.py``
runs the checks from the command line. Every problem is reported as
``path:line: what: msgid`` so that it can be found and fixed without running
anything else.
"""

import functools
import io
import os
import re
import tomllib
from collections import Counter
from pathlib import Path

from babel.messages.pofile import PoFileError, normalize, read_po, unescape, write_po
from docutils import nodes
from sphinx.errors import ConfigError

import source_files
from source_files import LOCALES, ROOT, catalogs, glossary_path, language_folder, locale_dir, relative  # noqa: F401

# The one wrapping style: babel's writer (as sphinx-intl uses it) with wrapping off, so
# each message is one line. Chinese has no spaces to wrap at, and a changed
# message shows in a diff as one changed line.
LINE_WIDTH = -1


CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Inline reST markup that must reach the msgstr unchanged and that typography
# rules do not look inside: roles, inline literals, links, substitutions.
INLINE_MARKUP = re.compile(
    r"(?::[\w:.+-]+:`[^`]*`)"  # :role:`text`
    r"|(?:``[^`]+``)"  # ``literal``
    r"|(?:`[^`]*<[^>`]+>`__?)"  # `text <url>`_
    r"|(?:`[^`]+`_{1,2})"  # `reference`_
)


# Every line of a .po file that is not blank or a comment is a keyword with a
# string, or a continuation string. Babel forgives more (an unterminated
# string, say) and would drop messages silently.
PO_STRING = r'"(?:[^"\\]|\\.)*"'
PO_ESCAPES = set('\\\\"ntrabfv?\'01234567x')
PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*$")


def syntax_errors(path):
    """Lines that are not PO, escapes that PO does not have, and msgids defined twice.

    Babel accepts all three silently: it drops the line, reads ``\\q`` as ``q``,
    and keeps one of two translations.
    """
    errors = source_files.text_problems(path)  # GBK or a BOM: save again, no msgstr is wrong
    if errors:
        return errors
    seen = {}
    key, start, field = "", 0, None
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not PO_LINE.match(line):
            errors.append(f"{relative(path)}:{number}: not valid PO syntax: {line.strip()}")
            continue
        string = re.search(PO_STRING, line).group()
        for escape in re.findall(r"\\(.)", string[1:-1]):
            if escape not in PO_ESCAPES:
                errors.append(f"{relative(path)}:{number}: '\\{escape}' is not a PO escape "
                              "(a backslash is written '\\\\')")
        word = None if line.startswith('"') else line.split(None, 1)[0]
        if word == "msgctxt" or (word == "msgid" and field != "msgctxt"):
            key, start = "", number
        field = word or field
        if field in ("msgctxt", "msgid"):
            key += (f"\x00{field}:" if word else "") + string[1:-1]
        elif word and word.startswith("msgstr"):
            if key in seen and key != "\x00msgid:":
                errors.append(f"{relative(path)}:{start}: this msgid is already defined at line {seen[key]}; "
                              "keep one entry (the catalog tools keep only one of the translations)")
            seen.setdefault(key, start)
            key = ""
    return errors


def load(path):
    """Parse a catalog; a syntax error names the file and line."""
    errors = syntax_errors(path)
    if errors:
        raise ValueError("\n".join(errors))
    with open(path, "rb") as po:
        try:
            catalog = read_po(po, abort_invalid=True)
        except PoFileError as error:
            raise ValueError(f"{relative(path)}:{error.lineno}: {error}") from None
    for message in catalog:
        read_previous(message)
    return catalog


# ``#| msgid "..."``: the English a fuzzy message was translated from, as ``msgmerge --previous``
# writes it. Babel reads it as a user comment ("| msgid ..."), and its own writer would wrap it
# at 76 columns into lines that are not PO strings; ``write`` puts it in, one string a line.
PREVIOUS = re.compile(r'^\| (?:msgid )?(".*")$')


def read_previous(message):
    previous = [PREVIOUS.match(comment) for comment in message.user_comments]
    if any(previous):
        message.previous_id = ["".join(unescape(found.group(1)) for found in previous if found)]
        message.user_comments = [c for c, found in zip(message.user_comments, previous) if not found]


def write(file, catalog):
    """A catalog in the one wrapping style (babel's writer, one line a message), each fuzzy
    message preceded by its previous English."""
    written = io.BytesIO()
    write_po(written, catalog, width=LINE_WIDTH, ignore_obsolete=True)
    previous = {message.id: message.previous_id[0] for message in catalog if message.id and message.previous_id}
    lines = written.getvalue().decode("utf-8").splitlines(keepends=True)
    out = []
    for number, line in enumerate(lines):
        if previous and line.startswith("msgid "):
            pieces = [line[len("msgid "):]]
            for following in lines[number + 1:]:
                if not following.startswith('"'):
                    break
                pieces.append(following)
            msgid = "".join(unescape(piece.strip()) for piece in pieces)
            if msgid in previous:
                normalized = normalize(previous[msgid], width=LINE_WIDTH).splitlines()
                out += [f"#| msgid {normalized[0]}\n"] + [f"#| {piece}\n" for piece in normalized[1:]]
        out.append(line)
    file.write("".join(out).encode("utf-8"))


def messages(catalog):
    """The catalog's real messages: no header, no obsolete entries."""
    return [message for message in catalog if message.id]


def in_use(catalog):
    """The messages whose translation the build shows: translated and not fuzzy. A fuzzy one's
    translation follows the old English; the page shows the new English until it is updated,
    so the checks that compare a translation with its English leave it alone."""
    return [message for message in messages(catalog) if message.string and not message.fuzzy]


def describe(path, message, problem):
    return f"{relative(path)}:{message.lineno}: {problem}: {message.id!r}"


def completeness_problems(path):
    """Untranslated and fuzzy messages: the translation's lag behind the English.

    Lag is allowed (an English fix never waits for a translator) and reported;
    with BLITZ_REQUIRE_TRANSLATED=1 (a release) it fails the checks, the build and the tests.
    """
    problems = []
    for message in messages(load(path)):
        if message.fuzzy:
            problems.append(describe(path, message, "fuzzy (the English changed)"))
        elif not message.string:
            problems.append(describe(path, message, "untranslated"))
    return problems


# The one switch that makes lag an error, for a release: the checks, the build and the tests read it.
REQUIRE_TRANSLATED = "BLITZ_REQUIRE_TRANSLATED"


def require_translated():
    return os.environ.get(REQUIRE_TRANSLATED, "") not in ("", "0")


def lag_report(paths, locales=LOCALES):
    """What is left to translate, per page: ``page (language): N fuzzy, M untranslated`` and each
    message's ``path:line``; empty when every message is translated."""
    lines = []
    for path in paths:
        left = completeness_problems(path)
        if not left:
            continue
        folder = language_folder(path)
        page = Path(path).resolve().relative_to(folder / "LC_MESSAGES").with_suffix("").as_posix()
        fuzzy = sum(": fuzzy (" in problem for problem in left)
        lines.append(f"{page} ({folder.name}): {len(left)} not translated yet "
                     f"({fuzzy} fuzzy, {len(left) - fuzzy} untranslated)")
        lines += [f"  {problem}" for problem in left]
    if lines:
        total = sum(not line.startswith(" ") for line in lines)
        lines.insert(0, f"Translation lag (allowed; pages show these messages in English, marked; "
                        f"{REQUIRE_TRANSLATED}=1 makes it an error), {total} page(s):")
    return lines


EMPHASIS = re.compile(r"\*\*?([^*]+)\*\*?")


def plain_text(text):
    """What a reader sees of a msgstr: markup becomes ``§``, emphasis loses its stars."""
    return EMPHASIS.sub(r"\1", INLINE_MARKUP.sub("§", text)).replace("\\ ", "")


def markup_touching_chinese(text):
    """Inline markup glued to a Chinese character, which reST does not recognise."""
    spans = [m.span() for m in INLINE_MARKUP.finditer(text)]
    spans += [m.span() for m in EMPHASIS.finditer(INLINE_MARKUP.sub(lambda m: "§" * len(m.group()), text))]
    for start, end in spans:
        before, after = text[start - 1 : start], text[end : end + 1]
        if re.match(f"[{CJK}]", before) or re.match(f"[{CJK}]", after):
            return text[max(start - 1, 0) : end + 1]
    return None


def typography_problems(path):
    """Half-width punctuation in Chinese sentences, no space between Chinese and Latin."""
    rules = [
        (re.compile(rf"[{CJK}][,;:?!()]|[,;:?!(][{CJK}]"), "half-width punctuation next to Chinese"),
        (re.compile(rf"[{CJK}]\.(?:\s|$)"), "half-width full stop after Chinese"),
        (re.compile(rf"[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]"), "no space between Chinese and Latin"),
    ]
    problems = []
    for message in messages(load(path)):
        if not re.search(f"[{CJK}]", message.string or ""):
            continue
        glued = markup_touching_chinese(message.string)
        if glued:
            problems.append(describe(path, message, f"markup touches Chinese, add '\\ ' ({glued!r})"))
        text = plain_text(message.string)
        for pattern, problem in rules:
            found = pattern.search(text)
            if found:
                problems.append(describe(path, message, f"{problem} ({found.group()!r})"))
    return problems


@functools.cache
def _rst_settings():
    """docutils' settings, made once: making them costs more than parsing a message."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser

    settings = get_default_settings(Parser)
    for name, value in {"report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(),
                        "file_insertion_enabled": False, "raw_enabled": False}.items():
        setattr(settings, name, value)
    return settings


def block_structure(text):
    """The block-level shape of reST text, in order: paragraphs, lists, items, literal blocks..."""
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doctree = new_document("<message>", _rst_settings())
    # Inline markup says nothing of the blocks, and Sphinx's roles need a build to run.
    Parser().parse(INLINE_MARKUP.sub("x", text), doctree)
    ignored = (nodes.system_message, nodes.problematic)
    return [
        node.tagname for node in doctree.findall(nodes.Element, include_self=False)
        if isinstance(node, (nodes.Body, nodes.Structural)) and not isinstance(node, ignored)
    ]


# Text that can only be one paragraph: one line, no indentation, no block markup.
ONE_PARAGRAPH = re.compile(r"(?![ \t]|[-*+]\s|\d+[.)]\s|#\.\s|\.\.\s|\|\s|>>>|:[^:`\s]+:\s|([^\w\s])\1{3,}\s*$)[^\n]*(?<!::)")


def same_blocks(english, translation):
    if ONE_PARAGRAPH.fullmatch(english) and ONE_PARAGRAPH.fullmatch(translation):
        return True  # the common case, without parsing
    return block_structure(english) == block_structure(translation)


def structure_problems(path):
    """A msgstr that reST reads as other blocks than its msgid (Sphinx would show the English)."""
    problems = []
    for message in in_use(load(path)):
        if not message.string:
            continue
        if message.string.rstrip().endswith("::") != message.id.rstrip().endswith("::"):
            problems.append(describe(path, message, "the translation ends with '::' where the English does not, "
                                                    "or the other way round (reST reads it as a literal block marker)"))
        elif not same_blocks(message.id, message.string):
            problems.append(describe(
                path, message,
                f"the translation is not one {block_structure(message.id)[0] if block_structure(message.id) else 'block'} "
                f"like the English; reST reads it as {block_structure(message.string)} "
                "(keep it on one line, without indentation or a list marker)",
            ))
    return problems


HTML_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")


def raw_html_problems(path):
    """HTML in a msgstr: the page escapes it, the notebooks would render it."""
    problems = []
    for message in in_use(load(path)):
        added = set(HTML_TAG.findall(INLINE_MARKUP.sub(" ", message.string or ""))) - set(
            HTML_TAG.findall(INLINE_MARKUP.sub(" ", message.id))
        )
        if added:
            problems.append(describe(path, message, f"HTML in the translation {sorted(added)}; write reST markup instead"))
    return problems


def markup(text):
    """The markup of a message that must survive translation, as a multiset.

    Roles keep their name and target (an explicit title may be translated),
    links keep their URL, literals and math are kept whole.
    """
    items = Counter()
    for match in INLINE_MARKUP.finditer(text):
        item = match.group()
        if item.startswith("``"):
            items[item] += 1
        elif item.startswith(":"):
            role, _, content = item.partition(":`")
            target = re.search(r"<([^<>]+)>`$", item)
            keep_whole = role in (":math", ":abbr")
            items[item if keep_whole or not target else f"{role}:`<{target.group(1)}>`"] += 1
        else:
            url = re.search(r"<([^<>]+)>`_{1,2}$", item)
            items[f"link <{url.group(1)}>" if url else item] += 1
    return items


def markup_problems(path):
    """Roles, literals, links and math of the msgid missing from the msgstr."""
    problems = []
    for message in in_use(load(path)):
        if not message.string:
            continue
        missing = markup(message.id) - markup(message.string)
        added = markup(message.string) - markup(message.id)
        if missing or added:
            problems.append(describe(
                path, message,
                f"markup missing from the translation {sorted(missing)}, not in the English {sorted(added)}",
            ))
    return problems


def load_glossary(path):
    """A glossary: a list of {term, translation, forms, note} entries and the names that stay English."""
    problems = source_files.glossary_problems(path)
    if problems:
        raise source_files.InputError("\n".join(problems))
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return data["term"], data["keep"]["terms"]


def glossary_of(path):
    """The glossary of the catalog's language, or None when it has none."""
    folder = language_folder(path)
    if folder is None or not (folder / "glossary.toml").exists():
        return None
    return load_glossary(folder / "glossary.toml")


def english_forms(term):
    forms = [term["term"], *term.get("forms", [])]
    words = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"(?<![\w-])(?:{words})(?:s|es)?(?![\w-])", re.IGNORECASE)


def glossary_problems(path, glossary=None):
    """Messages whose English uses a glossary term and whose Chinese does not use its rendering."""
    glossary = glossary or glossary_of(path)
    if glossary is None:
        return []
    terms, _ = glossary
    patterns = [(term, english_forms(term)) for term in terms]
    problems = []
    for message in in_use(load(path)):
        if not re.search(f"[{CJK}]", message.string or ""):
            continue
        english = INLINE_MARKUP.sub(" ", message.id)  # code and links are not prose
        for term, pattern in patterns:
            if pattern.search(english) and term["translation"] not in message.string:
                problems.append(describe(path, message, f"glossary: {term['term']!r} is {term['translation']!r}"))
    return problems


def wrapping_problems(path):
    """A catalog not written the way `nox -s catalogs` writes it (so diffs stay small)."""
    text = Path(path).read_bytes()
    if b"\r\n" in text:
        line = text[: text.index(b"\r\n")].count(b"\n") + 1
        return [f"{relative(path)}:{line}: Windows line endings (CRLF); run `nox -s catalogs` to rewrite the "
                "file with LF endings (nothing else changes), or set your editor to LF"]
    expected = io.BytesIO()
    write(expected, load(path))
    if text == expected.getvalue():
        return []
    have, want = text.decode().splitlines(), expected.getvalue().decode().splitlines()
    line = next((i for i, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want)))
    return [f"{relative(path)}:{line + 1}: not in the one wrapping style (or has obsolete entries); "
            "run `nox -s catalogs` to rewrite it"]


def rewrap(path):
    """Write a catalog in the one wrapping style (untouched when it already is); a message that is
    no longer fuzzy loses its previous English."""
    catalog = load(path)
    for message in catalog:
        if not message.fuzzy:
            message.previous_id = []
    expected = io.BytesIO()
    write(expected, catalog)
    if Path(path).read_bytes() != expected.getvalue():
        Path(path).write_bytes(expected.getvalue())


_validated = {}  # catalog contents -> problems, so a site build checks each catalog once


def validation_problems(path):
    """What makes a page wrong, checked before anything is built: syntax, escapes, duplicates,
    block structure, markup and raw HTML. Rewriting the catalog would keep the damage."""
    key = (str(path), Path(path).read_bytes())
    if key not in _validated:
        _validated[key] = _validation_problems(path)
    return _validated[key]


def _validation_problems(path):
    try:
        load(path)
    except ValueError as error:
        return str(error).splitlines()
    return structure_problems(path) + markup_problems(path) + raw_html_problems(path)


CHECKS = {
    "completeness": completeness_problems,
    "structure": structure_problems,
    "markup": markup_problems,
    "raw_html": raw_html_problems,
    "typography": typography_problems,
    "glossary": glossary_problems,
    "wrapping": wrapping_problems,
}


def all_problems(paths):
    """Every check; a catalog that fails validation is not judged on its wrapping. Untranslated and
    fuzzy messages only with BLITZ_REQUIRE_TRANSLATED=1 (otherwise see lag_report)."""
    problems = []
    for path in paths:
        invalid = validation_problems(path)
        if invalid:
            problems += invalid
            continue
        for name, check in CHECKS.items():
            if name == "completeness" and not require_translated():
                continue  # lag: reported apart (lag_report), an error only for a release
            if name not in ("structure", "markup", "raw_html"):
                problems += check(path)
    return problems


FIX_FIRST = (
    "Fix these in the catalog's msgstr (never the msgid), then build again. "
    "Do not run `nox -s catalogs` first: rewriting a damaged catalog keeps the damage."
)


def progress(paths):
    """Rows of (catalog, translated, fuzzy, untranslated)."""
    rows = []
    for path in paths:
        counts = Counter(
            "fuzzy" if m.fuzzy else "translated" if m.string else "untranslated"
            for m in messages(load(path))
        )
        rows.append((relative(path), counts["translated"], counts["fuzzy"], counts["untranslated"]))
    return rows


def refuse_broken_catalogs(app, config):
    """config-inited: stop before reading anything when a catalog of this language is damaged."""
    problems = []
    for locales in config.locale_dirs:
        for po in catalogs(config.language, Path(app.srcdir, locales)):
            problems += validation_problems(po)
    if problems:
        raise ConfigError("damaged translation catalogs:\n" + "\n".join(problems) + "\n" + FIX_FIRST)


def compile_catalogs(app, config):
    """config-inited: compile every catalog of this language now, and drop .mo files left by deleted ones.

    Sphinx compiles a .po only when it is newer than its .mo, and never
    removes a .mo: a deleted catalog would go on translating its page.
    """
    from babel.messages.mofile import write_mo

    app.blitz_removed_catalogs = []
    for locales in config.locale_dirs:
        folder = locale_dir(config.language, Path(app.srcdir, locales))
        for mo in folder.rglob("*.mo"):
            if not mo.with_suffix(".po").exists():
                mo.unlink()
                app.blitz_removed_catalogs.append(mo.relative_to(folder).with_suffix("").as_posix())
        for po in catalogs(config.language, Path(app.srcdir, locales)):
            compiled = io.BytesIO()
            write_mo(compiled, load(po))
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled.getvalue():
                mo.write_bytes(compiled.getvalue())


def reread_pages_that_lost_their_catalog(app, env, added, changed, removed):
    """env-get-outdated: Sphinx notices a changed catalog, not a deleted one."""
    return [docname for docname in app.blitz_removed_catalogs if docname in env.found_docs]


def setup(app):
    app.connect("config-inited", refuse_broken_catalogs)
    app.connect("env-get-outdated", reread_pages_that_lost_their_catalog)
    app.connect("config-inited", compile_catalogs, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
