"""Reading time of each tutorial's prose, from the built English pages.

A reader reads the prose and skims the rest, so this counts the words of the
page's article without its code blocks, program output, folded dropdowns
(solutions, "Going further"), figures, the headings' permalink signs and the
gallery's download boxes; each formula counts as one word. Minutes are
words / 200 (an adult's silent reading of instructional text, low end).

Usage: python tools/reading_time.py [HTML_DIR]   # _build/html/<source language> by default
"""

import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 200
# The four parts that make the 60 minutes must read within this many minutes;
# the optional fifth part comes after them.
PATH_BUDGET_MINUTES = 35
NOT_PROSE = [
    "div.highlight",  # code, in the cells and in code-block directives
    "div.sphx-glr-script-out",  # what the code printed
    "details",  # dropdowns (solutions, going further) and the run-it-yourself box
    "figure", "img",
    "a.headerlink",
    "div.sphx-glr-download-link-note", "div.sphx-glr-footer", "div.blitz-download-markdown",
    "p.blitz-built-with", "nav.language-switch", "p.sphx-glr-signature",
]


def prose_words(html):
    """The words of a page's prose: its article without code, output, dropdowns and furniture."""
    page = BeautifulSoup(html, "html.parser")
    article = page.select_one("article") or page
    for element in article.select(", ".join(NOT_PROSE)):
        element.decompose()
    for formula in article.select("span.katex"):
        formula.replace_with(" formula ")
    # A word has a letter or a digit: punctuation left alone between two tags is none.
    return sum(any(char.isalnum() for char in token) for token in article.get_text(" ").split())


def part_pages(html_dir):
    """The built page of every tutorial, in order (plot_<part>_<name>.html)."""
    return sorted(Path(html_dir, "tutorials").glob("plot_*.html"))


def minutes(words):
    return words / WORDS_PER_MINUTE


def reading_times(html_dir):
    """{page stem: words of prose} for every tutorial page under ``html_dir``."""
    return {page.stem: prose_words(page.read_text(encoding="utf-8")) for page in part_pages(html_dir)}


def main(argv):
    if argv:
        html_dir = Path(argv[0])
    else:
        sys.path.insert(0, str(ROOT / "tools"))
        from build_site import LANGUAGES

        html_dir = ROOT / "_build" / "html" / LANGUAGES[0]
    if not part_pages(html_dir):
        sys.exit(f"{html_dir}: no built tutorial pages; build the site first (nox -s docs)")
    times = reading_times(html_dir)
    print(f"Reading time of the prose at {WORDS_PER_MINUTE} words a minute (code, output and dropdowns left out):")
    for stem, words in times.items():
        print(f"  {stem:28} {words:5} words  {minutes(words):5.1f} min")
    path = sum(words for stem, words in times.items() if int(stem.split("_")[1]) <= 4)
    print(f"  {'the four parts':28} {path:5} words  {minutes(path):5.1f} min   target < {PATH_BUDGET_MINUTES} min")
    return 0 if minutes(path) < PATH_BUDGET_MINUTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
