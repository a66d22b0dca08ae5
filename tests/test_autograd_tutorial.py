"""The autograd tutorial runs on its own and every claim it makes holds."""

import runpy
import subprocess
import sys

import pytest
import torch

from conftest import ROOT

SCRIPT = ROOT / "examples" / "plot_2_autograd.py"


def test_runs_standalone():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "gradcheck passed: True" in result.stdout


@pytest.fixture(scope="module")
def tutorial():
    """The script's globals after it ran as __main__."""
    return runpy.run_path(str(SCRIPT), run_name="__main__")


def test_training_step_changed_the_weights(tutorial):
    assert tutorial["labels"].shape == (1, 1000)
    assert tutorial["change"] > 0
    assert isinstance(tutorial["optimizer"], torch.optim.SGD)


def test_gradients_equal_their_formulas(tutorial):
    a, b = tutorial["a"], tutorial["b"]
    assert torch.equal(a.grad, 9 * a.detach() ** 2)
    assert torch.equal(b.grad, -2 * b.detach())
    assert torch.equal(tutorial["a2"].grad, a.grad)  # Q.sum().backward() is equivalent
    assert torch.equal(tutorial["b2"].grad, b.grad)


def test_vector_jacobian_product(tutorial):
    a, b, v = tutorial["a"], tutorial["b"], tutorial["v"]
    J_a, J_b = tutorial["J_a"], tutorial["J_b"]
    assert torch.equal(J_a, torch.diag(9 * a.detach() ** 2))
    assert torch.equal(J_b, torch.diag(-2 * b.detach()))
    assert torch.allclose(J_a.T @ torch.ones(2), a.grad)
    assert torch.allclose(J_a.T @ v, tutorial["a3"].grad)


def test_dag_is_drawn_from_the_live_graph(tutorial):
    dag = tutorial["dag"]
    labels = dict(dag.nodes(data="label"))
    assert sorted(label for node, label in labels.items() if dag.nodes[node]["leaf"]) == ["a", "b"]
    assert {"SubBackward0", "MulBackward0", "PowBackward0"} <= set(labels.values())
    assert tutorial["fig"].axes, "the DAG figure was not drawn"


def test_exclusion_from_the_dag(tutorial):
    x, y, z = tutorial["x"], tutorial["y"], tutorial["z"]
    assert not (x + y).requires_grad and (x + z).requires_grad
    assert tutorial["w"].is_inference()
    assert not tutorial["d"].requires_grad


def test_only_the_new_classifier_changed(tutorial):
    assert tutorial["changed"] == ["fc.weight", "fc.bias"]
    frozen = tutorial["frozen"]
    assert len(frozen) == 60
    assert all(p.grad is None for p in frozen)
    assert tutorial["model"].fc.out_features == 10
