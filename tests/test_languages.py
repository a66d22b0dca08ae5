"""The languages come from one list in conf.py: adding one there, with its catalogs, adds it everywhere."""

import re

from bs4 import BeautifulSoup

from site_facts import LANGUAGES, SITE_URL, SOURCE, clean_copy, run_tool

NEW = {"code": "ja", "name": "日本語", "tag": "ja"}
TITLE = "Deep Learning with PyTorch: A 60 Minute Blitz"
TITLE_JA = "PyTorch で学ぶディープラーニング：60 分入門"


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def add_language(root):
    """What a contributor does: an entry in conf.py and a catalog with one message."""
    conf = root / "conf.py"
    text, count = re.subn(
        r"\n}\nlanguage = ",
        f'\n    "{NEW["code"]}": {{"name": "{NEW["name"]}"}},\n}}\nlanguage = ',
        conf.read_text(encoding="utf-8"),
    )
    assert count == 1, "conf.py no longer ends blitz_languages the way this test expects"
    conf.write_text(text, encoding="utf-8")
    po = root / "locales" / NEW["code"] / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "{TITLE}"\nmsgstr "{TITLE_JA}"\n',
                  encoding="utf-8")


def test_a_third_language_appears_everywhere(tmp_path):
    root = clean_copy(tmp_path / "repo")
    add_language(root)
    build = run_tool(root, "build_site.py", "-D", "plot_gallery=0", env={"BLITZ_SITE_URL": SITE_URL})
    assert build.returncode == 0, build.stdout
    html = root / "_build" / "html"
    code, tag = NEW["code"], NEW["tag"]

    home = soup(html / code / "index.html")
    assert home.html["lang"] == tag
    home.h1.select_one(".blitz-original-toggle").decompose()  # 中英对照's button, not the title
    assert home.h1.get_text().rstrip("#¶ ") == TITLE_JA
    for language in [*LANGUAGES, code]:
        page = soup(html / language / "tutorials" / "plot_1_tensors.html")
        switcher = page.select_one(".language-switch a[hreflang=ja]")
        assert switcher.get_text() == NEW["name"]
        assert switcher["href"] == f"../../{code}/tutorials/plot_1_tensors.html"
        alternate = page.select_one("link[rel=alternate][hreflang=ja]")
        assert alternate["href"] == f"{SITE_URL}{code}/tutorials/plot_1_tensors.html"

    root_page = soup(html / "index.html")
    assert f"{code}/index.html" in {a["href"] for a in root_page.select("main a")}
    assert f'"{code}"' in root_page.script.string  # the browser's preference can pick it
    assert f"<loc>{SITE_URL}{code}/tutorials/plot_4_classifier.html</loc>" in (html / "sitemap.xml").read_text()
    assert f"{SITE_URL}{code}/index.html" in (html / "404.html").read_text(encoding="utf-8")

    status = soup(html / SOURCE / "contributing" / "status.html")
    headings = [h.get_text() for h in status.select("article h2[lang]")]
    assert NEW["name"] in headings
    table = status.select("table.blitz-table")[headings.index(NEW["name"])]
    rows = {row[0]: row[1:] for row in ([td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr"))}
    assert rows[TITLE][0] == "1", f"the one translated message is counted: {rows[TITLE]}"
    assert rows["Tensors (no catalog)"][:2] == ["0", "0"]


def test_without_a_site_url_nothing_points_at_a_wrong_address(tmp_path):
    root = clean_copy(tmp_path / "repo")
    build = run_tool(root, "build_site.py", "--lang", SOURCE, "-D", "plot_gallery=0", env={"BLITZ_SITE_URL": ""})
    assert build.returncode == 0, build.stdout
    html = root / "_build" / "html"
    page = soup(html / SOURCE / "tutorials" / "plot_1_tensors.html")
    assert page.select("link[rel=canonical]") == []
    assert page.select("link[rel=alternate][hreflang]") == []
    assert page.select(".language-switch a")  # the switcher needs no address
    assert not (html / "sitemap.xml").exists() and not (html / "404.html").exists()
