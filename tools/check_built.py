"""Check that every tutorial really executed in the last build.

A page can build without its tutorial having run (``plot_gallery=0``, an
example not matched by ``filename_pattern``, a stale cache): it then has
prose and code but no output. Like pytorch/tutorials' check of built
tutorials, fail when a tutorial has no recorded run time or its page shows
no output.

Usage: python tools/check_built.py [HTML DIR]
"""

import json
import re
import sys
from pathlib import Path

from build_site import CONF, LANGUAGES, ROOT

GALLERY = ROOT / "docs" / "tutorials"


def unexecuted(html_dir, languages=LANGUAGES):
    """One line per tutorial that did not run, naming its script."""
    problems = []
    pattern = CONF["sphinx_gallery_conf"]["filename_pattern"]
    for script in sorted((ROOT / "examples").glob("*.py")):
        if not re.search(pattern, f"/{script.name}"):
            problems.append(f"examples/{script.name}: never runs: its name does not match sphinx-gallery's "
                            f"filename_pattern {pattern!r} in conf.py; name it plot_<part>_<topic>.py")
            continue
        cost = GALLERY / f"{script.stem}.cost.json"
        seconds = json.loads(cost.read_text())["time"] if cost.exists() else 0
        if seconds <= 0:
            problems.append(f"examples/{script.name}: no recorded execution time")
        for language in languages:
            page = Path(html_dir) / language / "tutorials" / f"{script.stem}.html"
            if not page.exists():
                problems.append(f"examples/{script.name}: {language} page missing")
            elif "sphx-glr-script-out" not in page.read_text(encoding="utf-8"):
                problems.append(f"examples/{script.name}: {language} page shows no output")
    return problems


def main():
    html_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    problems = unexecuted(html_dir)
    if problems:
        sys.exit("Tutorials that did not execute:\n" + "\n".join(problems))
    print("Every tutorial executed and shows its output.")


if __name__ == "__main__":
    main()
