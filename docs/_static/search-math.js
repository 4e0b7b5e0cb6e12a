// Sphinx's search page shows, under each hit, 240 characters of the page's text. There a
// formula is its TeX source between \( \) or \[ \]: widen the cut so that it holds whole
// formulas only, and let the local MathJax typeset them as on the page itself.
(() => {
  if (typeof Search === "undefined") return;
  const plain = Search.makeSearchSummary;
  const FORMULA = /\\\(([\s\S]*?)\\\)|\\\[([\s\S]*?)\\\]/g;
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const summary = plain(htmlText, keywords, anchor);
    if (!summary) return summary;
    const text = Search.htmlToText(htmlText, anchor);
    let shown = summary.textContent.replace(/^\.\.\./, "").replace(/\.\.\.$/, "");
    let start = text.indexOf(shown);
    if (start < 0) return summary;
    let end = start + shown.length;
    for (const m of text.matchAll(FORMULA)) {
      const a = m.index, b = m.index + m[0].length;
      if (a < start && b > start) start = a;
      if (a < end && b > end) end = b;
    }
    summary.textContent = (start > 0 ? "..." : "") + text.slice(start, end).trim() + (end < text.length ? "..." : "");
    summary.classList.add("math");  // the MathJax configuration typesets elements of class "math" only
    const typeset = () => window.MathJax && MathJax.Hub && MathJax.Hub.Queue(["Typeset", MathJax.Hub, summary]);
    // MathJax loads asynchronously: the first summaries can come before it.
    if (window.MathJax && MathJax.Hub) typeset(); else window.addEventListener("load", typeset);
    return summary;
  };
})();
