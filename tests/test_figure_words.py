"""Figures, thumbnails and code comments in the page's language, from the one English run.

The figures are redrawn from what the English build pickled (docs/_ext/figure_words.py); the
comments and docstrings of code blocks are messages (docs/_ext/code_comments.py)."""

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from site_facts import LANGUAGES, PARTS, ROOT, TRANSLATIONS, catalog_checks, code_skeleton, glossary

sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import code_comments  # noqa: E402
import figure_words  # noqa: E402
from hidden_messages import english_words  # noqa: E402

ZH = TRANSLATIONS[0]


def zh_catalog(docname):
    """msgid -> translation of a page's zh catalog (translated, not fuzzy), read with babel."""
    po = catalog_checks.locale_dir(ZH) / f"{docname}.po"
    return {m.id: m.string for m in catalog_checks.load(po) if m.id and m.string and not m.fuzzy}


def drawn_texts(fig):
    """Every string matplotlib draws for ``fig`` (tick labels included), read as it draws them."""
    from matplotlib.text import Text

    drawn, draw = [], Text.draw

    def recording(self, renderer):
        if self.get_visible() and self.get_text():
            drawn.append(self.get_text())
        return draw(self, renderer)

    Text.draw = recording
    try:
        figure_words.draw_checked(fig, "test")  # a glyph no font has raises
    finally:
        Text.draw = draw
    return drawn


def test_what_counts_as_a_word():
    assert english_words("max pool, flatten") == ["max", "pool", "flatten"]
    assert english_words("MSE loss") == ["loss"]
    assert english_words("true: 6") == ["true"]
    for text in ["conv1, ReLU", "16 × 5 × 5", "PowBackward0", "Q = 3a³ − b²", "tensor[:, 1] = 0 之后", "LeNet：形状"]:
        assert english_words(text) == [], text
    assert english_words("autograd 记录的图", keep={"autograd"}) == []


def test_code_comments_and_docstrings_are_found_by_the_tokenizer():
    code = 'x = "# not a comment"  # a comment\n# two lines\n# of comment\n' \
        'def f():\n    """Say hi."""\n    return "data"\n'
    assert [m for _, _, m in code_comments.code_messages(code)] == ["a comment", "two lines of comment", "Say hi."]
    chinese = {"a comment": "注释", "two lines of comment": "两行注释", "Say hi.": "问好。"}
    translated = code_comments.translate_code(code, chinese.get)
    assert translated == 'x = "# not a comment"  # 注释\n# 两行注释\ndef f():\n    """问好。"""\n    return "data"\n'


@pytest.fixture(scope="module")
def kept_figures(site):
    figures = sorted((site.root / "docs" / "tutorials" / "images").glob("sphx_glr_*.pickle"))
    assert len(figures) >= 9, "every figure of the English run is kept"
    return figures


def test_every_zh_figure_is_drawn_without_english(site, kept_figures):
    """Read each zh figure's text as matplotlib draws it: words are translated, glyphs all there."""
    _, keep = glossary(ZH)
    for kept in kept_figures:
        docname = f"tutorials/{figure_words.FIGURE_NAME.match(kept.stem)['script']}"
        catalog = zh_catalog(docname)
        for message in figure_words.figure_messages(figure_words.load_figure(kept)):
            assert message in catalog, f"{kept.name}: {message!r} is not translated in {docname}.po"
        fig = figure_words.translate_figure(figure_words.load_figure(kept), lambda m: catalog.get(m, m))
        texts = drawn_texts(fig)
        assert texts, kept.name
        english = {text: english_words(text, keep) for text in texts if english_words(text, keep)}
        assert not english, f"{kept.name} shows English: {english}"
        # What the build saved is what was read here.
        built = np.asarray(Image.open(kept.parent / ZH / f"{kept.stem}.webp").convert("RGBA"))
        assert np.array_equal(built, np.asarray(fig.canvas.buffer_rgba())), kept.name


@pytest.mark.parametrize("name", PARTS)
def test_zh_pages_and_thumbnails_show_the_zh_figures(site, name):
    english = BeautifulSoup((site.html / LANGUAGES[0] / name).read_text(encoding="utf-8"), "html.parser")
    zh = BeautifulSoup((site.html / ZH / name).read_text(encoding="utf-8"), "html.parser")
    en_images = [img["src"] for img in english.select("img.sphx-glr-single-img, img.sphx-glr-multi-img")]
    zh_images = [img["src"] for img in zh.select("img.sphx-glr-single-img, img.sphx-glr-multi-img")]
    assert len(zh_images) == len(en_images) >= 1
    for en_src, zh_src in zip(en_images, zh_images):
        en_bytes = (site.html / LANGUAGES[0] / name).parent.joinpath(en_src).read_bytes()
        zh_bytes = (site.html / ZH / name).parent.joinpath(zh_src).read_bytes()
        assert zh_bytes == (site.root / "docs" / "tutorials" / "images" / ZH / Path(zh_src).name).read_bytes()
        assert zh_bytes != en_bytes, f"{name}: {zh_src} is the English figure"


def test_landing_thumbnails_follow_the_language(site):
    def thumbnails(language):
        soup = BeautifulSoup((site.html / language / "index.html").read_text(encoding="utf-8"), "html.parser")
        sources = [img["src"] for img in soup.select("img") if "_thumb" in img["src"]]
        return [(site.html / language / src).read_bytes() for src in sources]

    en, zh = thumbnails(LANGUAGES[0]), thumbnails(ZH)
    assert len(en) == len(zh) == len(PARTS)
    made = sorted((site.root / "docs" / "tutorials" / "images" / ZH / "thumb").glob("*_thumb.webp"))
    assert sorted(zh) == sorted(p.read_bytes() for p in made)
    assert not set(zh) & set(en)


@pytest.mark.parametrize("name", PARTS)
def test_zh_code_comments_are_chinese_and_the_code_is_the_same(site, name):
    from test_site import downloads, percent_cells  # the files the page's download links point at

    zh, en = downloads(site, ZH, name), downloads(site, LANGUAGES[0], name)
    zh_cells, en_cells = percent_cells(zh[".py"]), percent_cells(en[".py"])
    zh_code = [text for kind, text in zh_cells if kind == "code"]
    en_code = [text for kind, text in en_cells if kind == "code"]
    assert [code_skeleton(c) for c in zh_code] == [code_skeleton(c) for c in en_code]
    terms, keep = glossary(ZH)
    keep = set(keep) | {term["term"] for term in terms if term["translation"] == term["term"]}  # logit

    def english(code):
        return [m for _, _, m in code_comments.code_messages(code) if english_words(m, keep)]

    english_left = [m for code in zh_code for m in english(code)]
    assert not english_left, f"{name}: comments left in English in the zh download: {english_left}"
    for block in BeautifulSoup((site.html / ZH / name).read_text(encoding="utf-8"), "html.parser").select(
        "div.highlight-Python pre, div.highlight-python pre"
    ):
        assert not english(block.get_text()), f"{name}: an English comment on the zh page"
    text = "\n".join(text for kind, text in zh_cells if kind == "markdown")
    without_math = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", "", text, flags=re.S)
    assert not re.search(r"(?<!\\)\\ ", without_math), f"{name}: reST's escaped space left in the zh .py"


def test_figures_are_redrawn_as_soon_as_their_tutorial_has_run(site, tmp_path):
    """build_site's translations process redraws a tutorial's figures once its checksum is current,
    from the catalog as written, and the build then finds them current until the .po changes."""
    import os
    import shutil

    script = "plot_3_neural_networks"
    built = site.root / "docs" / "tutorials"
    gallery, examples, locales = tmp_path / "docs" / "tutorials", tmp_path / "examples", tmp_path / "locales"
    (gallery / "images").mkdir(parents=True)
    examples.mkdir()
    for kept in built.joinpath("images").glob(f"sphx_glr_{script}_*.pickle"):
        shutil.copy2(kept, gallery / "images")
    for name in (f"{script}.py", f"{script}.py.md5"):
        shutil.copy2(built / name, gallery)
    shutil.copy2(ROOT / "examples" / f"{script}.py", examples)
    po = locales / ZH / "LC_MESSAGES" / "tutorials" / f"{script}.po"
    po.parent.mkdir(parents=True)
    shutil.copy2(catalog_checks.locale_dir(ZH) / "tutorials" / f"{script}.po", po)
    conf = {"sphinx_gallery_conf": {"gallery_dirs": "tutorials", "examples_dirs": str(examples),
                                    "thumbnail_size": (250, 175)},
            "locale_dirs": [str(locales)], "gettext_compact": False}
    drawn = gallery / "images" / ZH

    def redraw(done=()):
        return figure_words.redraw_finished_tutorials(tmp_path / "docs", conf, [ZH], set(done))

    # The script was edited since the checksum: its run has not finished, nothing is drawn.
    source = examples / f"{script}.py"
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\n# edited\n", encoding="utf-8")
    assert redraw() == set() and not drawn.exists()
    source.write_text(original, encoding="utf-8")

    # Run: each figure is drawn as the build draws it, and the thumbnail is made.
    assert redraw() == {script}
    images = sorted(drawn.glob("*.webp"))
    assert [p.name for p in images] == [p.name for p in sorted(built.joinpath("images", ZH).glob(f"sphx_glr_{script}_*.webp"))]
    for image in images:
        expected = Image.open(built / "images" / ZH / image.name).convert("RGBA")
        assert np.array_equal(np.asarray(Image.open(image).convert("RGBA")), np.asarray(expected)), image.name
    assert (drawn / "thumb" / f"sphx_glr_{script}_thumb.webp").is_file()
    assert redraw(done={script}) == set()

    # The build finds them current, and redraws them once the .po is newer.
    def build_redraw():
        before = {p: p.stat().st_mtime_ns for p in images}
        kept = sorted((gallery / "images").glob("*.pickle"))
        figure_words.redraw_script(gallery, script, kept, drawn, lambda m: m,
                                   figure_words.catalog_changed([locales], ZH, f"tutorials/{script}"), (250, 175))
        return [p.name for p in images if p.stat().st_mtime_ns != before[p]]

    assert build_redraw() == []
    later = max(p.stat().st_mtime for p in images) + 10
    os.utime(po, (later, later))
    assert build_redraw() == [p.name for p in images]

    # A catalog that does not parse is left to the build, which names it: nothing drawn, no crash.
    shutil.rmtree(drawn)
    po.write_text('msgid "unterminated\n', encoding="utf-8")
    assert redraw() == {script} and not list(drawn.glob("*.webp"))
