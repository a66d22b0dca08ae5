"""Each tutorial runs on its own, and every claim it makes holds."""

import runpy
import subprocess
import sys

import numpy as np
import pytest
import torch

from site_facts import ROOT

SCRIPTS = sorted((ROOT / "examples").glob("plot_*.py"))


def test_the_four_parts_exist():
    assert [s.stem for s in SCRIPTS] == [
        "plot_1_tensors", "plot_2_autograd", "plot_3_neural_networks", "plot_4_classifier",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_runs_standalone(script):
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=script.parent
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def run(name):
    """The script's globals after it ran as __main__."""
    return runpy.run_path(str(ROOT / "examples" / f"{name}.py"), run_name="__main__")


@pytest.fixture(scope="module")
def tensors():
    return run("plot_1_tensors")


@pytest.fixture(scope="module")
def tutorial():
    return run("plot_2_autograd")


@pytest.fixture(scope="module")
def networks():
    return run("plot_3_neural_networks")


@pytest.fixture(scope="module")
def classifier():
    return run("plot_4_classifier")


def test_tensor_creation_and_products(tensors):
    assert tensors["x_data"].dtype == torch.int64
    assert tensors["x_ones"].shape == tensors["x_data"].shape
    assert tensors["x_rand"].dtype == torch.float32
    a, b = tensors["a"], tensors["b"]
    assert torch.equal(a @ b, torch.tensor([[19.0, 22.0], [43.0, 50.0]]))
    assert torch.equal(a * b, torch.tensor([[5.0, 12.0], [21.0, 32.0]]))
    assert torch.all(tensors["tensor"].cpu() >= 0)


def test_slice_assignment_changed_only_that_column(tensors):
    before = tensors["before"]
    after = before.clone()
    after[:, 1] = 0
    assert not torch.equal(before, after)
    assert torch.equal(before[:, [0, 2, 3]], after[:, [0, 2, 3]])


def test_numpy_bridge_shares_memory(tensors):
    t, n = tensors["t"], tensors["n"]
    assert t.data_ptr() == n.ctypes.data
    n[0] = 42  # a change through one is seen through the other
    assert t[0].item() == 42


def test_in_place_change_breaks_backward(tensors):
    y = tensors["y"]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_lenet_shapes(networks):
    net = networks["net"]
    assert networks["out"].shape == (1, 10)
    assert sum(p.numel() for p in net.parameters()) == networks["total"] == 61706
    assert networks["relu"].name() == "ReluBackward0"


def test_loss_decreases(networks):
    losses = networks["losses"]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
    assert networks["new_loss"] < networks["old_loss"]  # the hand-made SGD step


def test_classifier_accuracy_and_reload(classifier):
    assert classifier["accuracy"] >= 0.95
    assert classifier["same"]
    losses = classifier["epoch_losses"]
    assert losses[-1] < losses[0] / 10
    per_class = [
        (classifier["predicted"][classifier["test_labels"] == d] == d).float().mean().item()
        for d in range(10)
    ]
    assert min(per_class) > 0.8


def test_classifier_uses_held_out_data(classifier):
    train, test = classifier["train_images"], classifier["test_images"]
    assert len(train) + len(test) == 1797
    flat_train = {tuple(np.round(x.flatten().numpy(), 4)) for x in train}
    overlap = sum(tuple(np.round(x.flatten().numpy(), 4)) in flat_train for x in test)
    assert overlap < len(test) * 0.05  # digits can repeat, but the split is not the training set


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


def test_gradients_accumulate_without_zero_grad(networks):
    net = networks["Net"]()
    input, target, criterion = networks["input"], networks["target"], networks["criterion"]
    criterion(net(input), target).backward()
    first = net.conv1.bias.grad.clone()
    criterion(net(input), target).backward()
    assert torch.allclose(net.conv1.bias.grad, 2 * first)
