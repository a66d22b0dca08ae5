"""The translators' commands: check the catalogs, report progress, list what is left.

Usage: python tools/catalogs.py check      # every check, every input (glossary, conf.py...); exit 1 on a problem
       python tools/catalogs.py inputs     # only that no input a contributor edits is damaged
       python tools/catalogs.py progress   # translated / fuzzy / untranslated per file
       python tools/catalogs.py todo       # the messages left to translate

Each covers every translation in conf.py's ``blitz_languages``.
"""

import sys

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
        return 1 if problems else 0
    if command == "progress":
        print_progress(paths)
        return 0
    if command == "todo":
        left = [p for path in paths for p in catalog_checks.completeness_problems(path)]
        print("\n".join(left) or "Nothing left to translate.")
        return 0
    sys.exit(f"unknown command {command!r}; use check, progress or todo")


if __name__ == "__main__":
    sys.exit(main())
