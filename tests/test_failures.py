"""What happens when something is wrong: each failure names its file and line, and nothing is lost."""

import shutil
import subprocess
import sys

import pytest

from conftest import clean_copy, run_tool

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
        root, "build_site.py", "--lang", "en", "-D", "sphinx_gallery_conf.filename_pattern=plot_9"
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
    build = run_tool(root, "build_site.py", "--lang", "en", "-D", "plot_gallery=0")
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
    assert "examples/plot_4_classifier.py: zh_CN page shows no output" in check.stdout


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    """A second clean build, in a network namespace with no network at all."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rn", "true"]).returncode:
        pytest.skip("unshare -rn is not available here")
    root = clean_copy(tmp_path_factory.mktemp("offline") / "repo")
    build = subprocess.run(
        ["unshare", "-rn", sys.executable, "tools/build_site.py"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800,
    )
    assert build.returncode == 0, build.stdout
    return root


def test_builds_without_network_and_says_so(offline_site):
    page = offline_site / "_build" / "html" / "en" / "tutorials" / "plot_2_autograd.html"
    assert "Pretrained weights unavailable" in page.read_text(encoding="utf-8")
    zh_page = offline_site / "_build" / "html" / "zh_CN" / "tutorials" / "plot_2_autograd.html"
    assert "Pretrained weights unavailable" in zh_page.read_text(encoding="utf-8")


def test_two_clean_builds_give_identical_tutorial_output(offline_site, site):
    """Fixed seeds, and no timestamps, addresses or timings in what the pages show."""
    first = site.root / "docs" / "tutorials"
    second = offline_site / "docs" / "tutorials"
    generated = sorted(p.relative_to(first) for p in first.rglob("*") if p.suffix in {".rst", ".png"})
    assert generated
    different = [str(p) for p in generated if (first / p).read_bytes() != (second / p).read_bytes()]
    assert different == []
