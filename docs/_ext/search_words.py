"""Search that finds the words the tutorials teach, ranked, with its messages translated.

Sphinx's own search index and ``searchtools.js`` are kept (offline, no server,
no request off the site); this extension adds what no setting of theirs does:

* **Chinese words, split alike on both sides.** Sphinx splits Chinese text
  with jieba, whose dictionary lacks terms such as 归约 or 叶子张量, and
  splits a query only at spaces and punctuation, so 雅可比 was looked up as
  one word while the index held 雅 and 可比. The Chinese search language
  below adds the glossary's renderings to jieba, and its query splitter
  (``search_split.js``, Sphinx's ``js_splitter_code`` hook) cuts a query
  into the longest words the index holds.
* **Ranking by how much a page says about a word.** The index records only
  *whether* a page contains a word, so the page that teaches 优化器 tied
  with every page that mentions it. Each page's word counts are added to
  ``searchindex.js`` and ``search_scorer.js`` (``html_search_scorer``)
  ranks with them (BM25).
* **The search page's messages.** Sphinx's ``translations.js`` comes from
  its own catalog, which lacks the messages of its newer ``searchtools.js``
  (the result summary); the search page gets them from our ``sphinx.po``.
"""

import functools
import json
import re
from collections import Counter
from pathlib import Path

from docutils import nodes

from sphinx.locale import get_translation
from sphinx.search import WordCollector, js_index
from sphinx.search.zh import SearchChinese

import catalog_checks

HERE = Path(__file__).resolve().parent
COUNTS_FILE = "search_word_counts.json"  # in the doctree folder: counts of pages not rewritten
# The messages of searchtools.js that Sphinx's catalogs lack: (singular, plural) or one text.
SEARCH_MESSAGES = [
    ("Search finished, found one page matching the search query.",
     "Search finished, found ${resultCount} pages matching the search query."),
    "Your search did not match any documents. Please make sure that all words are spelled "
    "correctly and that you've selected enough categories.",
]


def glossary_words(language):
    """The Chinese words of the language's glossary renderings (向量-雅可比积 gives 向量, 雅可比积)."""
    path = catalog_checks.glossary_path(language)
    if not path.exists():
        return []
    terms, _kept = catalog_checks.load_glossary(path)
    han = re.compile(f"[{catalog_checks.CJK}]{{2,}}")
    return sorted({word for entry in terms for word in han.findall(entry["translation"])})


def register_chinese(app, config):
    words = glossary_words(config.language)

    class ChineseWithGlossary(SearchChinese):
        """Sphinx's Chinese search, with the glossary in jieba's dictionary and a query splitter."""

        js_splitter_code = (HERE / "search_split.js").read_text(encoding="utf-8")

        glossary_added = False

        def split(self, input):
            # jieba loads its dictionary (a second) on the first word added: only when a page is indexed.
            if not self.glossary_added:
                import jieba

                for word in words:
                    jieba.add_word(word)
                self.glossary_added = True
            return super().split(input)

    app.add_search_language(ChineseWithGlossary)
    if not config.html_search_scorer:
        config.html_search_scorer = str(HERE / "search_scorer.js")


class ProseWords(WordCollector):
    """The words the indexer collects, less code and program output.

    Code repeats its names (``optimizer.zero_grad()`` ... ``optimizer.step()``);
    how often the prose uses a word says better what the page is about.
    """

    def dispatch_visit(self, node):
        if isinstance(node, (nodes.literal_block, nodes.doctest_block)):
            raise nodes.SkipNode
        super().dispatch_visit(node)


def remember_words(lang):
    """Memoise the search language's ``split`` and ``stem``, once per build.

    This extension and Sphinx's indexer split every text of a page alike, and
    splitting is the costly part (jieba, for Chinese): the indexer, which runs
    after ``count_words``, then finds each split done.
    """
    if not getattr(lang, "blitz_remembers", False):
        lang.split = functools.cache(lang.split)
        lang.stem = functools.cache(lang.stem)
        lang.blitz_remembers = True


def count_words(app, doctree, docname):
    """Count the page's words as the indexer stems and filters them."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return
    remember_words(indexer.lang)
    collector = ProseWords(doctree, indexer.lang)
    doctree.walk(collector)
    lang, counts = indexer.lang, Counter()
    for word in collector.found_words + collector.found_title_words:
        stemmed = lang.stem(word).lower()
        if lang.word_filter(stemmed):
            counts[stemmed] += 1
        elif lang.word_filter(word):
            counts[word] += 1
    app.builder.blitz_word_counts = {**getattr(app.builder, "blitz_word_counts", {}), docname: counts}


def add_counts_to_index(app, exception):
    """Write every indexed page's word counts into searchindex.js (Sphinx rewrites it each build)."""
    builder = app.builder
    index_path = Path(builder.outdir) / getattr(builder, "searchindex_filename", "")
    if exception or getattr(builder, "indexer", None) is None or not index_path.is_file():
        return
    saved = Path(app.doctreedir) / COUNTS_FILE
    counts = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    counts.update(getattr(builder, "blitz_word_counts", {}))
    index = js_index.loads(index_path.read_text(encoding="utf-8"))
    counts = {doc: counts.get(doc, {}) for doc in index["docnames"]}
    saved.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    words = {}
    for number, doc in enumerate(index["docnames"]):
        for word, count in counts[doc].items():
            words.setdefault(word, {})[number] = count
    index["wordcounts"] = words
    index["doclengths"] = [sum(counts[doc].values()) for doc in index["docnames"]]
    index_path.write_text(js_index.dumps(index), encoding="utf-8")


def translate_search_page(app, pagename, templatename, context, doctree):
    """Give the search page the messages of searchtools.js, in the page's language.

    Our catalogs hold no plural entries (the catalog checks read one text per
    message), so the result count is two messages; the script gives the
    plural's text to every plural form of the language (Sphinx's
    translations.js knows its rule) but the one that 1 alone uses.
    """
    if pagename != "search" or not (catalog_checks.locale_dir(app.config.language) / "sphinx.po").exists():
        return
    translate = get_translation("sphinx")
    (one, many), failed = SEARCH_MESSAGES
    texts = json.dumps([one, translate(one), translate(many), failed, translate(failed)], ensure_ascii=False)
    script = f"""(() => {{
  const [one, oneText, manyText, failed, failedText] = {texts};
  const forms = [];
  for (let n = 0; n < 100; n++) if (n !== 1) forms[Documentation.PLURAL_EXPR(n)] = manyText;
  forms[Documentation.PLURAL_EXPR(1)] ??= oneText;
  Object.assign(Documentation.TRANSLATIONS, {{ [one]: forms, [failed]: failedText }});
}})();"""
    app.add_js_file(None, body=script)


def setup(app):
    app.connect("config-inited", register_chinese)
    app.connect("doctree-resolved", count_words)
    app.connect("build-finished", add_counts_to_index)
    app.connect("html-page-context", translate_search_page)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
