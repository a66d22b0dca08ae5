"""The GitHub workflows, up to what only GitHub can run: they parse, call .ci/run, and publish only
a commit whose tests passed (README, "CI", says what the first real run still has to prove)."""

import re
import subprocess

import yaml

from site_facts import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CPU_WHEELS = "https://download.pytorch.org/whl/cpu"


def workflow(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def commands(job):
    return [step["run"] for step in job["steps"] if "run" in step]


def test_ci_checks_pull_requests_and_main_fast_checks_first():
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and ci["on"]["push"]["branches"] == ["main"]
    checks, tests = ci["jobs"]["checks"], ci["jobs"]["tests"]
    assert commands(checks) == [".ci/run checks"]
    assert commands(tests) == [".ci/run"], "the README's test command, as every CI runs it"
    assert tests["needs"] == "checks"


def test_every_job_is_bounded_and_gets_torch_from_the_cpu_index():
    for name in ("ci.yml", "pages.yml"):
        data = workflow(name)
        assert data["env"]["PIP_EXTRA_INDEX_URL"] == CPU_WHEELS, name
        for job_name, job in data["jobs"].items():
            assert 0 < job["timeout-minutes"] <= 75, f"{name}: {job_name}"


def test_pip_and_npm_downloads_are_cached():
    ci = workflow("ci.yml")
    for job_name, job in ci["jobs"].items():
        cached = [step["with"]["path"] for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")]
        assert "~/.cache/pip" in cached, job_name
    assert "~/.npm" in [s["with"]["path"] for s in ci["jobs"]["tests"]["steps"] if "with" in s and "path" in s["with"]]
    setup = {step["uses"].split("@")[0]: step["with"] for step in workflow("pages.yml")["jobs"]["build"]["steps"]
             if "uses" in step and "with" in step}
    assert setup["actions/setup-python"]["cache"] == "pip" and setup["actions/setup-node"]["cache"] == "npm"


def test_publishing_waits_for_the_tests_of_that_commit():
    ci, pages = workflow("ci.yml"), workflow("pages.yml")
    assert list(pages["on"]) == ["workflow_run"], "no other trigger may publish untested commits"
    trigger = pages["on"]["workflow_run"]
    assert trigger["workflows"] == [ci["name"]] and trigger["types"] == ["completed"] and trigger["branches"] == ["main"]
    build = pages["jobs"]["build"]
    assert "github.event.workflow_run.conclusion == 'success'" in build["if"]
    assert "github.event.workflow_run.event == 'push'" in build["if"]
    checkout = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}", "the tested commit, not a later one"
    assert ".ci/run docs" in commands(build)
    assert pages["jobs"]["deploy"]["needs"] == "build"


def test_ci_run_knows_the_sessions_the_workflows_ask_for():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    sessions = set(re.search(r"^\s+([\w |]+)\) ;;$", script, re.M).group(1).replace(" ", "").split("|"))
    asked = {(run.split() + ["tests"])[1] for name in ("ci.yml", "pages.yml")
             for job in workflow(name)["jobs"].values() if "steps" in job for run in commands(job)
             if run.startswith(".ci/run")}
    assert asked <= sessions
    refused = subprocess.run([str(ROOT / ".ci" / "run"), "publish"], capture_output=True, text=True)
    assert refused.returncode == 2 and "usage: .ci/run [checks|tests|docs|book|linkcheck]" in refused.stderr
