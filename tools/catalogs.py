"""The translators' commands: check the catalogs, report progress, list what is left.

Usage: python tools/catalogs.py check      # every check, every input (glossary, conf.py...); exit 1 on a problem
       python tools/catalogs.py inputs     # only that no input a contributor edits is damaged
       python tools/catalogs.py progress   # translated / fuzzy / untranslated per file
       python tools/catalogs.py todo       # the messages left to translate
       python tools/catalogs.py changes    # each fuzzy message: old and new English, changed words marked

Each covers every translation in conf.py's ``blitz_languages``. Untranslated
and fuzzy messages (lag) are reported by ``check`` without failing it, unless
BLITZ_REQUIRE_TRANSLATED=1 (a release).
"""

import difflib
import re
import shutil
import sys
import textwrap

from build_site import TRANSLATIONS, catalog_checks, input_checks


def all_catalogs():
    return [po for language in TRANSLATIONS for po in catalog_checks.catalogs(language)]


def print_progress(paths):
    rows = catalog_checks.progress(paths)
    print(f"{'catalog':62} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for name, done, fuzzy, todo in rows:
        total = done + fuzzy + todo
        print(f"{str(name):62} {done:>10} {fuzzy:>6} {todo:>12}   {done / total if total else 1:6.1%}")
    done, fuzzy, todo = (sum(row[i] for row in rows) for i in (1, 2, 3))
    total = done + fuzzy + todo
    print(f"{'total':62} {done:>10} {fuzzy:>6} {todo:>12}   {done / total if total else 1:6.1%}")


def main(argv=None):
    try:
        return run(argv)
    except ValueError as error:  # a damaged catalog or glossary: its path:line, not a traceback
        print(error)
        return 1


def run(argv=None):
    command = (argv or sys.argv[1:] or ["check"])[0]
    paths = all_catalogs()
    if command == "inputs":
        problems = input_checks.problems(catalogs=False)
        print("\n".join(problems) or "No damaged input.")
        return 1 if problems else 0
    if command == "check":
        # A damaged glossary or conf.py first: the catalog checks read them.
        problems = input_checks.problems(catalogs=False) or catalog_checks.all_problems(paths)
        print("\n".join(problems) or f"{len(paths)} catalogs: no problems.")
        if not problems and not catalog_checks.require_translated():
            print("\n".join(catalog_checks.lag_report(paths)) or "Every message is translated.")
        return 1 if problems else 0
    if command == "progress":
        print_progress(paths)
        return 0
    if command == "todo":
        left = [p for path in paths for p in catalog_checks.completeness_problems(path)]
        print("\n".join(left) or "Nothing left to translate.")
        return 0
    if command == "changes":
        print_changes(paths)
        return 0
    sys.exit(f"unknown command {command!r}; use check, inputs, progress, todo or changes")


def marked_words(old, new):
    """Old and new text, word by word, with what was removed [-so-] and what was added {+so+}."""
    old_words, new_words = re.findall(r"\S+", old), re.findall(r"\S+", new)
    before, after = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        removed, added = " ".join(old_words[i1:i2]), " ".join(new_words[j1:j2])
        if tag == "equal":
            before.append(removed)
            after.append(added)
            continue
        if removed:
            before.append(f"[-{removed}-]")
        if added:
            after.append(f"{{+{added}+}}")
    return " ".join(before), " ".join(after)


def side_by_side(left, right, headings, width):
    """Two texts in two columns, each wrapped to half the width."""
    column = max((width - 3) // 2, 20)
    lefts = [headings[0], *textwrap.wrap(left, column)]
    rights = [headings[1], *textwrap.wrap(right, column)]
    rows = max(len(lefts), len(rights))
    lefts += [""] * (rows - len(lefts))
    rights += [""] * (rows - len(rights))
    return "\n".join(f"{a:<{column}} | {b}".rstrip() for a, b in zip(lefts, rights))


def print_changes(paths, width=None):
    """For each fuzzy message: its path:line, the English it was translated from and the English now
    side by side (removed words [-marked-], added ones {+marked+}), and the translation to update."""
    width = width or min(shutil.get_terminal_size((120, 24)).columns, 160)
    found = 0
    for path in paths:
        for message in catalog_checks.messages(catalog_checks.load(path)):
            if not message.fuzzy:
                continue
            found += 1
            print(f"{catalog_checks.relative(path)}:{message.lineno}: fuzzy")
            if message.previous_id:
                old, new = marked_words(message.previous_id[0], message.id)
                print(textwrap.indent(side_by_side(old, new, ("English before", "English now"), width - 4), "    "))
            else:
                print(textwrap.indent(f"English now (the English before is not recorded): {message.id}", "    "))
            print(textwrap.indent(f"Translation (of the English before): {message.string}", "    "))
            print()
    print(f"{found} fuzzy message(s)." if found else "No fuzzy message.")


if __name__ == "__main__":
    sys.exit(main())
