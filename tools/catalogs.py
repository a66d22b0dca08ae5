"""Checks on the zh_CN catalogs, shared by the tests and the translators' sessions.

Every problem is reported as ``path:line: what: msgid`` so that it can be
found and fixed without running anything else.
"""

import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"

CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Inline reST markup that must reach the msgstr unchanged and that typography
# rules do not look inside: roles, inline literals, links, substitutions.
INLINE_MARKUP = re.compile(
    r"(?::[\w:.+-]+:`[^`]*`)"  # :role:`text`
    r"|(?:``[^`]+``)"  # ``literal``
    r"|(?:`[^`]*<[^>`]+>`__?)"  # `text <url>`_
    r"|(?:`[^`]+`_{1,2})"  # `reference`_
)


def catalogs(locale_dir=LOCALE_DIR):
    """The .po files, in a stable order."""
    return sorted(Path(locale_dir).rglob("*.po"))


def relative(path):
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


# Every line of a .po file that is not blank or a comment is a keyword with a
# string, or a continuation string. Babel forgives more (an unterminated
# string, say) and would drop messages silently.
PO_STRING = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*$")


def syntax_errors(path):
    errors = []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        code = line[3:] if line.startswith("#~ ") else line
        if code.strip() and not code.startswith("#") and not PO_LINE.match(code):
            errors.append(f"{relative(path)}:{number}: not valid PO syntax: {line.strip()}")
    return errors


def load(path):
    """Parse a catalog; a syntax error names the file and line."""
    errors = syntax_errors(path)
    if errors:
        raise ValueError("\n".join(errors))
    with open(path, "rb") as po:
        try:
            return read_po(po, abort_invalid=True)
        except PoFileError as error:
            raise ValueError(f"{relative(path)}:{error.lineno}: {error}") from None


def messages(catalog):
    """The catalog's real messages: no header, no obsolete entries."""
    return [message for message in catalog if message.id]


def describe(path, message, problem):
    return f"{relative(path)}:{message.lineno}: {problem}: {message.id!r}"


def completeness_problems(path):
    """Untranslated and fuzzy messages."""
    problems = []
    for message in messages(load(path)):
        if message.fuzzy:
            problems.append(describe(path, message, "fuzzy (the English changed)"))
        elif not message.string:
            problems.append(describe(path, message, "untranslated"))
    return problems


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
