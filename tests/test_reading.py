"""What a reader sees of titles and figures, in Chromium: dark theme, narrow screens, no repeated words."""

import io
import os
import shutil
import subprocess

import pytest

from site_facts import PARTS, SOURCE, TRANSLATIONS, require_browser

require_browser()

ZH = TRANSLATIONS[0]
Image = pytest.importorskip("PIL.Image")


def has_chinese_font():
    """Without a CJK font Chromium draws boxes, and line breaks inside words cannot be seen."""
    fc_list = shutil.which("fc-list")
    return bool(fc_list and subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip())


def luminance(png):
    """Mean grey level of a screenshot, and the range from its darkest to its lightest pixel, 0 to 1."""
    grey = Image.open(io.BytesIO(png)).convert("L").tobytes()
    return sum(grey) / len(grey) / 255, (max(grey) - min(grey)) / 255


@pytest.mark.parametrize("path", PARTS)
def test_figures_do_not_glare_in_the_dark_theme(visit, path):
    shots = {}
    for scheme in ("light", "dark"):
        page = visit(color_scheme=scheme, viewport={"width": 1200, "height": 900}).open(f"{ZH}/{path}")
        figure = page.locator("img.sphx-glr-single-img, img.sphx-glr-multi-img").first
        figure.scroll_into_view_if_needed()
        figure.evaluate("image => image.decode()")  # loaded lazily, in a section laid out when near
        shots[scheme] = luminance(figure.screenshot())
    (light, _), (dark, dark_spread) = shots["light"], shots["dark"]
    assert dark <= 0.9 * light, f"the figure is as bright on the dark page ({dark:.2f}) as on the light one ({light:.2f})"
    assert dark_spread >= 0.5, f"the dimmed figure lost its contrast ({dark_spread:.2f})"


TITLE_WORD_BREAK = """selector => {
  const element = document.querySelector(selector);
  if (!element || !element.getClientRects().length) return null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let text = "", top = null, node;
  const breaks = [];
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width && top !== null && rect.top > top + 2) breaks.push(text.length);
      if (rect.width && (top === null || rect.top > top + 2)) top = rect.top;
      text += node.data[i];
    }
  }
  return [text, breaks];
}"""


@pytest.mark.skipif(not has_chinese_font() and not os.environ.get("CI"), reason="needs a Chinese font (fonts-wqy-microhei); .ci/run installs it")
@pytest.mark.parametrize("width", [390, 1000, 1050, 1100])
def test_site_title_breaks_between_words(visit, width):
    """The Chinese title wraps at a space or after punctuation, never inside 深度学习."""
    page = visit(viewport={"width": width, "height": 800}).open(f"{ZH}/index.html")
    seen = 0
    for selector in (".sidebar-brand-text", ".mobile-header .brand"):
        found = page.evaluate(TITLE_WORD_BREAK, selector)
        if found is None:
            continue
        seen += 1
        text, breaks = found
        inside = [text[:i] + " / " + text[i:] for i in breaks if not (text[i - 1].isspace() or text[i - 1] in "：，、")]
        assert inside == [], f"{selector} at {width}px breaks inside a word"
    assert seen


@pytest.mark.parametrize("language", [SOURCE, ZH])
def test_links_do_not_repeat_the_words_before_them(visit, language):
    """如果想参与翻译，请阅读参与翻译: a link's text is not already in its sentence."""
    page = visit().open(f"{language}/index.html")
    repeats = page.eval_on_selector_all(
        "article p a.reference",
        """links => links.filter(a => {
             const before = a.parentElement.textContent.split(a.textContent)[0];
             return a.textContent.trim().length > 1 && before.includes(a.textContent.trim());
           }).map(a => a.parentElement.textContent)""",
    )
    assert repeats == []
