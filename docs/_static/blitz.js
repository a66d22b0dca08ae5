// The language links keep the reader's place: same page, same section.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".language-switch a");
  if (link && location.hash) {
    link.href = link.href.split("#")[0] + location.hash;
  }
});
