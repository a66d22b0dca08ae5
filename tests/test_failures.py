"""What happens when something is wrong: each failure names its file and line, and nothing is lost."""

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
