// Ranking for Sphinx's search (html_search_scorer; see search_words.py).
//
// Sphinx scores a page 5 when its text has a query word and 15 when a title
// has it, whatever the count, so every page that mentions a word ties with
// the page that teaches it. This adds a BM25 score computed from the word
// counts that search_words.py writes into searchindex.js. It also keeps the
// result snippets to the prose: Sphinx takes them from the page's whole main
// block, language links, download notes and TeX sources included.
var Scorer = {
  // Sphinx's defaults (searchtools.js), unchanged.
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,

  query: "", // the query as typed, in lower case
  terms: [], // its words, as Search._parseQuery stemmed them
  weight: 10, // what a page's BM25 score is worth next to the scores above
  k1: 1.2, // BM25's usual saturation
  b: 0.5, // and less length normalisation than its usual 0.75: a tutorial is long for its content

  score: ([docName, title, anchor, descr, score, filename, kind]) => {
    if (kind !== "text" && kind !== "title") return score;
    const doc = Search._index.docnames.indexOf(docName);
    const heading = kind === "text" && Scorer.headsASection(doc) ? Scorer.title : 0;
    return score + heading + Scorer.weight * Scorer.bm25(doc);
  },

  // Sphinx ranks a section title that contains the query only when the query
  // is half the title or more; "optimizer" heads "Loss function and optimizer".
  headsASection: (doc) => {
    if (!Scorer.query) return false;
    return Object.entries(Search._index.alltitles).some(
      ([title, places]) => title.toLowerCase().includes(Scorer.query) && places.some(([page]) => page === doc)
    );
  },

  partialCounts: (wordcounts, term) => {
    const counts = {};
    for (const [word, pages] of Object.entries(wordcounts))
      if (word.includes(term))
        for (const [doc, count] of Object.entries(pages)) counts[doc] = (counts[doc] || 0) + count;
    return counts;
  },

  bm25: (doc) => {
    const { wordcounts = {}, doclengths = [] } = Search._index;
    const pages = doclengths.length;
    const averageLength = doclengths.reduce((a, b) => a + b, 0) / (pages || 1);
    const { k1, b } = Scorer;
    let sum = 0;
    for (const term of Scorer.terms) {
      // A word the index lacks counts as the words that contain it, as Sphinx matches it.
      const counts = wordcounts[term] || Scorer.partialCounts(wordcounts, term);
      const count = counts[doc] || 0;
      if (!count) continue;
      const found = Object.keys(counts).length;
      const idf = Math.log(1 + (pages - found + 0.5) / (found + 0.5));
      sum += (idf * count * (k1 + 1)) / (count + k1 * (1 - b + (b * doclengths[doc]) / averageLength));
    }
    return sum;
  },
};

(() => {
  const parseQuery = Search._parseQuery;
  Search._parseQuery = (query) => {
    const parsed = parseQuery(query);
    Scorer.query = query.toLowerCase().trim();
    Scorer.terms = [...parsed[1]];
    return parsed;
  };

  const NOT_PROSE = ".language-switch, .sphx-glr-download-link-note, .sphx-glr-footer, .math, div.highlight, .sphx-glr-script-out";
  const pageText = Search.htmlToText;
  Search.htmlToText = (html, anchor) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll(NOT_PROSE).forEach((element) => element.remove());
    // Table cells and list items read as separate phrases, not run together.
    page.querySelectorAll("td, th, li, p, dt, dd").forEach((element) => element.append(" "));
    return pageText(page.documentElement.outerHTML, anchor);
  };
})();
