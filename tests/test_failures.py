"""What happens when something is wrong: each failure names its file and line, and nothing is lost."""

import shutil

import pytest

from site_facts import SOURCE, TRANSLATIONS, clean_copy, run_tool

BROKEN_TUTORIAL = '''r"""
A tutorial that breaks
======================

It raises on purpose.
"""

# %%
# The next line fails.

print("about to fail")
raise ValueError("deliberate failure")
'''


def test_failing_tutorial_fails_the_build(tmp_path):
    root = clean_copy(tmp_path / "repo")
    (root / "examples" / "plot_9_broken.py").write_text(BROKEN_TUTORIAL)
    build = run_tool(
        root, "build_site.py", "--lang", SOURCE, "-D", "sphinx_gallery_conf.filename_pattern=plot_9"
    )
    assert build.returncode != 0, "a tutorial that raises must fail the build"
    assert "plot_9_broken.py" in build.stdout
    line = BROKEN_TUTORIAL.splitlines().index('raise ValueError("deliberate failure")') + 1
    assert f'plot_9_broken.py", line {line}' in build.stdout
    assert "ValueError: deliberate failure" in build.stdout


def test_stray_warning_fails_the_build(tmp_path):
    root = clean_copy(tmp_path / "repo")
    index = root / "docs" / "index.rst"
    lines = index.read_text(encoding="utf-8").splitlines()
    lines[5:5] = ["", "See :doc:`a-page-that-does-not-exist`.", ""]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = run_tool(root, "build_site.py", "--lang", SOURCE, "-D", "plot_gallery=0")
    assert build.returncode != 0
    assert "docs/index.rst:7: WARNING: unknown document" in build.stdout


def test_check_catches_tutorials_that_did_not_execute(tmp_path, site):
    assert run_tool(site.root, "check_built.py").returncode == 0
    root = clean_copy(tmp_path / "repo")
    build = run_tool(root, "build_site.py", "-D", "plot_gallery=0")
    assert build.returncode == 0, build.stdout
    check = run_tool(root, "check_built.py")
    assert check.returncode != 0
    assert "examples/plot_2_autograd.py: no recorded execution time" in check.stdout
    assert f"examples/plot_4_classifier.py: {TRANSLATIONS[0]} page shows no output" in check.stdout


def test_builds_without_network_and_says_so(site):
    if not site.offline:
        pytest.skip("unshare -rn is not available here, so the build had network")
    for language in (SOURCE, *TRANSLATIONS):
        page = site.html / language / "tutorials" / "plot_2_autograd.html"
        assert "Pretrained weights unavailable" in page.read_text(encoding="utf-8")


# Trials of what a contributor can get wrong: each fails loudly, names the
# file and line, runs no tutorial for a catalog mistake, and loses nothing.

# Run only the tiny tutorial; its page is in no toctree, which is not what these tests are about.
ONLY_PLOT_9 = ("-D", "sphinx_gallery_conf.filename_pattern=plot_9", "-D", "suppress_warnings=toc.not_included")


def tiny_tutorial(code):
    return f'r"""\nA tiny tutorial\n===============\n\nFor the failure tests.\n"""\n\n# %%\n# It prints.\n\n{code}\n'


def page_text(root, name, language=SOURCE):
    return (root / "_build" / "html" / language / "tutorials" / f"{name}.html").read_text(encoding="utf-8")


def test_a_reverted_failure_is_rebuilt_not_reused(tmp_path):
    root = clean_copy(tmp_path / "repo")
    script = root / "examples" / "plot_9_tiny.py"
    script.write_text(tiny_tutorial('print("the good output")'))
    assert run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9).returncode == 0

    script.write_text(tiny_tutorial('raise ValueError("a failed edit")'))
    assert run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9).returncode != 0
    script.write_text(tiny_tutorial('print("the good output")'))
    build = run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9,
                     env={"BLITZ_EXECUTION_LOG": str(tmp_path / "runs.txt")})
    assert build.returncode == 0, build.stdout
    assert "a failed edit" not in page_text(root, "plot_9_tiny")
    assert "the good output" in page_text(root, "plot_9_tiny")
    assert (tmp_path / "runs.txt").read_text().split() == [SOURCE, "plot_9_tiny.py"]  # ran again


def test_refreshing_catalogs_on_an_edit_then_reverting_rebuilds(tmp_path):
    root = clean_copy(tmp_path / "repo")
    script = root / "examples" / "plot_9_tiny.py"
    script.write_text(tiny_tutorial('print("the good output")'))
    assert run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9).returncode == 0
    script.write_text(tiny_tutorial('print("an edit")'))
    # runs the edited tutorial (its figures' titles are messages) and writes the templates
    assert run_tool(root, "update_catalogs.py", *ONLY_PLOT_9).returncode == 0
    script.write_text(tiny_tutorial('print("the good output")'))
    assert run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9).returncode == 0
    assert "the good output" in page_text(root, "plot_9_tiny")


def test_a_blocked_tutorial_is_stopped_at_its_line(tmp_path):
    root = clean_copy(tmp_path / "repo")
    code = "import time\n\ntime.sleep(3600)"
    (root / "examples" / "plot_9_blocked.py").write_text(tiny_tutorial(code))
    build = run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9, "-D", "blitz_tutorial_time_limit=2",
                     timeout=600)
    assert build.returncode != 0
    line = tiny_tutorial(code).splitlines().index("time.sleep(3600)") + 1
    assert f'plot_9_blocked.py", line {line}' in build.stdout
    assert "TutorialTimeout: still running after 2 s" in build.stdout


def test_a_tutorial_that_writes_files_leaves_the_sources_clean(tmp_path):
    root = clean_copy(tmp_path / "repo")
    (root / "examples" / "plot_9_writes.py").write_text(tiny_tutorial('open("notes.txt", "w").write("x")'))
    before = sorted(p.name for p in (root / "examples").iterdir())
    assert run_tool(root, "build_site.py", "--lang", SOURCE, *ONLY_PLOT_9).returncode == 0
    assert sorted(p.name for p in (root / "examples").iterdir()) == before


def test_a_misnamed_tutorial_says_why_it_did_not_run(tmp_path):
    root = clean_copy(tmp_path / "repo")
    (root / "examples" / "tensors_extra.py").write_text(tiny_tutorial('print("never")'))
    check = run_tool(root, "check_built.py")
    assert check.returncode != 0
    assert "examples/tensors_extra.py: never runs: its name does not match" in check.stdout


ZH = TRANSLATIONS[0]
# Damage a translator can do to one message, and what the checks must say.
DAMAGE = [
    ("escape", lambda s: s[:-1] + '\\q"', "is not a PO escape"),
    ("indented line", lambda s: s[:-1] + '\\n   缩进的一行"', "the translation is not one paragraph"),
    ("literal marker", lambda s: s[:-1] + '::"', "ends with '::'"),
    ("raw HTML", lambda s: s[:-1] + '<b>粗体</b>"', "HTML in the translation"),
]


def damage(root, how):
    """Damage the msgstr of the first real message of the landing page's catalog; return the catalog."""
    po = root / "locales" / ZH / "LC_MESSAGES" / "index.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith('msgid "') and line != 'msgid ""')
    lines[first + 1] = how(lines[first + 1])
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return po


@pytest.mark.parametrize(("kind", "how", "said"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_translation_stops_everything_and_keeps_the_text(tmp_path, kind, how, said):
    root = clean_copy(tmp_path / "repo")
    po = damage(root, how)
    written = po.read_bytes()

    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode != 0
    assert f"locales/{ZH}/LC_MESSAGES/index.po:" in check.stdout and said in check.stdout
    assert "nox -s catalogs` to rewrite" not in check.stdout, "the advice would keep the damage"

    runs = tmp_path / "runs.txt"
    build = run_tool(root, "build_site.py", env={"BLITZ_EXECUTION_LOG": str(runs)})
    assert build.returncode != 0
    assert f"locales/{ZH}/LC_MESSAGES/index.po:" in build.stdout and said in build.stdout
    assert not runs.exists(), "no tutorial may run before the catalogs are known to be good"
    assert "report this error" not in build.stdout

    refresh = run_tool(root, "update_catalogs.py")
    assert refresh.returncode != 0 and said in refresh.stdout
    assert po.read_bytes() == written, "nothing the translator wrote is lost"


def test_a_duplicate_msgid_is_named_not_dropped(tmp_path):
    root = clean_copy(tmp_path / "repo")
    po = root / "locales" / ZH / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    entry = text[text.index('\nmsgid "', text.index('msgstr ""')) + 1:].split("\n\n")[0]
    po.write_text(text.rstrip("\n") + "\n\n" + entry + "\n", encoding="utf-8")
    written = po.read_bytes()
    check = run_tool(root, "catalogs.py", "check")
    assert "is already defined at line" in check.stdout
    refresh = run_tool(root, "update_catalogs.py")
    assert refresh.returncode != 0 and po.read_bytes() == written


def test_a_syntax_error_is_named_without_a_crash_report(tmp_path):
    root = clean_copy(tmp_path / "repo")
    po = root / "locales" / ZH / "LC_MESSAGES" / "index.po"
    lines = po.read_text(encoding="utf-8").splitlines() + ['msgid "unterminated']
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = run_tool(root, "build_site.py")
    assert build.returncode != 0
    assert f"locales/{ZH}/LC_MESSAGES/index.po:{len(lines)}: not valid PO syntax" in build.stdout
    assert "report this error" not in build.stdout and "generating gallery" not in build.stdout


def test_a_deleted_catalog_shows_english_and_counts_as_missing(tmp_path):
    root = clean_copy(tmp_path / "repo")
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode == 0
    glossary_page = root / "_build" / "html" / ZH / "contributing" / "glossary.html"
    translated_title = glossary_page.read_text(encoding="utf-8").split("<h1>")[1][:20]
    (root / "locales" / ZH / "LC_MESSAGES" / "contributing" / "glossary.po").unlink()
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode == 0
    assert "<h1>Glossary" in glossary_page.read_text(encoding="utf-8"), translated_title
    status = (root / "_build" / "html" / ZH / "contributing" / "status.html").read_text(encoding="utf-8")
    assert "glossary.html" in status and "缺少消息目录" in status and "100%</td></tr></tbody>" not in status


INTERRUPT_ON_THIRD_PAGE = '''"""Test helper: stop the build like Ctrl-C while the translation's pages are written."""

written = []


def interrupt(app, pagename, templatename, context, doctree):
    if app.config.language != list(app.config.blitz_languages)[0]:
        written.append(pagename)
        if len(written) == 3:
            raise KeyboardInterrupt


def setup(app):
    app.connect("html-page-context", interrupt)
'''


def test_an_interrupted_build_is_finished_by_the_next(tmp_path):
    root = clean_copy(tmp_path / "repo")
    (root / "docs" / "_ext" / "interrupt_once.py").write_text(INTERRUPT_ON_THIRD_PAGE)
    conf = root / "conf.py"
    original = conf.read_text(encoding="utf-8")
    conf.write_text(original.replace('extensions = [\n', 'extensions = [\n    "interrupt_once",\n'), encoding="utf-8")
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode != 0
    conf.write_text(original, encoding="utf-8")
    build = run_tool(root, "build_site.py", "-D", "plot_gallery=0")
    assert build.returncode == 0, build.stdout
    index = {language: (root / "_build" / "html" / language / "searchindex.js").read_text(encoding="utf-8")
             for language in (SOURCE, ZH)}
    docnames = {language: index[language].split('"docnames":')[1].split("]")[0] for language in index}
    assert docnames[ZH] == docnames[SOURCE], "the translation's search index lacks pages"


def test_two_clean_builds_are_byte_identical(tmp_path):
    """Downloads, notebooks, search index and pages: no timestamps or paths (tutorial outputs are
    compared with a standalone run in test_tutorials, so these builds need not run them)."""
    root = clean_copy(tmp_path / "repo")
    html = root / "_build" / "html"
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode == 0
    first = html.rename(tmp_path / "first")
    shutil.rmtree(root / "_build")
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(html) for p in html.rglob("*") if p.is_file())
    different = [str(p) for p in files if (first / p).read_bytes() != (html / p).read_bytes()]
    assert different == []
