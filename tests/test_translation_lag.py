"""English may move ahead, visibly: tested as it is used.

An author changes one English sentence of a tutorial and refreshes the
catalogs; the checks and the build pass and report one fuzzy message; the
Chinese page shows that paragraph in English, marked, with a link to its line
in the catalog; the catalog keeps the English it was translated from. A
translator updates it and removes the fuzzy flag: the mark is gone.

One copy of the repository, reusing the session site's tutorial runs (only
the edited tutorial runs again, in the gettext build of `nox -s catalogs`),
and two builds of the Chinese site alone.
"""

import html
import re
import subprocess

import pytest

from build_site import theme_text
from site_facts import REPOSITORY, SOURCE, TRANSLATIONS, catalog_checks, copy_with_runs, language_tag, run_tool

ZH = TRANSLATIONS[0]
SCRIPT = "examples/plot_1_tensors.py"
PAGE = "tutorials/plot_1_tensors"
BEFORE = "Every tensor has a shape, a data type and a device, the place where its data is stored."
AFTER = BEFORE.replace("is stored.", "is kept.")


def paragraph(page_html, english):
    """The <p> element whose text begins with ``english``'s first words."""
    start = re.escape(html.escape(english[:40], quote=False))
    found = re.search(rf"<p[^>]*>{start}.*?</p>", page_html, re.S)
    assert found, f"no paragraph starting {english[:40]!r}"
    return found.group()


@pytest.fixture(scope="module")
def lagging(tmp_path_factory, site):
    """A copy where the English of one paragraph changed and the catalogs were refreshed."""
    root = copy_with_runs(site.root, tmp_path_factory.mktemp("lag") / "repo")
    script = root / SCRIPT
    text = script.read_text(encoding="utf-8")
    before_lines = "# Every tensor has a shape, a data type and a device, the place where its\n# data is stored."
    assert before_lines in text
    script.write_text(text.replace(before_lines, before_lines.replace("is stored.", "is kept.")), encoding="utf-8")
    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    # A git checkout, as a contributor's: the pages name the revision the translation follows.
    git = ["git", "-c", "user.name=Blitz", "-c", "user.email=blitz@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "English changed"]):
        subprocess.run([*git, *command], cwd=root, check=True)
    return root


def build_zh(root):
    build = run_tool(root, "build_site.py", "--lang", ZH, env={"BLITZ_REPOSITORY_URL": REPOSITORY})
    assert build.returncode == 0, build.stdout
    return build.stdout, (root / "_build" / "html" / ZH / f"{PAGE}.html").read_text(encoding="utf-8")


def test_lag_shows_then_goes(lagging):
    root = lagging
    po = catalog_checks.locale_dir(ZH, root / "locales") / f"{PAGE}.po"
    entry = catalog_checks.load(po).get(AFTER)

    # The catalog keeps the old translation, fuzzy, with the English it was translated from.
    assert entry.fuzzy and entry.string
    assert entry.previous_id == [BEFORE]
    assert f"#| msgid {catalog_checks.normalize(BEFORE, width=-1)}\nmsgid " in po.read_text(encoding="utf-8")
    where = f"locales/{ZH}/LC_MESSAGES/{PAGE}.po:{entry.lineno}"
    assert po.read_text(encoding="utf-8").splitlines()[entry.lineno - 1].startswith("msgid ")

    # The checks pass and report exactly that one message, by path:line.
    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode == 0, check.stdout
    assert f"{PAGE} ({ZH}): 1 not translated yet (1 fuzzy, 0 untranslated)" in check.stdout
    assert f"{where}: fuzzy" in check.stdout
    assert check.stdout.count(": fuzzy (") == 1, check.stdout
    # ...unless a release asks for a complete translation.
    strict = run_tool(root, "catalogs.py", "check", env={catalog_checks.REQUIRE_TRANSLATED: "1"})
    assert strict.returncode == 1 and f"{where}: fuzzy" in strict.stdout

    # The translator sees what changed, word by word, and the translation to update.
    changes = run_tool(root, "catalogs.py", "changes")
    assert changes.returncode == 0, changes.stdout
    assert f"{where}: fuzzy" in changes.stdout
    assert "[-stored.-]" in changes.stdout and "{+kept.+}" in changes.stdout
    assert entry.string in changes.stdout

    # The build passes, reports the lag, and the Chinese page shows the paragraph in English, marked.
    log, page = build_zh(root)
    assert f"{where}: fuzzy" in log
    shown = paragraph(page, AFTER)
    assert f'lang="{language_tag(SOURCE)}"' in shown.split(">", 1)[0]
    link = re.search(r'<a class="blitz-lag" lang="([^"]+)" href="([^"]+)"[^>]*>([^<]+)</a>', shown)
    assert link, shown
    assert link.group(1) == language_tag(ZH)  # the mark is in the page's language
    assert link.group(2) == f"{REPOSITORY}/blob/main/locales/{ZH}/LC_MESSAGES/{PAGE}.po#L{entry.lineno}"
    assert link.group(3) == html.escape(theme_text(ZH, "the English changed; translation pending"))
    assert link.group(3) != "the English changed; translation pending"  # in Chinese
    assert page.count('class="blitz-lag"') == 1
    assert 'class="blitz-lag-summary"' in page
    status = (root / "_build" / "html" / ZH / "contributing" / "status.html").read_text(encoding="utf-8")
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    for shown_on in (page, status):  # the built-with line and the status page name the English revision
        assert f'<a href="{REPOSITORY}/commit/{revision}"><code class="docutils literal notranslate">' \
               f"{revision[:7]}" in shown_on
    row = re.search(rf'<a href="[^"]*{PAGE.split("/")[-1]}\.html">.*?</tr>', status, re.S).group()
    assert re.findall(r'<td class="number">(\d+)</td>', row)[1] == "1", row  # its one fuzzy message

    # The translator updates the translation and removes the flag: the lag is gone.
    catalog = catalog_checks.load(po)
    catalog[AFTER].flags.discard("fuzzy")
    with open(po, "wb") as f:
        catalog_checks.write(f, catalog)
    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode == 0 and "Every message is translated." in check.stdout, check.stdout
    log, page = build_zh(root)
    assert "Translation lag" not in log
    assert 'class="blitz-lag' not in page
    tips = re.compile(r'<span class="blitz-term-tip"[^>]*>[^<]*</span>')  # glossary tooltips: the English term
    assert entry.string in re.sub(r"<[^>]+>", "", tips.sub("", page))
