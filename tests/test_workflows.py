"""The GitHub workflows, up to what only GitHub can run: they parse, call .ci/run, publish only
a commit whose tests passed, and pass zizmor, which `nox -s checks` runs (README, "CI", says what
the first real run still has to prove)."""

import ast
import re
import shutil
import subprocess

import pytest
import yaml

from site_facts import ROOT, run_tool

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


def test_the_checks_answer_within_minutes_without_torch():
    checks = workflow("ci.yml")["jobs"]["checks"]
    assert checks["timeout-minutes"] <= 10
    assert checks["env"]["PIP_EXTRA_INDEX_URL"] == "", "the checks install nothing from PyTorch's index"
    light = [line.split("==")[0] for line in (ROOT / "requirements-checks.txt").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert {"sphinx", "sphinx-lint", "zizmor"} <= set(light) and not {"torch", "torchvision"} & set(light)
    assert "-r requirements-checks.txt" in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    noxfile = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    session = next(node for node in noxfile.body if isinstance(node, ast.FunctionDef) and node.name == "checks")
    assert "CHECKS_REQUIREMENTS" in ast.unparse(session) and "shared_env" not in ast.unparse(session)


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
    notebooks, deploy = pages["jobs"]["notebooks"], pages["jobs"]["deploy"]
    assert notebooks["needs"] == "build" and set(deploy["needs"]) == {"build", "notebooks"}
    assert notebooks["steps"][-1]["env"]["TESTED_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert "$TESTED_SHA" in commands(notebooks)[-1] and "git push" in commands(notebooks)[-1]


def test_ci_run_knows_the_sessions_the_workflows_ask_for():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    sessions = set(re.search(r"^\s+([\w |]+)\) ;;$", script, re.M).group(1).replace(" ", "").split("|"))
    asked = {(run.split() + ["tests"])[1] for name in ("ci.yml", "pages.yml")
             for job in workflow(name)["jobs"].values() if "steps" in job for run in commands(job)
             if run.startswith(".ci/run")}
    assert asked <= sessions
    refused = subprocess.run([str(ROOT / ".ci" / "run"), "publish"], capture_output=True, text=True)
    assert refused.returncode == 2 and "usage: .ci/run [checks|tests|docs|book|linkcheck]" in refused.stderr


# What a security reviewer asks of the workflows (issue 27); zizmor checks most of it in `nox -s checks`.


def all_steps():
    for name in ("ci.yml", "pages.yml"):
        for job_name, job in workflow(name)["jobs"].items():
            for step in job["steps"]:
                yield f"{name}: {job_name}", step


def test_each_job_gets_only_the_permissions_it_needs():
    for name in ("ci.yml", "pages.yml"):
        assert workflow(name)["permissions"] == {}, f"{name}: the workflow grants nothing; its jobs ask"
    granted = {f"{name}: {job_name}": job["permissions"] for name in ("ci.yml", "pages.yml")
               for job_name, job in workflow(name)["jobs"].items()}
    assert granted == {
        "ci.yml: checks": {"contents": "read"},
        "ci.yml: tests": {"contents": "read"},
        "pages.yml: build": {"contents": "read", "pages": "read"},
        "pages.yml: notebooks": {"contents": "write"},  # the only job that writes, and it runs no checked-out code
        "pages.yml: deploy": {"pages": "write", "id-token": "write"},
    }
    assert not any("actions/checkout@" in step.get("uses", "") for step in workflow("pages.yml")["jobs"]["notebooks"]["steps"])


def test_actions_are_pinned_to_a_commit_with_its_version_beside_it():
    uses = [line.strip() for name in ("ci.yml", "pages.yml")
            for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(uses) == 13
    for line in uses:
        assert re.fullmatch(r"(- )?uses: actions/[\w-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+", line), line


def test_checkouts_keep_no_token_and_no_expression_is_expanded_into_a_script():
    for where, step in all_steps():
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, where
        assert "${{" not in step.get("run", ""), f"{where}: pass it through `env:`"


def test_dependabot_proposes_updates_of_the_actions_and_the_pins_weekly():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    assert all(update["schedule"]["interval"] == "weekly" for update in updates.values())


def test_zizmor_finds_nothing_and_checks_runs_it():
    check = run_tool(ROOT, "check_workflows.py")
    assert check.returncode == 0, check.stdout
    assert "zizmor finds nothing" in check.stdout
    noxfile = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    session = next(node for node in noxfile.body if isinstance(node, ast.FunctionDef) and node.name == "checks")
    assert "tools/check_workflows.py" in ast.unparse(session)


def weakened(tmp_path, name, old, new):
    """A copy of .github with one line of a workflow replaced; return the copy and the line's number."""
    copy = tmp_path / ".github"
    shutil.copytree(ROOT / ".github", copy)
    path = copy / "workflows" / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[number] = new
    path.write_text("".join(lines), encoding="utf-8")
    return copy, path, number + 1


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_a_workflow_granting_contents_write_at_the_top_level_fails_the_checks(tmp_path, name):
    copy, path, line = weakened(tmp_path, name, "permissions: {}", "permissions:\n  contents: write\n")
    check = run_tool(ROOT, "check_workflows.py", copy)
    assert check.returncode == 1
    assert f"{path}:{line + 1}: zizmor excessive-permissions (high):" in check.stdout, check.stdout
    assert "contents: write is overly broad at the workflow level" in check.stdout


def test_a_suppression_without_its_reason_fails_the_checks(tmp_path):
    copy, path, line = weakened(tmp_path, "pages.yml", "  workflow_run:", "  workflow_run:  # zizmor: ignore[dangerous-triggers]\n")
    check = run_tool(ROOT, "check_workflows.py", copy)
    assert check.returncode == 1
    assert f"{path}:{line}: a zizmor suppression without its reason on the line" in check.stdout, check.stdout
    copy, path, line = weakened(tmp_path / "again", "pages.yml", "  workflow_run:", "  workflow_run:\n")
    check = run_tool(ROOT, "check_workflows.py", copy)
    assert check.returncode == 1
    assert f"{path}:{line}: zizmor dangerous-triggers (high):" in check.stdout, check.stdout


def test_a_workflow_zizmor_cannot_read_fails_the_checks(tmp_path):
    copy, path, line = weakened(tmp_path, "ci.yml", "  push:", "  push: [\n")
    check = run_tool(ROOT, "check_workflows.py", copy)
    assert check.returncode == 1 and "zizmor failed" in check.stdout
    assert f"{path.relative_to(tmp_path).as_posix()} as workflow" in check.stdout, check.stdout
