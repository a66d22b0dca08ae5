"""The zh_CN catalogs are complete, current and typographically right."""

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

import catalogs
from conftest import clean_copy, run_tool

PO_FILES = catalogs.catalogs()
IDS = [str(catalogs.relative(path)) for path in PO_FILES]


def test_there_are_catalogs():
    names = {path.name for path in PO_FILES}
    assert {"index.po", "plot_2_autograd.po"} <= names


@pytest.mark.parametrize("po", PO_FILES, ids=IDS)
def test_every_message_translated(po):
    problems = catalogs.completeness_problems(po)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("check", ["typography", "markup", "glossary", "wrapping"])
@pytest.mark.parametrize("po", PO_FILES, ids=IDS)
def test_catalog_check(po, check):
    problems = catalogs.CHECKS[check](po)
    assert not problems, "\n".join(problems)


def test_sphinx_lint_passes_on_catalogs():
    lint = subprocess.run(
        [sys.executable, "-m", "sphinxlint", "--enable", "all", "--disable", "line-too-long",
         str(catalogs.LOCALE_DIR)],
        capture_output=True, text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def write_po(tmp_path, entries):
    po = tmp_path / "sample.po"
    po.write_text("".join(f'msgid "{en}"\nmsgstr "{zh}"\n\n' for en, zh in entries), encoding="utf-8")
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
    problems = catalogs.CHECKS[check](write_po(tmp_path, [(english, chinese)]))
    assert len(problems) == 1 and reported in problems[0], problems
    assert problems[0].startswith(f"{tmp_path / 'sample.po'}:1: ")


def test_checks_accept_good_translations(tmp_path):
    po = write_po(tmp_path, [
        ("Call ``backward()`` on :math:`Q`.", "对 :math:`Q` 调用 ``backward()``。"),
        ("See :ref:`the end <end-label>`.", "见\\ :ref:`文末 <end-label>`。"),
        ("**Note:** the gradient.", "**注意：**\\ 梯度。"),
    ])
    assert [p for check in ("markup", "typography", "glossary") for p in catalogs.CHECKS[check](po)] == []


def test_glossary_terms_are_unique_and_in_use():
    terms, keep = catalogs.load_glossary()
    english = [term["en"].lower() for term in terms]
    assert len(english) == len(set(english))
    assert all(term["zh"] for term in terms)
    assert not {term["en"] for term in terms} & set(keep)  # "Tensor" (the class) may stay, "tensor" not


def test_wrapping_check_names_the_file(tmp_path):
    po = tmp_path / "wrapped.po"
    po.write_text('msgid ""\n"A message wrapped "\n"over two lines"\nmsgstr "一条消息"\n', encoding="utf-8")
    problems = catalogs.wrapping_problems(po)
    assert problems and "wrapped.po:1: not in the one wrapping style" in problems[0]
    catalogs.rewrap(po)
    assert catalogs.wrapping_problems(po) == []


def test_syntax_error_names_file_and_line(tmp_path):
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "Tensors"\nmsgstr "张量"\n\nmsgid "Background\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.po:4: not valid PO syntax"):
        catalogs.load(broken)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The messages of the current English sources, from `nox -s catalogs` run in a copy."""
    root = clean_copy(tmp_path_factory.mktemp("gettext") / "repo")
    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    return root / "_build" / "gettext" / "en"


def test_catalogs_match_the_english(templates):
    """A msgid the English no longer has, or one missing from a catalog, means stale translations."""
    problems = []
    for pot in sorted(templates.rglob("*.pot")):
        relative = pot.relative_to(templates).with_suffix(".po")
        po = catalogs.LOCALE_DIR / relative
        if not po.exists():
            problems.append(f"{catalogs.relative(po)}: missing; run `nox -s catalogs`")
            continue
        with open(pot, "rb") as f:
            wanted = {m.id for m in read_po(f) if m.id}
        have = {m.id for m in catalogs.messages(catalogs.load(po))}
        problems += [f"{catalogs.relative(po)}: not in the catalog: {i!r}" for i in sorted(wanted - have)]
        problems += [f"{catalogs.relative(po)}: no longer in the English: {i!r}" for i in sorted(have - wanted)]
    assert not problems, "\n".join(problems)


def test_broken_catalog_fails_the_build(tmp_path):
    root = clean_copy(tmp_path / "repo")
    po = root / "locales" / "zh_CN" / "LC_MESSAGES" / "index.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    lines.append('msgid "unterminated')
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = run_tool(root, "build_site.py", "--lang", "zh_CN", "-D", "plot_gallery=0")
    assert build.returncode != 0
    assert f"locales/zh_CN/LC_MESSAGES/index.po:{len(lines)}: not valid PO syntax" in build.stdout


def test_changed_english_keeps_old_translation_as_fuzzy(tmp_path):
    """Nothing is lost: refreshing after an English edit keeps the translation, marked fuzzy."""
    root = clean_copy(tmp_path / "repo")
    script = root / "examples" / "plot_2_autograd.py"
    old = "# We create two tensors ``a`` and ``b`` with ``requires_grad=True``. This"
    new = "# We make two tensors ``a`` and ``b`` with ``requires_grad=True``. This"
    text = script.read_text(encoding="utf-8")
    assert old in text
    script.write_text(text.replace(old, new), encoding="utf-8")

    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    po = root / "locales" / "zh_CN" / "LC_MESSAGES" / "tutorials" / "plot_2_autograd.po"
    with open(po, "rb") as f:
        entry = next(m for m in read_po(f) if m.id.startswith("We make two tensors"))
    assert entry.fuzzy
    assert entry.string.startswith("我们创建两个张量")  # the old translation, kept

    check = run_tool(root, "catalogs.py", "check")
    assert check.returncode == 1
    assert f"plot_2_autograd.po:{entry.lineno}: fuzzy (the English changed): 'We make two tensors" in check.stdout


def test_removed_page_leaves_no_orphan_catalog(tmp_path):
    root = clean_copy(tmp_path / "repo")
    catalog_dir = root / "locales" / "zh_CN" / "LC_MESSAGES"
    orphan = catalog_dir / "tutorials" / "plot_0_removed.po"  # a page that is gone
    orphan.write_text('msgid "Removed"\nmsgstr "已删除"\n', encoding="utf-8")
    update = run_tool(root, "update_catalogs.py")
    assert update.returncode == 0, update.stdout
    assert "Removed locales/zh_CN/LC_MESSAGES/tutorials/plot_0_removed.po" in update.stdout
    assert not orphan.exists()
    assert (catalog_dir / "sphinx.po").exists()  # the theme's catalog has no page, and stays
