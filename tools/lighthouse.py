"""Lighthouse's four scores for every tutorial and page type, in every language, on a phone and a desktop.

A benchmark, not a test: it prints one row per page, language and device,
each figure beside its target: performance >= 95 in every run, the other three
100; first contentful paint <= 1.8 s and total blocking time < 150 ms (the
worst run's); the page's DOM size (elements, at most 8,500: laying out
thousands of nodes is what made heavy pages slow on a phone; the test suite
holds the built HTML to 8,000, tests/test_page_weight.py, and the scripts add
a few hundred, copy buttons among them); and the bytes
each page transfers before images (gzipped, target <= 400 KB).

The pages: every tutorial (each ``tutorials/plot_*.html`` of the built site,
so a new part is measured the day it lands) and one page of each other type
(landing, the translators' pages, search).

The built site (``_build/html``) is served on loopback by a small server that
gzips text as a static host does; Lighthouse 12.2.3 (npm, pinned in
package.json) drives Debian's Chromium. Its mobile preset throttles the
network and CPU as Lighthouse does by default (simulated slow 4G, 4x CPU).

Scores vary from run to run, most on a busy machine (total blocking time is
measured, then scaled to a slow phone), so each page is measured ``--runs``
times (3 by default) and the run with the median performance score is
reported, as Lighthouse's own guidance on variability advises.

Usage: python tools/lighthouse.py [--html DIR] [--page PATH ...] [--tutorials] [--language CODE ...]
                                 [--preset mobile|desktop] [--runs N] [--json DIR]
"""

import argparse
import functools
import gzip
import http.server
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# One page of each type besides the tutorials, which are all measured (see pages()).
PAGE_TYPES = {
    "index.html": "landing",
    "contributing/translating.html": "translators: guide",
    "contributing/glossary.html": "translators: glossary",
    "contributing/status.html": "translators: status",
    "search.html": "search",
}
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
FCP_LIMIT = 1.8  # seconds, first contentful paint, the worst run's
TBT_LIMIT = 150  # milliseconds, total blocking time (below), the worst run's
DOM_LIMIT = 8500  # elements of the page (Lighthouse's dom-size), scripts' additions included
PAGE_WEIGHT_LIMIT = 400_000  # bytes transferred before images, gzipped
COMPRESSIBLE = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt", ".map"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Python's file server, gzipping text files as static hosts (GitHub Pages too) do."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # which redirects "dir" to "dir/"
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)


class _Body:
    """What send_head returns: a file-like object that do_GET copies out."""

    def __init__(self, data):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def serve(directory):
    """Serve ``directory`` on a free loopback port in a thread; return the server."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run_lighthouse(url, preset, report):
    """Run Lighthouse on one URL; return its JSON report."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    return json.loads(Path(report).read_text(encoding="utf-8"))


def pages(html, source_language):
    """{page: type}: every tutorial of the built site, then one page of each other type."""
    tutorials = sorted((html / source_language / "tutorials").glob("plot_*.html"))
    return {
        **{f"tutorials/{path.name}": "tutorial" for path in tutorials},
        **PAGE_TYPES,
    }


def summary(result):
    """Scores, metrics, failed audits, and the bytes transferred before images, from one report."""
    scores = {name: round(100 * result["categories"][name]["score"]) for name in CATEGORIES}
    requests = result["audits"]["network-requests"]["details"]["items"]
    before_images = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") != "Image")
    total = sum(r.get("transferSize", 0) for r in requests)
    failed = sorted(
        audit_id
        for name in CATEGORIES
        for ref in result["categories"][name]["auditRefs"]
        if ref["weight"] > 0
        and (audit_id := ref["id"]) in result["audits"]
        and result["audits"][audit_id]["score"] is not None
        and result["audits"][audit_id]["score"] < 1
        and name != "performance"
    )
    audits = result["audits"]
    metrics = {
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "dom": int(audits["dom-size"]["numericValue"]),
    }
    return scores, metrics, before_images, total, failed


def mark(value, target):
    return f"{value} {'✓' if value >= target else '✗'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", action="append", help="a page's path under its language's folder, e.g. "
                        "tutorials/plot_2_autograd.html (default: every tutorial and one page of each other type)")
    parser.add_argument("--tutorials", action="store_true", help="the tutorials only")
    parser.add_argument("--language", action="append", help="default: every language of the site")
    parser.add_argument("--preset", action="append", choices=("mobile", "desktop"))
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median one is reported")
    parser.add_argument("--json", type=Path, help="keep each Lighthouse report in this folder")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in {ROOT}")
    if not Path(CHROMIUM).exists():
        sys.exit("Lighthouse needs Debian's chromium: apt-get install chromium")
    site_languages = list(runpy.run_path(str(ROOT / "conf.py"))["blitz_languages"])
    languages = args.language or site_languages
    for language in languages:
        if not (args.html / language / "index.html").exists():
            sys.exit(f"{args.html / language} has no site: build it first (nox -s docs)")
    page_types = pages(args.html, site_languages[0])
    if args.tutorials:
        page_types = {page: kind for page, kind in page_types.items() if kind == "tutorial"}
    if args.page:
        for page in args.page:
            if not (args.html / languages[0] / page).is_file():
                sys.exit(f"{args.html / languages[0] / page} does not exist")
        page_types = {page: page_types.get(page, "page") for page in args.page}
    reports = args.json or Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)

    httpd = serve(args.html)
    base = f"http://127.0.0.1:{httpd.server_port}/"
    print(f"| page | type | device | performance (≥ 95 in every run; range) | FCP s (≤ {FCP_LIMIT}; worst) "
          f"| TBT ms (< {TBT_LIMIT}; worst) | DOM elements (≤ {DOM_LIMIT:,}) | accessibility (100) "
          "| best practices (100) | SEO (100) | LCP s | KB before images (≤ 400) | KB with images | failed audits |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    misses = 0
    try:
        for preset in args.preset or ["mobile", "desktop"]:
            for language in languages:
                for page, kind in page_types.items():
                    name = f"{language}/{page}"
                    report = reports / name.replace("/", "_")
                    runs = sorted(
                        (
                            summary(run_lighthouse(base + name, preset, f"{report}.{preset}.{run}.json"))
                            for run in range(1, args.runs + 1)
                        ),
                        key=lambda result: result[0]["performance"],
                    )
                    scores, metrics, before_images, total, failed = runs[len(runs) // 2]
                    cells = [mark(scores[c], target) for c, target in CATEGORIES.items()]
                    worst = runs[0][0]["performance"]  # "in every run": the lowest score meets the target
                    cells[0] = mark(worst, CATEGORIES["performance"]).replace(str(worst), str(scores["performance"]), 1)
                    if len(runs) > 1:  # the performance score's range over the runs
                        cells[0] += f" ({worst}–{runs[-1][0]['performance']})"
                    fcp = max(run[1]["fcp"] for run in runs)
                    tbt = max(run[1]["tbt"] for run in runs)
                    dom = metrics["dom"]
                    measured = [
                        f"{metrics['fcp']:.1f} ({fcp:.1f}) {'✓' if fcp <= FCP_LIMIT else '✗'}",
                        f"{metrics['tbt']:.0f} ({tbt:.0f}) {'✓' if tbt < TBT_LIMIT else '✗'}",
                        f"{dom:,} {'✓' if dom <= DOM_LIMIT else '✗'}",
                    ]
                    misses += worst < CATEGORIES["performance"]
                    misses += sum(scores[c] < target for c, target in CATEGORIES.items() if c != "performance")
                    misses += (fcp > FCP_LIMIT) + (tbt >= TBT_LIMIT) + (dom > DOM_LIMIT)
                    misses += before_images > PAGE_WEIGHT_LIMIT
                    weight = f"{before_images / 1000:.0f} {'✓' if before_images <= PAGE_WEIGHT_LIMIT else '✗'}"
                    print(
                        f"| {name} | {kind} | {preset} | {cells[0]} | "
                        + " | ".join(measured + cells[1:])
                        + f" | {metrics['lcp']:.1f} | {weight} | {total / 1000:.0f} | {', '.join(failed) or '—'} |",
                        flush=True,
                    )
    finally:
        httpd.shutdown()
    print(f"\n{misses} figure(s) miss their target. Reports: {reports}")


if __name__ == "__main__":
    main()
