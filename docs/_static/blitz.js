// The language links keep the reader's place: same page, same section.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".language-switch a");
  if (link && location.hash) {
    link.href = link.href.split("#")[0] + location.hash;
  }
});

// furo opens its drawers with labels of hidden checkboxes, which a keyboard
// cannot reach (and a label may not take the button role). Make the icon in
// each label a button: focusable, named, with its state, opened by Enter or
// Space; Escape closes an open drawer.
const drawerButtons = [];
for (const label of document.querySelectorAll(".nav-overlay-icon, .toc-overlay-icon")) {
  const box = document.getElementById(label.htmlFor);
  const button = label.querySelector(".icon");
  const title = document.querySelector(`${button.querySelector("use").getAttribute("href")} title`);
  button.tabIndex = 0;
  button.setAttribute("role", "button");
  button.setAttribute("aria-label", title ? title.textContent : box.getAttribute("aria-label"));
  const showState = () => button.setAttribute("aria-expanded", box.checked);
  showState();
  box.addEventListener("change", showState);
  button.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    box.click();
    const drawer = document.querySelector(box.id === "__toc" ? ".toc-drawer" : ".sidebar-drawer");
    if (box.checked) drawer.querySelector("a[href], input, button")?.focus();
  });
  drawerButtons.push({ box, button });
}
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const { box, button } of drawerButtons) {
    if (box.checked && button.offsetParent !== null) {
      box.click();
      button.focus();
    }
  }
});

// The feedback link: on click, add the section the reader is in (the last
// heading scrolled past the top quarter of the window) and the address as the
// browser sees it to the body. It only opens GitHub's form.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".blitz-feedback a");
  if (!link) return;
  link.dataset.href ??= link.href;
  const url = new URL(link.dataset.href);
  const lines = url.searchParams.get("body").split("\n");
  const page = location.href.split("#")[0];
  lines[1] = lines[1].replace(/\S+$/, page);
  const headings = [...document.querySelectorAll("article section > :is(h1, h2)")];
  const current = headings.filter((h) => h.getBoundingClientRect().top < innerHeight / 4).pop();
  if (current) {
    const heading = current.cloneNode(true);
    heading.querySelectorAll(".headerlink, .blitz-original-toggle").forEach((a) => a.remove());
    const name = heading.textContent.trim().slice(0, 100);
    lines.splice(2, 0, `**${link.dataset.sectionLabel}** ${name} (${page}#${current.parentElement.id})`);
  }
  url.searchParams.set("body", lines.join("\n"));
  link.href = url.href;
});

// Sections far from the screen are laid out only as the reader nears them (content-visibility:
// auto, blitz.css), with estimated heights until then. A link to a section far down jumps to its
// estimated place; the sections around it then take their real heights and move it. Land on it
// again once they have (a few frames), instantly, as the jump itself does.
function landOnTarget() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  let frames = 0;
  const land = () => {
    target.scrollIntoView({ behavior: "instant" });
    if (++frames < 4) requestAnimationFrame(land);
  };
  requestAnimationFrame(land);
}
if (document.readyState === "complete") landOnTarget();
else addEventListener("load", landOnTarget, { once: true });
addEventListener("hashchange", landOnTarget);
