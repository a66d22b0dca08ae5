"""Benchmark the site build and print figures beside their targets.

Builds happen in fresh copies of the repository (what a clone holds), so the
figures are those of a clean checkout and the working tree is not touched:

* a clean English-only build and a clean bilingual build;
* a no-op rebuild of both languages;
* a rebuild after editing the prose of one tutorial;
* how often each tutorial executed, and its execution time;
* the reading time of each tutorial's prose (tools/reading_time.py);
* where the clean bilingual build's time goes: its phases and each
  extension's handlers and transforms, per language (docs/_ext/build_timing.py).

Usage: python tools/bench.py
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from build_site import LANGUAGES
from clean_copy import clean_copy
from reading_time import minutes, reading_times

ROOT = Path(__file__).resolve().parent.parent
EDITED = "plot_1_tensors.py"
# Execution budgets (seconds, on a 2-core machine) of the tutorials that have one.
BUDGETS = {"plot_4_classifier.py": 15, "plot_5_own_data.py": 15}
CLEAN_BILINGUAL_TARGET = 35  # seconds


def build(root, *args, env=None):
    """Time one run of build_site.py in ``root``; return (seconds, executions)."""
    log = root / "executions.txt"
    log.unlink(missing_ok=True)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "tools/build_site.py", *args],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "BLITZ_EXECUTION_LOG": str(log), **(env or {})},
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(result.stdout + f"\nbuild {args} failed in {root}")
    executions = log.read_text().splitlines() if log.exists() else []
    return seconds, executions


def edit_prose(root):
    """Change one sentence of a text cell, as a writer would."""
    script = root / "examples" / EDITED
    text = script.read_text(encoding="utf-8")
    sentence = "# A tensor can be made directly from data."
    assert sentence in text, f"update bench.py: {sentence!r} is gone from {EDITED}"
    script.write_text(text.replace(sentence, sentence + " (Edited.)"), encoding="utf-8")


def verdict(ok):
    return "meets target" if ok else "MISSES TARGET"


def main():
    scripts = sorted(p.name for p in (ROOT / "examples").glob("plot_*.py"))
    with tempfile.TemporaryDirectory() as tmp:
        english = clean_copy(Path(tmp) / "english")
        english_only, _ = build(english, "--lang", LANGUAGES[0])

        site = clean_copy(Path(tmp) / "site")
        times = Path(tmp) / "build-times.jsonl"
        bilingual, executions = build(site, env={"BLITZ_BUILD_TIMES": str(times)})
        where = [json.loads(line) for line in times.read_text().splitlines()]
        no_op, no_op_runs = build(site)
        edit_prose(site)
        after_edit, edit_runs = build(site)
        reading = reading_times(site / "_build" / "html" / LANGUAGES[0])
        costs = {
            script: json.loads((site / "docs" / "tutorials" / script).with_suffix(".cost.json").read_text())["time"]
            for script in scripts
        }

    counts = Counter(executions)
    print("Executions during a clean build of every language:")
    for script in scripts:
        runs = [counts[f"{language} {script}"] for language in LANGUAGES]
        shown = "  ".join(f"{language} {n}" for language, n in zip(LANGUAGES, runs))
        print(f"  {script:28} {shown}   {verdict(runs == [1] + [0] * (len(runs) - 1))}")
    print()
    print("Build times (seconds, wall clock):")
    print(f"  clean English-only build        {english_only:7.1f}")
    print(f"  clean bilingual build           {bilingual:7.1f}   target <= {CLEAN_BILINGUAL_TARGET} s   "
          f"{verdict(bilingual <= CLEAN_BILINGUAL_TARGET)}; "
          f"{bilingual / english_only:.2f} x English-only (target <= 1.30)   "
          f"{verdict(bilingual <= 1.3 * english_only)}")
    print(f"  no-op rebuild of both languages {no_op:7.1f}   "
          f"{no_op / bilingual:.1%} of a clean build (target <= 8 %)   "
          f"{verdict(no_op <= 0.08 * bilingual)}; executed {len(no_op_runs)}")
    print(f"  rebuild after editing {EDITED} {after_edit:5.1f}   executed: "
          f"{', '.join(edit_runs) or 'nothing'}   {verdict(edit_runs == [f'{LANGUAGES[0]} {EDITED}'])}")
    print()
    print("Execution time per tutorial (seconds):")
    for script, seconds in costs.items():
        budget = BUDGETS.get(script)
        target = f"   target <= {budget} s   {verdict(seconds <= budget)}" if budget else ""
        print(f"  {script:28} {seconds:6.1f}{target}")
    print(f"  {'total':28} {sum(costs.values()):6.1f}")
    print()
    print("Reading time of each tutorial's prose (tools/reading_time.py; 200 words a minute):")
    for stem, words in reading.items():
        print(f"  {stem:28} {words:5} words {minutes(words):5.1f} min")
    print()
    print_where_time_goes(where, sum(costs.values()))


def print_where_time_goes(records, executing):
    """The clean bilingual build's phases, then the extensions that took the most, per language."""
    print("Where the clean bilingual build's time goes (seconds; the tutorials execute in the")
    print(f"first language's start-up, {executing:.1f} s, counted in sphinx_gallery's handlers):")
    languages = [record["language"] for record in records]
    print(f"  {'phase':40}" + "".join(f"{language:>9}" for language in languages))
    for phase in records[0]["phases"]:
        print(f"  {phase:40}" + "".join(f"{record['phases'][phase]:9.1f}" for record in records))
    totals = Counter()
    for record in records:
        for kind in ("handlers", "transforms"):
            for name, seconds in record[kind].items():
                totals[f"{name} ({kind[:-1]}s)"] += seconds
    print(f"  {'extension, by total':40}" + "".join(f"{language:>9}" for language in languages))
    for name, _ in totals.most_common(15):
        kind = "handlers" if name.endswith("(handlers)") else "transforms"
        key = name.rsplit(" (", 1)[0]
        print(f"  {name:40}" + "".join(f"{record[kind].get(key, 0):9.1f}" for record in records))


if __name__ == "__main__":
    main()
