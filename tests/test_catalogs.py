"""The translation catalogs are complete, current and typographically right."""

import subprocess
import sys

import pytest
from babel.messages.pofile import escape, read_po

from site_facts import SOURCE, TRANSLATIONS, catalog_checks, catalogs, clean_copy, copy_with_runs, glossary, run_tool

PO_FILES = catalogs()
IDS = [str(catalog_checks.relative(path)) for path in PO_FILES]
ZH = TRANSLATIONS[0]  # the translation the Chinese examples below are about


def test_there_are_catalogs():
    names = {path.name for path in PO_FILES}
    assert {"index.po", "plot_2_autograd.po"} <= names


@pytest.mark.parametrize("po", PO_FILES, ids=IDS)
def test_every_message_translated(po):
    """Lag (untranslated or fuzzy messages) is allowed and reported as a skip, naming each path:line;
    for a release, BLITZ_REQUIRE_TRANSLATED=1 makes it fail, as it always did."""
    problems = catalog_checks.completeness_problems(po)
    if problems and not catalog_checks.require_translated():
        pytest.skip(f"translation lag, allowed ({catalog_checks.REQUIRE_TRANSLATED}=1 makes it fail): "
                    + "; ".join(problems))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("check", ["typography", "markup", "glossary", "wrapping"])
@pytest.mark.parametrize("po", PO_FILES, ids=IDS)
def test_catalog_check(po, check):
    problems = catalog_checks.CHECKS[check](po)
    assert not problems, "\n".join(problems)


def test_sphinx_lint_passes_on_catalogs():
    lint = subprocess.run(
        [sys.executable, "-m", "sphinxlint", "--enable", "all", "--disable", "line-too-long",
         *(str(catalog_checks.locale_dir(language)) for language in TRANSLATIONS)],
        capture_output=True, text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def write_po(tmp_path, entries):
    """A catalog of (English, Chinese) pairs, escaped as PO strings are."""
    po = tmp_path / "sample.po"
    po.write_text("".join(f'msgid {escape(en)}\nmsgstr {escape(zh)}\n\n' for en, zh in entries), encoding="utf-8")
    return po


@pytest.mark.parametrize(
    ("check", "english", "chinese", "reported"),
    [
        ("markup", "Call ``backward()`` now.", "现在调用 backward()。", "markup missing"),
        ("markup", "See :doc:`plot_1_tensors`.", "见 :doc:`plot_2_autograd`。", "markup missing"),
        ("markup", "`Docs <https://a.example/>`_", "`文档 <https://b.example/>`_", "markup missing"),
        ("markup", "Here :math:`x^2`.", "这里 :math:`x^3`。", "markup missing"),
        ("typography", "The gradient, here.", "梯度,在这里。", "half-width punctuation"),
        ("typography", "Use PyTorch.", "使用PyTorch。", "no space between Chinese and Latin"),
        ("typography", "**Note:** read.", "**注意：**请阅读。", "markup touches Chinese"),
        ("glossary", "The gradient of the loss.", "损失的导数。", "'gradient' is '梯度'"),
    ],
)
def test_checks_catch_mistakes(tmp_path, check, english, chinese, reported):
    po = write_po(tmp_path, [(english, chinese)])
    if check == "glossary":
        problems = catalog_checks.glossary_problems(po, glossary(ZH))
    else:
        problems = catalog_checks.CHECKS[check](po)
    assert len(problems) == 1 and reported in problems[0], problems
    assert problems[0].startswith(f"{tmp_path / 'sample.po'}:1: ")


def test_checks_accept_good_translations(tmp_path):
    po = write_po(tmp_path, [
        ("Call ``backward()`` on :math:`Q`.", "对 :math:`Q` 调用 ``backward()``。"),
        ("See :ref:`the end <end-label>`.", "见\\ :ref:`文末 <end-label>`。"),
        ("**Note:** the gradient.", "**注意：**\\ 梯度。"),
    ])
    assert [p for check in ("markup", "typography", "glossary") for p in catalog_checks.CHECKS[check](po)] == []


def test_glossary_terms_are_unique_and_in_use():
    terms, keep = glossary(ZH)
    english = [term["term"].lower() for term in terms]
    assert len(english) == len(set(english))
    assert all(term["translation"] for term in terms)
    assert not {term["term"] for term in terms} & set(keep)  # "Tensor" (the class) may stay, "tensor" not


def test_wrapping_check_names_the_file(tmp_path):
    po = tmp_path / "wrapped.po"
    po.write_text('msgid ""\n"A message wrapped "\n"over two lines"\nmsgstr "一条消息"\n', encoding="utf-8")
    problems = catalog_checks.wrapping_problems(po)
    assert problems and "wrapped.po:1: not in the one wrapping style" in problems[0]
    catalog_checks.rewrap(po)
    assert catalog_checks.wrapping_problems(po) == []


def test_syntax_error_names_file_and_line(tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "Tensors"\nmsgstr "张量"\n\nmsgid "Background\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.po:4: not valid PO syntax"):
        catalog_checks.load(broken)


@pytest.fixture(scope="module")
def templates(tmp_path_factory, site):
    """The messages of the current English sources, from `nox -s catalogs` run in a copy."""
    root = copy_with_runs(site.root, tmp_path_factory.mktemp("gettext") / "repo")
    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    return root / "_build" / "gettext" / SOURCE


def test_catalogs_match_the_english(templates):
    """A msgid the English no longer has, or one missing from a catalog, means stale translations."""
    problems = []
    for pot in sorted(templates.rglob("*.pot")):
        relative = pot.relative_to(templates).with_suffix(".po")
        with open(pot, "rb") as f:
            wanted = {m.id for m in read_po(f) if m.id}
        for language in TRANSLATIONS:
            po = catalog_checks.locale_dir(language) / relative
            if not po.exists():
                problems.append(f"{catalog_checks.relative(po)}: missing; run `nox -s catalogs`")
                continue
            have = {m.id for m in catalog_checks.messages(catalog_checks.load(po))}
            problems += [f"{catalog_checks.relative(po)}: not in the catalog: {i!r}" for i in sorted(wanted - have)]
            problems += [f"{catalog_checks.relative(po)}: no longer in the English: {i!r}" for i in sorted(have - wanted)]
    with open(templates.parent / "sphinx.pot", "rb") as f:
        theme = {m.id for m in read_po(f) if m.id}
    for language in TRANSLATIONS:
        po = catalog_checks.locale_dir(language) / "sphinx.po"
        have = {m.id for m in catalog_checks.messages(catalog_checks.load(po))}
        problems += [f"{catalog_checks.relative(po)}: a template's text is missing: {i!r}" for i in sorted(theme - have)]
    assert not problems, "\n".join(problems)


def test_broken_catalog_fails_the_build(tmp_path):
    root = clean_copy(tmp_path / "repo")
    po = catalog_checks.locale_dir(ZH, root / "locales") / "index.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    lines.append('msgid "unterminated')
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = run_tool(root, "build_site.py", "--lang", ZH, "-D", "plot_gallery=0")
    assert build.returncode != 0
    assert f"locales/{ZH}/LC_MESSAGES/index.po:{len(lines)}: not valid PO syntax" in build.stdout


def test_changed_english_keeps_old_translation_as_fuzzy(tmp_path, site):
    """Nothing is lost: refreshing after an English edit keeps the translation, marked fuzzy."""
    root = copy_with_runs(site.root, tmp_path / "repo")
    page = root / "docs" / "index.rst"
    text = page.read_text(encoding="utf-8")
    assert "This site teaches" in text
    page.write_text(text.replace("This site teaches", "This site shows", 1), encoding="utf-8")
    po = catalog_checks.locale_dir(ZH, root / "locales") / "index.po"
    with open(po, "rb") as f:
        old_entry = next(m for m in read_po(f) if m.id.startswith("This site teaches"))
    old = old_entry.string

    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    entry = next(m for m in catalog_checks.load(po) if m.id.startswith("This site shows"))
    assert entry.fuzzy
    assert entry.string == old  # the old translation, kept

    assert entry.previous_id == [old_entry.id]  # and the English it was translated from
    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode == 0, check.stdout  # lag is reported, not an error
    assert f"index.po:{entry.lineno}: fuzzy (the English changed): 'This site shows" in check.stdout


def test_removed_page_leaves_no_orphan_catalog(tmp_path, site):
    root = copy_with_runs(site.root, tmp_path / "repo")
    catalog_dir = catalog_checks.locale_dir(ZH, root / "locales")
    orphan = catalog_dir / "tutorials" / "plot_0_removed.po"  # a page that is gone
    orphan.write_text('msgid "Removed"\nmsgstr "已删除"\n', encoding="utf-8")
    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    assert f"Removed locales/{ZH}/LC_MESSAGES/tutorials/plot_0_removed.po" in update.stdout
    assert not orphan.exists()
    assert (catalog_dir / "sphinx.po").exists()  # the theme's catalog has no page, and stays


def test_refreshing_catalogs_keeps_their_creation_date(tmp_path):
    """The gettext build stamps every run's time into every catalog; kept, merges stop conflicting."""
    root = clean_copy(tmp_path / "repo")
    pos = catalog_checks.catalogs(ZH, root / "locales")
    before = {po: po.read_bytes() for po in pos}
    # No tutorial runs (their figures' alt texts leave the catalogs; the header is what is tested)
    update = run_tool(root, "update_catalogs.py", "-D", "sphinx_gallery_conf.filename_pattern=plot_9")
    assert update.returncode == 0, update.stdout
    for po in pos:
        date = next(line for line in before[po].splitlines() if line.startswith(b'"POT-Creation-Date: '))
        assert date in po.read_bytes().splitlines(), po
    unchanged = catalog_checks.locale_dir(ZH, root / "locales") / "index.po"
    assert unchanged.read_bytes() == before[unchanged], "a catalog whose page did not change is not rewritten"


def test_fuzzy_translation_is_not_compared_with_the_new_english(tmp_path):
    """An English change of a literal leaves the old translation fuzzy: not shown, so not a markup
    error (the English fix lands on its own); once the translator removes the flag, it is checked."""
    po = tmp_path / "sample.po"
    po.write_text('#, fuzzy\nmsgid "Call ``forward()`` now."\nmsgstr "现在调用 ``backward()``。"\n', encoding="utf-8")
    assert [p for check in ("markup", "structure", "glossary") for p in catalog_checks.CHECKS[check](po)] == []
    assert catalog_checks.validation_problems(po) == []  # the build reads it
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    assert "markup missing" in catalog_checks.validation_problems(po)[0]
