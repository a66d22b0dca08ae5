"""Build the site: every language of conf.py's ``blitz_languages``, then the root pages.

The source language's build executes the tutorials; the translations read the
same source folder, find sphinx-gallery's cache current and reuse it, so
every tutorial executes once per site build. When a translation is built
afresh, the translations are built in a second process, on the other core,
from the moment the tutorials have run, while the source language's build
goes on. A rebuild (a few pages at most) runs them after the source language
in this process, which saves the second process's start-up. Either way the
translations run one after another in one process, which saves a start-up
(Sphinx, matplotlib) per language.

Usage: python tools/build_site.py [--out DIR] [--lang CODE ...] [--builder NAME] [SPHINX-BUILD ARGS]
"""

import argparse
import atexit
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import sphinx.locale
from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import build_lock  # noqa: E402  (docs/_ext is not a package)
import catalog_checks  # noqa: E402
import figure_words  # noqa: E402
import input_checks  # noqa: E402
import tutorial_runs  # noqa: E402
from site_languages import language_tag  # noqa: E402

try:
    CONF = input_checks.read_conf()
except input_checks.InputError as error:
    sys.exit(str(error))
LANGUAGES = list(CONF["blitz_languages"])  # the source language first
TRANSLATIONS = LANGUAGES[1:]


def sphinx_build(language, out, builder="html", extra=()):
    """Run one strict Sphinx build of this repository; return its exit status."""
    # Sphinx caches its translators per process and merges every later
    # language's catalogs into them as fallbacks: start each language afresh.
    sphinx.locale.translators.clear()
    return build_main([
        "-W", "--keep-going",
        "-b", builder,
        "-c", str(ROOT),
        "-d", str(out / "doctrees" / builder / language),
        "-D", f"language={language}",
        *extra,
        str(ROOT / "docs"),
        str(out / builder / language),
    ])


def damaged_inputs(languages):
    """Check every input a contributor edits (catalogs, glossary, conf.py's languages, the search
    queries, the scripts, data files) before any tutorial runs; return the problems, naming path:line."""
    return input_checks.problems(languages)


def explained(problems, again="build again"):
    """The problems, one per line, and for a damaged catalog the advice that keeps the text."""
    # (A catalog in another encoding needs saving again, not a msgstr fixed.)
    catalog = any(".po:" in problem and input_checks.RESAVE not in problem for problem in problems)
    return "\n".join(problems + [catalog_checks.FIX_FIRST.replace("build again", again)] * catalog)


def build_site(out, languages=LANGUAGES, extra=(), builder="html"):
    """Check every input, then build each language in turn and the root pages, holding the build
    lock (a second build of this checkout waits); return the exit status."""
    problems = damaged_inputs(languages)
    if problems:
        print(explained(problems), file=sys.stderr)
        return 1
    lag = translation_lag(languages)
    if lag and catalog_checks.require_translated():
        print("\n".join(lag[1:] + [f"{catalog_checks.REQUIRE_TRANSLATED} is set (a release): translate these, "
                                   "or unset it to build with the lag shown"]), file=sys.stderr)
        return 1
    build_lock.acquire()  # a second build of this checkout waits here, and says for whom
    try:
        status = build_languages(out, languages, extra, builder)
    finally:
        build_lock.release()
    if lag and not status:
        print("\n".join(lag))
    return status


def translation_lag(languages):
    """Untranslated and fuzzy messages of the languages built: reported, not an error (see catalog_checks)."""
    return catalog_checks.lag_report(
        [po for language in languages if language != LANGUAGES[0] for po in catalog_checks.catalogs(language)]
    )


def build_languages(out, languages, extra, builder="html"):
    """A build that did not finish (it failed, or was interrupted) leaves a
    marker; the next build then starts Sphinx afresh rather than trusting
    what it wrote. (The tutorials' own cache is guarded by tutorial_runs.)
    """
    unfinished = out / "build-unfinished"
    if unfinished.exists():
        print("The last build did not finish: building every page afresh.")
        for folder in ("doctrees", "html"):
            shutil.rmtree(out / folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    unfinished.touch()
    if builder == "html" and languages[0] == LANGUAGES[0] and (os.cpu_count() or 1) > 1 and any(
        not (out / "doctrees" / builder / language / "environment.pickle").exists() for language in languages[1:]
    ):  # a translation built afresh: in a second process. A rebuild is too short to gain from one.
        status = build_beside(out, languages, extra, builder)
    else:
        status = build_in_turn(out, languages, extra, builder)
    if status:
        return status
    if builder == "html":
        write_root_pages(out / "html", languages)
    unfinished.unlink()
    return 0


def build_in_turn(out, languages, extra, builder="html"):
    """Build each language in this process, one after another; stop at the first that fails."""
    for language in languages:
        status = sphinx_build(language, out, builder, extra=extra)
        if status:
            return status
    return 0


class Translations:
    """The translations' build, in a second process that goes ahead once the source language's tutorials ran.

    The translations need nothing of the source language's build but the
    executed tutorials (sphinx-gallery's cache and the figures it pickled), so
    the two builds then share the machine's cores. The process starts at once
    and imports Sphinx and the extensions while the tutorials run, then waits
    for a byte on a pipe (``go``); if the source build stops before its
    tutorials ran, the pipe closes empty and the process ends without
    building. It shares the build lock (build_lock.hand_over), and what it
    printed is shown after the source language's, so that the two do not
    interleave.
    """

    def __init__(self, out, languages, extra, builder):
        ready, self.signal = os.pipe()
        lock = build_lock.hand_over()
        self.output = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stop the build
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--builder", builder,
             f"--beside-source-build={ready}", *(f"--lang={language}" for language in languages), *extra],
            env={**os.environ, **lock}, pass_fds=[ready, *(int(fd) for fd in lock.values())],
            stdout=self.output, stderr=subprocess.STDOUT,
        )
        os.close(ready)
        self.started = False

    def go(self, app):
        if not self.started and app.config.language == LANGUAGES[0]:
            os.write(self.signal, b"1")
            self.started = True

    def wait(self):
        """The process's exit status, after showing what it printed; None if it never built."""
        os.close(self.signal)
        status = self.process.wait()
        if not self.started:
            return None
        self.output.seek(0)
        sys.stdout.flush()
        sys.stdout.buffer.write(self.output.read())
        sys.stdout.flush()
        return status


def build_beside(out, languages, extra, builder):
    """The source language here; the translations in a second process, from the moment its tutorials ran."""
    translations = Translations(out, languages[1:], extra, builder)
    tutorial_runs.after_runs.append(translations.go)
    try:
        status = sphinx_build(languages[0], out, builder, extra=extra)
    except BaseException:
        translations.process.terminate()
        raise
    finally:
        tutorial_runs.after_runs.remove(translations.go)
    translations_status = translations.wait()
    if translations_status is None:  # the source build stopped before its tutorials ran
        return status
    return status or translations_status


def wait_for_tutorials(ready, languages):
    """The translations' process: import what the build needs, load each language's search
    word splitter, and redraw the figures of each tutorial that has run, until the source
    build's word.

    Returns whether to build (False when the source build stopped first)."""
    import importlib

    import sphinx.application  # noqa: F401
    import sphinx.builders.html  # noqa: F401
    from sphinx.search import languages as search_languages
    from sphinx.util import import_object

    # The word splitter Sphinx's search index picks for each language (IndexBuilder's rule), made
    # and used once now, while this core would idle: for Chinese, jieba loads its dictionary (1 s of
    # the build). Quietly: the build shows no splitter's loading messages.
    logging.disable(logging.INFO)
    try:
        for language in languages:
            splitter = search_languages.get(language) or search_languages.get(language.split("_")[0])
            if splitter is not None:
                splitter = import_object(splitter) if isinstance(splitter, str) else splitter
                splitter(CONF.get("html_search_options") or {}).split("warm up")
    finally:
        logging.disable(logging.NOTSET)

    ours = {path.stem for path in (ROOT / "docs" / "_ext").glob("*.py")}
    for name in CONF["extensions"]:
        if name not in ours:  # ours are light, and build_timing must not start its clock while waiting
            importlib.import_module(name)
    importlib.import_module(CONF.get("html_theme", "alabaster"))
    drawer = start_drawing(languages)
    try:
        with os.fdopen(ready, "rb") as pipe:
            return pipe.read(1) == b"1"
    finally:
        if drawer is not None:
            drawer.kill()  # at once: the build redraws what it left
            drawer.join()
            for language in languages:
                figure_words.remove_partial_drawings(ROOT / "docs", CONF, language)


def start_drawing(languages):
    """A child process that redraws each tutorial's figures in every translation as soon as the
    tutorial has run (figure_words.redraw_finished_tutorials), until it is killed; None where
    processes cannot be forked.

    It runs at idle priority, where the platform has one, so that it draws only when the
    tutorials leave a core free, and it is killed, not waited for, when they have all run: at
    idle priority on busy cores, waiting would hold the build up.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    drawer = multiprocessing.get_context("fork").Process(target=draw_until_killed, args=(languages, os.getpid()))
    drawer.start()
    return drawer


def draw_until_killed(languages, parent):
    if hasattr(os, "sched_setscheduler"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    drawn = set()
    while os.getppid() == parent:  # a parent killed before it could kill this leaves it nothing to do
        drawn |= figure_words.redraw_finished_tutorials(ROOT / "docs", CONF, languages, drawn)
        time.sleep(0.25)


def theme_text(language, message):
    """``message`` in ``language``, from its sphinx.po (the theme's catalog), else as it is."""
    po = catalog_checks.locale_dir(language) / "sphinx.po"
    if po.exists():
        translated = catalog_checks.load(po).get(message)
        if translated is not None and translated.string and not translated.fuzzy:
            return translated.string
    return message


def write_root_pages(site, languages):
    """index.html, which picks a language; with a site URL also 404.html and sitemap.xml."""
    site_url = CONF["blitz_site_url"].rstrip("/")
    context = {
        "site_url": site_url,
        "languages": [
            {
                "code": code,
                "tag": language_tag(code),
                "name": CONF["blitz_languages"][code]["name"],
                "title": CONF["blitz_languages"][code].get(
                    "html_title", CONF["blitz_languages"][LANGUAGES[0]]["html_title"]
                ),
                "not_found": theme_text(code, "Page not found"),
                "no_page": theme_text(code, "There is no page at this address."),
                "home": theme_text(code, "Go to the home page"),
            }
            for code in languages
        ],
    }
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "docs"), autoescape=True, keep_trailing_newline=True
    )
    (site / "index.html").write_text(templates.get_template("root_index.html").render(context), encoding="utf-8")
    for stale in ("404.html", "sitemap.xml"):
        (site / stale).unlink(missing_ok=True)
    if site_url:
        (site / "404.html").write_text(templates.get_template("root_404.html").render(context), encoding="utf-8")
        write_sitemap(site, languages, site_url)


def write_sitemap(site, languages, site_url):
    """sitemap.xml for every language, each page listing its translations."""
    pages = sorted(
        page.relative_to(site / languages[0]).as_posix()
        for page in (site / languages[0]).rglob("*.html")
        if page.name not in ("search.html", "genindex.html") and not page.parts[-2].startswith("_")
    )
    entries = []
    for page in pages:
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang="{language_tag(code)}" href="{site_url}/{code}/{page}"/>'
            for code in languages
        )
        entries += [f"  <url>\n    <loc>{site_url}/{code}/{page}</loc>{alternates}\n  </url>" for code in languages]
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n",
        encoding="utf-8",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build")
    parser.add_argument("--lang", action="append", choices=LANGUAGES)
    parser.add_argument("--builder", default="html", help="Sphinx's builder: html, or linkcheck (online)")
    # Internal: the translations' process of build_beside (no checks, no lock of its own, no root pages).
    parser.add_argument("--beside-source-build", type=int, metavar="FD", help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args(argv)
    out = args.out.resolve()
    if args.beside_source_build is not None:
        sys.exit(build_in_turn(out, args.lang, extra, args.builder)
                 if wait_for_tutorials(args.beside_source_build, args.lang) else 0)
    if build_site(out, args.lang or LANGUAGES, extra, args.builder):
        sys.exit("The build failed; see the messages above.")
    print(f"Site built: {out / 'html' / 'index.html'}")


def end_process(code):
    """Exit with ``code``, as ``sys.exit`` would, but without the interpreter's teardown.

    Once the site is written, Python still frees torch's, matplotlib's and
    Sphinx's objects one by one: 2.6 s of a 35 s build here (from its last
    exit handler to the process's end), and 1 s of the translations' process,
    which the first waits for. The exit handlers still run first (logging's
    flush, tempfile's clean-up, sphinxcontrib-katex stopping its KaTeX server,
    whose open stdout would keep a caller waiting), then the standard streams
    are flushed and the process ends.
    """
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # CPython's, as used at exit: the one way to run them now
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    try:
        main()
    except SystemExit as done:
        end_process(done.code)
    end_process(0)
