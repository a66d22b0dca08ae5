"""Audit the GitHub workflows and Dependabot's settings with zizmor, offline: path:line for each finding.

Usage: python tools/check_workflows.py [DIR]   # DIR: a .github folder; the repository's by default

``nox -s checks`` runs it, so that a pull request that weakens a workflow fails like a broken
catalog. It fails on:

- any finding of zizmor at its default settings (the ``regular`` persona);
- the permission findings of its ``pedantic`` persona too (``excessive-permissions``,
  ``undocumented-permissions``): a grant at the workflow level is flagged there even while every
  job sets its own permissions, because the next job added without them would inherit it;
- an inline suppression (``# zizmor: ignore[audit]``) without a reason after it on the line.

zizmor runs with ``--offline`` (no GitHub API, no token: the audits that need the network, such as
a comment's version against the pinned commit, are left to Dependabot), ``--no-config`` (its
default settings: a configuration file cannot switch an audit off) and ``--strict-collection``
(a workflow it cannot parse is a failure, not a warning).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEDANTIC_ALSO = {"excessive-permissions", "undocumented-permissions"}
SUPPRESSION = re.compile(r"#\s*zizmor:\s*ignore\[[^\]]*\](.*)$")


def zizmor_command():
    """The zizmor of this Python's environment (requirements-checks.txt pins it), else one on PATH."""
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    return str(beside) if beside.exists() else shutil.which("zizmor")


def shown(path):
    """A path as the problems name it: relative to the repository when inside it."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def zizmor_findings(folder, persona):
    """zizmor's findings on ``folder`` at a persona, as (path, line, message); raise RuntimeError if it fails."""
    zizmor = zizmor_command()
    if zizmor is None:
        raise RuntimeError("zizmor is not installed: run `nox -s checks`, which installs requirements-checks.txt")
    run = subprocess.run(
        [zizmor, "--offline", "--no-config", "--strict-collection", "--persona", persona,
         "--format", "json", "--no-progress", "--color", "never", str(folder)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "RUST_BACKTRACE": "0"},
    )
    try:
        findings = json.loads(run.stdout)
    except json.JSONDecodeError:  # a workflow it cannot read, say: its message names the file and line
        message = run.stderr.split("Stack backtrace:")[0].strip()
        raise RuntimeError(f"zizmor failed (exit status {run.returncode}):\n{message}") from None
    found = []
    for finding in findings:
        if finding.get("ignored"):
            continue
        primary = next((loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary"),
                       finding["locations"][0])
        path = shown(primary["symbolic"]["key"]["Local"]["verbatim_path"])
        line = primary["concrete"]["location"]["start_point"]["row"] + 1
        severity = finding["determinations"]["severity"].lower()
        found.append((path, line, f"zizmor {finding['ident']} ({severity}): {finding['desc']}: "
                                  f"{primary['symbolic']['annotation']} ({finding['url']})", finding["ident"]))
    return found


def unexplained_suppressions(folder):
    """Every ``# zizmor: ignore[...]`` with no reason after it on its line, as (path, line, message)."""
    found = []
    for path in sorted(Path(folder).rglob("*.y*ml")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SUPPRESSION.search(text)
            if match and not match.group(1).strip():
                found.append((shown(path), number, "a zizmor suppression without its reason on the line"))
    return found


def problems(folder=ROOT / ".github"):
    """Every problem of the workflows in ``folder``, one ``path:line: message`` each, sorted."""
    folder = Path(folder)
    found = [finding[:3] for finding in zizmor_findings(folder, "regular")]
    found += [finding[:3] for finding in zizmor_findings(folder, "pedantic")
              if finding[3] in PEDANTIC_ALSO and finding[:3] not in found]
    found += unexplained_suppressions(folder)
    return [f"{path}:{line}: {message}" for path, line, message in sorted(set(found))]


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else ROOT / ".github"
    if folder.name != ".github" or not folder.is_dir():
        # zizmor collects workflows from .github/workflows: any other folder would pass unread.
        print(f"{folder}: not a .github folder; usage: python tools/check_workflows.py [.github]")
        return 2
    try:
        found = problems(folder)
    except RuntimeError as error:
        print(error)
        return 1
    print("\n".join(found) or f"{shown(folder)}: zizmor finds nothing (offline, default settings, "
                                f"and the pedantic permission audits).")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
