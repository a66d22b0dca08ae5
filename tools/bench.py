"""Benchmark the site build and print figures beside their targets.

Builds happen in fresh copies of the repository (what a clone holds), so the
figures are those of a clean checkout and the working tree is not touched:

* a clean English-only build and a clean bilingual build, one after the other,
  ``--runs`` times (3 by default): a shared virtual machine's speed drifts by
  a third from one minute to the next, so each run's pair is compared, and the
  targets are checked on the medians;
* a no-op rebuild of both languages;
* a rebuild after editing the prose of one tutorial;
* how often each tutorial executed, and its execution time;
* the reading time of each tutorial's prose (tools/reading_time.py);
* where the clean bilingual build's time goes: its phases and each
  extension's handlers and transforms, per language (docs/_ext/build_timing.py).

Usage: python tools/bench.py [--runs N]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from statistics import median
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="pairs of clean builds (default 3)")
    runs = parser.parse_args().runs
    scripts = sorted(p.name for p in (ROOT / "examples").glob("plot_*.py"))
    pairs = []  # each run's English-only and bilingual seconds, and its bilingual build's tutorials
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            english = clean_copy(Path(tmp) / f"english-{run}")
            english_only, _ = build(english, "--lang", LANGUAGES[0])

            site = clean_copy(Path(tmp) / f"site-{run}")
            times = Path(tmp) / f"build-times-{run}.jsonl"
            bilingual, executions = build(site, env={"BLITZ_BUILD_TIMES": str(times)})
            costs = {
                script: json.loads((site / "docs" / "tutorials" / script).with_suffix(".cost.json").read_text())["time"]
                for script in scripts
            }
            pairs.append((english_only, bilingual, costs, times.read_text(), executions))
        # The rebuilds, the reading times and the breakdown: of the run whose bilingual build is the median.
        middle = sorted(range(runs), key=lambda run: pairs[run][1])[runs // 2]
        _, _, costs, times, _ = pairs[middle]
        where = [json.loads(line) for line in times.splitlines()]
        site = Path(tmp) / f"site-{middle}"
        no_op, no_op_runs = build(site)
        edit_prose(site)
        after_edit, edit_runs = build(site)
        reading = reading_times(site / "_build" / "html" / LANGUAGES[0])

    english_only = median(pair[0] for pair in pairs)
    bilingual = median(pair[1] for pair in pairs)
    ratio = median(pair[1] / pair[0] for pair in pairs)
    print(f"Executions during each clean build of every language ({runs} runs):")
    for script in scripts:
        counted = [[Counter(pair[4])[f"{language} {script}"] for pair in pairs] for language in LANGUAGES]
        shown = "  ".join(f"{language} {'/'.join(map(str, n))}" for language, n in zip(LANGUAGES, counted))
        once = all(n == [1] * runs for n in counted[:1]) and all(n == [0] * runs for n in counted[1:])
        print(f"  {script:28} {shown}   {verdict(once)}")
    print()
    print("Clean builds, run by run (seconds, wall clock; the tutorials' execution shows the machine's speed):")
    print(f"  {'run':>5} {'English-only':>13} {'bilingual':>10} {'ratio':>6} {'tutorials executing':>20}")
    for run, (english_run, bilingual_run, run_costs, _, _) in enumerate(pairs, 1):
        print(f"  {run:5} {english_run:13.1f} {bilingual_run:10.1f} {bilingual_run / english_run:6.2f} "
              f"{sum(run_costs.values()):20.1f}")
    print()
    print(f"Build times (seconds, wall clock; clean builds: the median of {runs} runs):")
    print(f"  clean English-only build        {english_only:7.1f}")
    print(f"  clean bilingual build           {bilingual:7.1f}   target <= {CLEAN_BILINGUAL_TARGET} s   "
          f"{verdict(bilingual <= CLEAN_BILINGUAL_TARGET)}; "
          f"{ratio:.2f} x English-only (target <= 1.30)   {verdict(ratio <= 1.3)}")
    print(f"  no-op rebuild of both languages {no_op:7.1f}   "
          f"{no_op / bilingual:.1%} of a clean build (target <= 8 %)   "
          f"{verdict(no_op <= 0.08 * bilingual)}; executed {len(no_op_runs)}")
    print(f"  rebuild after editing {EDITED} {after_edit:5.1f}   executed: "
          f"{', '.join(edit_runs) or 'nothing'}   {verdict(edit_runs == [f'{LANGUAGES[0]} {EDITED}'])}")
    print()
    print(f"Execution time per tutorial (seconds; run {middle + 1}):")
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
