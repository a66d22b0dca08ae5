"""The zh_CN catalogs are complete, current and typographically right."""

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


@pytest.mark.parametrize("po", PO_FILES, ids=IDS)
def test_chinese_typography(po):
    problems = catalogs.typography_problems(po)
    assert not problems, "\n".join(problems)


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
