"""Lighthouse's four scores for every page type, in every language, on a phone and a desktop.

A benchmark, not a test: it prints one row per page, language and device,
each figure beside its target (performance >= 95, the other three 100), and
the bytes each page transfers before images (gzipped, target <= 400 KB).

The built site (``_build/html``) is served on loopback by a small server that
gzips text as a static host does; Lighthouse 12.2.3 (npm, pinned in
package.json) drives Debian's Chromium. Its mobile preset throttles the
network and CPU as Lighthouse does by default (simulated slow 4G, 4x CPU).

Scores vary from run to run, most on a busy machine (total blocking time is
measured, then scaled to a slow phone), so each page is measured ``--runs``
times (3 by default) and the run with the median performance score is
reported, as Lighthouse's own guidance on variability advises.

Usage: python tools/lighthouse.py [--html DIR] [--page PATH ...] [--preset mobile|desktop]
                                 [--runs N] [--json DIR]
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
# One page of each type: landing, a tutorial with math, one with little math,
# the translators' pages, search.
PAGE_TYPES = {
    "index.html": "landing",
    "tutorials/plot_2_autograd.html": "tutorial, math",
    "tutorials/plot_4_classifier.html": "tutorial, little math",
    "contributing/translating.html": "translators: guide",
    "contributing/glossary.html": "translators: glossary",
    "contributing/status.html": "translators: status",
    "search.html": "search",
}
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
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


def summary(result):
    """Scores, failed audits, and the bytes transferred before images, from one report."""
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
    lcp = result["audits"]["largest-contentful-paint"]["numericValue"] / 1000
    return scores, before_images, total, lcp, failed


def mark(value, target):
    return f"{value} {'✓' if value >= target else '✗'}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", action="append", choices=PAGE_TYPES, help="default: one of each type")
    parser.add_argument("--preset", action="append", choices=("mobile", "desktop"))
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median one is reported")
    parser.add_argument("--json", type=Path, help="keep each Lighthouse report in this folder")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci` in {ROOT}")
    if not Path(CHROMIUM).exists():
        sys.exit("Lighthouse needs Debian's chromium: apt-get install chromium")
    languages = list(runpy.run_path(str(ROOT / "conf.py"))["blitz_languages"])
    for language in languages:
        if not (args.html / language / "index.html").exists():
            sys.exit(f"{args.html / language} has no site: build it first (nox -s docs)")
    reports = args.json or Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)

    httpd = serve(args.html)
    base = f"http://127.0.0.1:{httpd.server_port}/"
    print("| page | type | device | performance (≥ 95; range) | accessibility (100) | best practices (100) "
          "| SEO (100) | LCP s | KB before images (≤ 400) | KB with images | failed audits |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    misses = 0
    try:
        for preset in args.preset or ["mobile", "desktop"]:
            for language in languages:
                for page in args.page or PAGE_TYPES:
                    name = f"{language}/{page}"
                    report = reports / name.replace("/", "_")
                    runs = sorted(
                        (
                            summary(run_lighthouse(base + name, preset, f"{report}.{preset}.{run}.json"))
                            for run in range(1, args.runs + 1)
                        ),
                        key=lambda result: result[0]["performance"],
                    )
                    scores, before_images, total, lcp, failed = runs[len(runs) // 2]
                    cells = [mark(scores[c], target) for c, target in CATEGORIES.items()]
                    if len(runs) > 1:  # the performance score's range over the runs
                        cells[0] += f" ({runs[0][0]['performance']}–{runs[-1][0]['performance']})"
                    misses += sum(scores[c] < target for c, target in CATEGORIES.items())
                    misses += before_images > PAGE_WEIGHT_LIMIT
                    weight = f"{before_images / 1000:.0f} {'✓' if before_images <= PAGE_WEIGHT_LIMIT else '✗'}"
                    print(
                        f"| {name} | {PAGE_TYPES[page]} | {preset} | "
                        + " | ".join(cells)
                        + f" | {lcp:.1f} | {weight} | {total / 1000:.0f} | {', '.join(failed) or '—'} |",
                        flush=True,
                    )
    finally:
        httpd.shutdown()
    print(f"\n{misses} figure(s) miss their target. Reports: {reports}")


if __name__ == "__main__":
    main()
