// The query splitter of the Chinese search (search_words.py): a run of Chinese
// characters becomes the longest words the index holds, read left to right, so
// the query is split the way jieba split the pages. Other text splits at
// spaces and punctuation, as in Sphinx's default splitter.
var splitQuery = (query) => {
  const index = Search._index || { terms: {}, titleterms: {} };
  const known = (word) => Object.hasOwn(index.terms, word) || Object.hasOwn(index.titleterms, word);
  // A piece of three characters or more that is part of an indexed word (雅可比 of
  // 雅可比矩阵) stays whole: Sphinx then matches the words that contain it.
  const partOfWord = (piece) =>
    piece.length > 2 && Object.keys(index.terms).concat(Object.keys(index.titleterms)).some((word) => word.includes(piece));
  const words = [];
  for (const part of query.split(/[^\p{L}\p{N}_\p{Emoji_Presentation}]+/gu)) {
    if (!/\p{Script=Han}/u.test(part)) {
      if (part) words.push(part);
      continue;
    }
    // Chinese and Latin letters can touch (用NumPy): split them apart first.
    for (const run of part.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu)) {
      if (!/\p{Script=Han}/u.test(run)) {
        words.push(run);
        continue;
      }
      let start = 0;
      while (start < run.length) {
        let end = Math.min(run.length, start + 8);
        while (end > start + 1 && !known(run.slice(start, end)) && !partOfWord(run.slice(start, end))) end--;
        const word = run.slice(start, end);
        if (word.length > 1 || known(word)) words.push(word); // the index keeps no single characters
        start = end;
      }
    }
  }
  return words;
};
