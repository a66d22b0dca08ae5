"""What happens when something is wrong: each failure names its file and line, and nothing is lost."""

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_facts import PAGES, SOURCE, TRANSLATIONS, catalog_checks, clean_copy, run_tool

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


def test_check_catches_tutorials_that_did_not_execute(site, unexecuted_site):
    assert run_tool(site.root, "check_built.py").returncode == 0
    check = run_tool(unexecuted_site, "check_built.py")
    assert check.returncode != 0
    assert "examples/plot_2_autograd.py: no recorded execution time" in check.stdout
    assert f"examples/plot_4_classifier.py: {TRANSLATIONS[0]} page shows no output" in check.stdout


def test_builds_without_network_and_says_so(site):
    if not site.offline:
        pytest.skip("unshare -rn is not available here, so the build had network")
    for language in (SOURCE, *TRANSLATIONS):
        page = site.html / language / "tutorials" / "plot_2_autograd.html"
        assert "Pretrained weights unreachable" in page.read_text(encoding="utf-8")
        own_data = (site.html / language / "tutorials" / "plot_5_own_data.html").read_text(encoding="utf-8")
        assert "Pretrained weights unreachable" in own_data
        assert "RANDOM weights, the download failed: these names mean nothing" in own_data


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


def test_two_clean_builds_are_byte_identical(tmp_path, unexecuted_site):
    """Downloads, notebooks, search index and pages: no timestamps or paths, even from two
    folders (tutorial outputs are compared with a standalone run in test_tutorials, so these
    builds need not run them)."""
    first = unexecuted_site / "_build" / "html"
    root = clean_copy(tmp_path / "repo")
    html = root / "_build" / "html"
    assert run_tool(root, "build_site.py", "-D", "plot_gallery=0").returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(html) for p in html.rglob("*") if p.is_file())
    different = [str(p) for p in files if (first / p).read_bytes() != (html / p).read_bytes()]
    # Sphinx's .buildinfo holds a hash of the configuration, which has the checkout's absolute paths
    # (conf.py's examples_dirs): only what a reader is served must not depend on the folder.
    assert [p for p in different if Path(p).name != ".buildinfo"] == []


# Every other input a contributor edits: damaged, it stops the build (and `nox -s catalogs`)
# before any tutorial runs, naming path:line[:column] and the next step, and is left as it was.

def first_non_ascii(text):
    """(line, column) of the first non-ASCII character: where a GBK file stops being UTF-8."""
    line = next(n for n, row in enumerate(text.splitlines(), 1) if not row.isascii())
    row = text.splitlines()[line - 1]
    return line, next(i for i, char in enumerate(row, 1) if not char.isascii())


def line_number(text, row):
    return text.splitlines().index(row) + 1


def gbk(text):
    line, column = first_non_ascii(text)
    return text.encode("gbk"), (f"{line}:{column}: not UTF-8 (byte 0x{text.splitlines()[line - 1][column - 1].encode('gbk')[0]:02x}; "
                                "the file was saved in another encoding, GBK perhaps); save it again as UTF-8")


def with_bom(text):
    return b"\xef\xbb\xbf" + text.encode(), "1:1: the file starts with a byte-order mark (BOM); save it again as UTF-8 without BOM"


def unclosed_table(text):
    line = line_number(text, "[keep]")
    return text.replace("[keep]", "[keep").encode(), f"{line}:6: not valid TOML: Expected ']' at the end of a table declaration"


def term_without_translation(text):
    line = line_number(text, 'term = "batch"') - 1
    damaged = text.replace('term = "batch"\ntranslation = "批量"\n', 'term = "batch"\n', 1)
    assert damaged != text, "the glossary no longer has the entry this test damages"
    return (damaged.encode(),
            f"{line}: this [[term]] has no translation = \"...\"")


def language_without_name(text):
    line = line_number(text, f'    "{ZH}": {{')
    return text.replace('"name": "简体中文",', '"nmae": "简体中文",').encode(), f"{line}: blitz_languages['{ZH}'] has no \"name\""


def hyphenated_language(text):
    line = line_number(text, f'    "{ZH}": {{')
    tag = ZH.replace("_", "-")
    return (text.replace(f'    "{ZH}": {{', f'    "{tag}": {{').encode(),
            f"{line}: '{tag}' in blitz_languages is not a language code")


def conf_syntax_error(text):
    line = line_number(text, "extensions = [")
    return text.replace("extensions = [", "extensions = [[", 1).encode(), f"{line}:14: Python syntax error: '[' was never closed"


def conf_that_raises(text):
    row = "language = next(iter(blitz_languages))"
    return (text.replace(row, row.replace("blitz_languages", "blitz_language")).encode(),
            f"{line_number(text, row)}: NameError: name 'blitz_language' is not defined")


def query_for_a_missing_page(text):
    row = next(r for r in text.splitlines() if r.endswith('= "tutorials/plot_4_classifier"'))
    return (text.replace(row, row.replace("plot_4_classifier", "plot_4_clasifier"), 1).encode(),
            f"{line_number(text, row)}: the query {row.split(' = ')[0].strip(chr(34))!r} names "
            "'tutorials/plot_4_clasifier', which is no page of the site")


def unquoted_query(text):
    row = next(r for r in text.splitlines() if r.endswith('= "tutorials/plot_4_classifier"'))
    query = row.split(" = ")[0]
    return (text.replace(row, row.replace(query, query.strip('"') + " 2"), 1).encode(),
            f"{line_number(text, row)}:1: not valid TOML: Invalid statement")


def script_syntax_error(text):
    return (text.replace("import torch\n", "import torch(\n", 1).encode(),
            f"{line_number(text, 'import torch')}:13: Python syntax error: invalid syntax")


def garbled_inventory(text):
    return b"# Sphinx inventory version 2\n# Project: x\n# Version: 1\n# no zlib here\nnot compressed", (
        "1: not a Sphinx inventory (")


GLOSSARY = f"locales/{ZH}/glossary.toml"
INPUT_DAMAGE = [
    ("catalog in GBK", f"locales/{ZH}/LC_MESSAGES/index.po", gbk),
    ("catalog with BOM", f"locales/{ZH}/LC_MESSAGES/contributing/translating.po", with_bom),
    ("glossary: unclosed [", GLOSSARY, unclosed_table),
    ("glossary: term without translation", GLOSSARY, term_without_translation),
    ("glossary in GBK", GLOSSARY, gbk),
    ("languages: no name", "conf.py", language_without_name),
    ("languages: hyphenated code", "conf.py", hyphenated_language),
    ("conf.py syntax", "conf.py", conf_syntax_error),
    ("conf.py raises", "conf.py", conf_that_raises),
    ("query: no such page", "tests/search_queries.toml", query_for_a_missing_page),
    ("query: TOML syntax", "tests/search_queries.toml", unquoted_query),
    ("tutorial syntax", "examples/plot_3_neural_networks.py", script_syntax_error),
    ("inventory", "docs/_inventories/python.inv", garbled_inventory),
]


@pytest.mark.parametrize(("name", "path", "how"), INPUT_DAMAGE, ids=[d[0] for d in INPUT_DAMAGE])
def test_a_damaged_input_stops_everything_and_is_kept(tmp_path, name, path, how):
    root = clean_copy(tmp_path / "repo")
    target = root / path
    original = target.read_text(encoding="utf-8") if target.suffix != ".inv" else ""
    written, said = how(original)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(written)

    runs = tmp_path / "runs.txt"
    build = run_tool(root, "build_site.py", env={"BLITZ_EXECUTION_LOG": str(runs)})
    assert build.returncode != 0
    assert f"{path}:{said}" in build.stdout, build.stdout
    assert not runs.exists(), "no tutorial may run before the inputs are known to be good"
    assert "report this error" not in build.stdout and "Traceback" not in build.stdout
    assert "msgstr" not in build.stdout, "no advice about a msgstr: nothing is wrong with one"

    for command in (["update_catalogs.py"], ["catalogs.py", "check"]):
        refused = run_tool(root, *command)
        assert refused.returncode != 0 and f"{path}:{said}" in refused.stdout, refused.stdout
        assert "Traceback" not in refused.stdout
    assert target.read_bytes() == written, "nothing the contributor wrote is lost or rewritten"


def test_a_catalog_with_windows_line_endings_builds_and_the_check_says_how_to_rewrite(tmp_path):
    root = clean_copy(tmp_path / "repo")
    po = root / "locales" / ZH / "LC_MESSAGES" / "index.po"
    good = catalog_checks.load(po)
    po.write_bytes(po.read_bytes().replace(b"\n", b"\r\n"))
    written = po.read_bytes()
    assert catalog_checks.validation_problems(po) == [], "the build accepts it"
    assert [(m.id, m.string) for m in catalog_checks.load(po)] == [(m.id, m.string) for m in good]
    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode != 0
    assert (f"locales/{ZH}/LC_MESSAGES/index.po:1: Windows line endings (CRLF); run `nox -s catalogs` "
            "to rewrite the file with LF endings") in check.stdout
    assert po.read_bytes() == written


def search_index_pages(html, language):
    index = (html / language / "searchindex.js").read_text(encoding="utf-8")
    return set(json.loads(index.split('"docnames":')[1].split("]")[0] + "]"))


def test_two_builds_at_once_leave_one_whole_site(tmp_path):
    root = clean_copy(tmp_path / "repo")
    command = [sys.executable, "tools/build_site.py", "-D", "plot_gallery=0"]
    builds = [subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for _ in range(2)]
    outputs = [build.communicate(timeout=1800)[0] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], "\n".join(outputs)
    waited = [output for output in outputs if "Another build of this checkout is running (pid " in output]
    assert len(waited) == 1, "the second build waits for the first, and says for which process"
    pids = {str(build.pid) for build in builds}
    assert waited[0].split("running (pid ")[1].split(",")[0] in pids
    every_page = {page.removesuffix(".html") for page in PAGES if page != "search.html"}
    for language in (SOURCE, *TRANSLATIONS):
        assert search_index_pages(root / "_build" / "html", language) == every_page, language


def test_a_preview_rebuild_waits_for_a_running_build(tmp_path):
    """`nox -s serve`'s rebuilds are plain sphinx-build runs: they take the same lock."""
    root = clean_copy(tmp_path / "repo")
    lock = root / "_build" / "build.lock"
    lock.parent.mkdir(parents=True)
    log = tmp_path / "preview.txt"
    with open(lock, "a+", encoding="utf-8") as held, open(log, "w") as output:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"pid {os.getpid()}, since now\n")
        held.flush()
        preview = subprocess.Popen(
            [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(root), "-D", f"language={SOURCE}",
             "-D", "plot_gallery=0", str(root / "docs"), str(root / "_build" / "serve" / SOURCE)],
            cwd=root, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while "Another build" not in log.read_text() and preview.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)
        assert preview.poll() is None, "the preview must wait while another build holds the lock"
        assert not (root / "docs" / "tutorials").exists(), "nothing written while waiting"
    assert preview.wait(timeout=900) == 0, log.read_text()
    assert f"Another build of this checkout is running (pid {os.getpid()}, since now;" in log.read_text()
