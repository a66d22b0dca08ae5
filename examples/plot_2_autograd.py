r"""
A gentle introduction to ``torch.autograd``
===========================================

``torch.autograd`` is PyTorch's automatic differentiation engine: it records
what you compute and works out the gradients that training needs. In this
tutorial you take one training step on a real network, check autograd's
gradients against formulas worked out by hand, look at the graph it records,
and freeze part of a model to fine-tune the rest.

**What you will learn**

* what the forward pass, the backward pass and an optimizer step each do;
* how autograd computes gradients, and why it needs an extra argument when
  the output is not a scalar;
* what the Jacobian and the vector-Jacobian product are, and how to check
  gradients numerically;
* how to keep tensors out of the graph, and how to freeze layers.

**Prerequisites:** :doc:`plot_1_tensors` and a little calculus.
"""

# %%
# Background
# ----------
#
# A neural network is a composition of functions applied to its input. The
# functions are defined by *parameters* (weights and biases), which PyTorch
# stores in tensors. Training repeats two steps:
#
# 1. **Forward pass:** the network runs the input through its functions and
#    makes a prediction.
# 2. **Backward pass:** the network measures the error of its prediction and
#    computes the gradient of that error with respect to each parameter by
#    going backwards through the functions (backpropagation). An optimizer
#    then moves each parameter a small step against its gradient.
#
# One training step in PyTorch
# ----------------------------
#
# We take ``resnet18``, an image classifier from ``torchvision``. The helper
# below asks for its pretrained ImageNet weights. They are downloaded once and
# cached; when neither the network nor a cached copy is available, the helper
# says so and continues with randomly initialised weights, which is all this
# tutorial needs: a training step works the same way on any weights.

import contextlib
import io
import socket

import torch
from torchvision.models import ResNet18_Weights, resnet18

torch.manual_seed(0)
if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
print(f"device: {device}")


def load_resnet18():
    socket.setdefaulttimeout(15)  # fail on a blocked network rather than hang
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # torch.hub names its cache path
            model = resnet18(weights=ResNet18_Weights.DEFAULT)
        print("Loaded the pretrained ImageNet weights.")
    except (OSError, RuntimeError) as error:
        model = resnet18(weights=None)
        print(
            f"Pretrained weights unavailable ({type(error).__name__}); "
            "continuing with random initial weights."
        )
    return model.to(device)


model = load_resnet18()

# %%
# The input is a batch of one random image with 3 colour channels, 64 pixels
# high and wide. The labels are random too: 1000 values, one per ImageNet
# class.

data = torch.rand(1, 3, 64, 64, device=device)
labels = torch.rand(1, 1000, device=device)
print(f"data: {tuple(data.shape)}, labels: {tuple(labels.shape)}")

# %%
# The forward pass runs the input through every layer of the model.

prediction = model(data)
print(f"prediction: {tuple(prediction.shape)}")

# %%
# We reduce the error to a single number, the loss, and call ``.backward()``
# on it. Autograd then computes the gradient of the loss with respect to
# every parameter and stores it in that parameter's ``.grad`` attribute.

loss = (prediction - labels).sum()
loss.backward()
print(f"loss: {loss.item():.4f}")
print(f"conv1.weight.grad: {tuple(model.conv1.weight.grad.shape)}")

# %%
# Next we create an optimizer: stochastic gradient descent (SGD) with a
# learning rate of 0.01 and a momentum of 0.9. We register all of the
# model's parameters with it.

optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)

# %%
# Finally ``.step()`` performs one step of gradient descent: the optimizer
# adjusts each parameter using the gradient stored in its ``.grad``. We keep
# a copy of the first convolution's weights to see that they really moved.

weight_before = model.conv1.weight.detach().clone()
optimizer.step()
change = (model.conv1.weight.detach() - weight_before).abs().max().item()
print(f"conv1.weight changed: {not torch.equal(weight_before, model.conv1.weight)}")
print(f"largest change in conv1.weight: {change:.2e}")

# %%
# That is everything you need to train a network. The rest of this tutorial
# looks at how autograd computes those gradients.
#
# Differentiation in autograd
# ---------------------------
#
# We create two tensors ``a`` and ``b`` with ``requires_grad=True``. This
# tells autograd to record every operation on them.

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
print(a)
print(b)

# %%
# From them we compute a new tensor :math:`Q = 3a^3 - b^2`:

Q = 3 * a**3 - b**2
print(Q)

# %%
# Think of ``a`` and ``b`` as the parameters of a network and of ``Q`` as its
# error. Training needs the gradients of the error with respect to the
# parameters:
#
# .. math::
#
#    \frac{\partial Q}{\partial a} = 9a^2 \qquad
#    \frac{\partial Q}{\partial b} = -2b
#
# ``Q`` is a vector with two elements, not a scalar, so ``Q.backward()``
# needs to be told how much each element of ``Q`` counts. We pass that as the
# ``gradient`` argument: a tensor of the same shape as ``Q`` holding the
# gradient of ``Q`` with respect to itself, which is all ones.

external_grad = torch.tensor([1.0, 1.0])
Q.backward(gradient=external_grad)

# %%
# The gradients are now in ``a.grad`` and ``b.grad``, and they match the
# formulas:

print(a.grad)
print(9 * a**2 == a.grad)
print(b.grad)
print(-2 * b == b.grad)

# %%
# Summing ``Q`` into a scalar and calling ``Q.sum().backward()`` gives the
# same gradients, because the derivative of a sum with respect to each of its
# terms is 1. We repeat the computation on fresh copies of ``a`` and ``b``:

a2 = a.detach().clone().requires_grad_()
b2 = b.detach().clone().requires_grad_()
(3 * a2**3 - b2**2).sum().backward()
print(f"same gradient for a: {torch.equal(a2.grad, a.grad)}")
print(f"same gradient for b: {torch.equal(b2.grad, b.grad)}")

# %%
# Vector calculus with autograd
# -----------------------------
#
# For a vector-valued function :math:`\vec{y} = f(\vec{x})`, the gradient of
# :math:`\vec{y}` with respect to :math:`\vec{x}` is the Jacobian matrix
# :math:`J`:
#
# .. math::
#
#    J = \left(\frac{\partial \vec{y}}{\partial x_1} \cdots
#        \frac{\partial \vec{y}}{\partial x_n}\right)
#      = \begin{pmatrix}
#          \frac{\partial y_1}{\partial x_1} & \cdots &
#          \frac{\partial y_1}{\partial x_n} \\
#          \vdots & \ddots & \vdots \\
#          \frac{\partial y_m}{\partial x_1} & \cdots &
#          \frac{\partial y_m}{\partial x_n}
#        \end{pmatrix}
#
# Autograd does not build :math:`J`. Given a vector :math:`\vec{v}`, it
# computes the vector-Jacobian product :math:`J^{T} \cdot \vec{v}`. If
# :math:`\vec{v}` is the gradient of a scalar function :math:`l = g(\vec{y})`,
#
# .. math::
#
#    \vec{v} = \left(\frac{\partial l}{\partial y_1} \cdots
#              \frac{\partial l}{\partial y_m}\right)^{T},
#
# then by the chain rule the vector-Jacobian product is the gradient of
# :math:`l` with respect to :math:`\vec{x}`:
#
# .. math::
#
#    J^{T} \cdot \vec{v} =
#    \begin{pmatrix}
#      \frac{\partial y_1}{\partial x_1} & \cdots &
#      \frac{\partial y_m}{\partial x_1} \\
#      \vdots & \ddots & \vdots \\
#      \frac{\partial y_1}{\partial x_n} & \cdots &
#      \frac{\partial y_m}{\partial x_n}
#    \end{pmatrix}
#    \begin{pmatrix}
#      \frac{\partial l}{\partial y_1} \\ \vdots \\
#      \frac{\partial l}{\partial y_m}
#    \end{pmatrix}
#    = \begin{pmatrix}
#      \frac{\partial l}{\partial x_1} \\ \vdots \\
#      \frac{\partial l}{\partial x_n}
#    \end{pmatrix}
#
# This is what ``external_grad`` was above: it played the role of
# :math:`\vec{v}`, and ``a.grad`` and ``b.grad`` are the products
# :math:`J^{T} \cdot \vec{v}`.
#
# We can check this numerically. :func:`torch.autograd.functional.jacobian`
# builds the full Jacobian of :math:`Q` with respect to ``a`` and to ``b``;
# for this element-wise function both are diagonal.

from torch.autograd.functional import jacobian


def q_of(a, b):
    return 3 * a**3 - b**2


J_a, J_b = jacobian(q_of, (a.detach(), b.detach()))
print(J_a)
print(J_b)

# %%
# Multiplying the transposed Jacobians by :math:`\vec{v}` gives exactly what
# ``backward`` stored:

print(f"J_a^T v equals a.grad: {torch.allclose(J_a.T @ external_grad, a.grad)}")
print(f"J_b^T v equals b.grad: {torch.allclose(J_b.T @ external_grad, b.grad)}")

# %%
# The same holds for any :math:`\vec{v}`, not only a vector of ones:

v = torch.tensor([0.5, -2.0])
a3 = a.detach().clone().requires_grad_()
q_of(a3, b.detach()).backward(gradient=v)
print(f"with v = {v.tolist()}: {torch.allclose(J_a.T @ v, a3.grad)}")

# %%
# Checking gradients numerically
# ------------------------------
#
# :func:`torch.autograd.gradcheck` compares autograd's gradients with
# gradients estimated by finite differences. It needs double precision
# (``float64``) inputs, because single precision is too coarse for finite
# differences.

x = torch.randn(3, dtype=torch.float64, requires_grad=True)
y = torch.randn(3, dtype=torch.float64, requires_grad=True)
print(f"gradcheck passed: {torch.autograd.gradcheck(q_of, (x, y))}")

# %%
# The computational graph
# -----------------------
#
# Autograd keeps a record of tensors and of the operations that produced
# them in a directed acyclic graph (DAG) of ``Function`` objects. The leaves
# are the input tensors and the root is the output tensor. Each tensor made by
# an operation points to the backward function of that operation through its
# ``grad_fn`` attribute, and each function lists the functions of its inputs
# in ``next_functions``. In the list of ``MulBackward0``, ``None`` stands for
# the constant 3, which needs no gradient:

print(Q.grad_fn.name())
print([(fn.name(), index) for fn, index in Q.grad_fn.next_functions])
mul = Q.grad_fn.next_functions[0][0]
print([(fn.name() if fn else None, index) for fn, index in mul.next_functions])

# %%
# During the forward pass, autograd does two things at once: it runs the
# requested operation to compute the resulting tensor, and it records the
# operation's gradient function in the DAG.
#
# The backward pass starts when ``.backward()`` is called on the root. Autograd
# then computes the gradients from each ``grad_fn``, accumulates them in the
# respective tensor's ``.grad`` attribute, and, using the chain rule,
# propagates them all the way to the leaf tensors.
#
# The figure below is drawn from the live graph of ``Q``: we start at
# ``Q.grad_fn`` and follow ``next_functions`` to the leaves. Arrows point in
# the direction of the forward pass, nodes are the backward functions of the
# operations, and the leaf tensors ``a`` and ``b`` are in blue.

import matplotlib.pyplot as plt
import networkx as nx


def graph_of(tensor, names):
    """Walk ``grad_fn`` back to the leaves; return a graph in forward order."""
    graph = nx.DiGraph()
    seen = set()

    def visit(fn, depth):
        if fn in seen:
            return
        seen.add(fn)
        variable = getattr(fn, "variable", None)
        label = names.get(id(variable), type(fn).__name__)
        graph.add_node(fn, label=label, leaf=variable is not None, depth=depth)
        for parent, _ in fn.next_functions:
            if parent is not None:
                visit(parent, depth + 1)
                graph.add_edge(parent, fn)

    visit(tensor.grad_fn, 0)
    graph.add_node("Q", label="Q", leaf=False, depth=-1)
    graph.add_edge(tensor.grad_fn, "Q")
    return graph


dag = graph_of(Q, {id(a): "a", id(b): "b"})
rows = {}
for node, depth in dag.nodes(data="depth"):
    rows.setdefault(depth, []).append(node)
pos = {}  # each node sits below the node it feeds, siblings side by side
for depth in sorted(rows):
    siblings = {}
    for node in rows[depth]:
        siblings.setdefault(next(dag.successors(node), None), []).append(node)
    for successor, nodes in siblings.items():
        x = pos[successor][0] if successor is not None else 0
        for i, node in enumerate(nodes):
            pos[node] = (x + 2.2 * (i - (len(nodes) - 1) / 2), -depth)

fig, ax = plt.subplots(figsize=(7, 5))
for source, target in dag.edges:
    ax.annotate(
        "", xy=pos[target], xytext=pos[source],
        arrowprops=dict(arrowstyle="-|>", color="0.3", shrinkA=14, shrinkB=14),
    )
for node, (x, y) in pos.items():
    leaf = dag.nodes[node]["leaf"]
    ax.text(
        x, y, dag.nodes[node]["label"], ha="center", va="center", color="white",
        bbox=dict(boxstyle="round,pad=0.5", fc="tab:blue" if leaf else "0.35"),
    )
ax.set_xlim(-3, 3)
ax.set_ylim(-max(rows) - 0.5, 1.5)
ax.set_axis_off()
leaves = sorted(dag.nodes[node]["label"] for node, leaf in dag.nodes(data="leaf") if leaf)
print(f"{dag.number_of_nodes()} nodes, leaves: {leaves}")
plt.show()

# %%
# The graph is rebuilt from scratch on every forward pass: after
# ``.backward()``, autograd frees the recorded graph (unless you pass
# ``retain_graph=True``), and the next forward pass records a new one. This is
# what lets you use ordinary Python control flow in a model: the shape, size
# and operations can change from one iteration to the next. A second backward
# pass through the freed graph of ``Q`` fails:

try:
    Q.backward(gradient=external_grad)
except RuntimeError as error:
    print(str(error).split(".")[0])

# %%
# Exclusion from the DAG
# ----------------------
#
# Autograd tracks operations on every tensor whose ``requires_grad`` flag is
# ``True``. The output of an operation requires gradients if at least one of
# its inputs does:

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

print(f"x + y requires grad: {(x + y).requires_grad}")
print(f"x + z requires grad: {(x + z).requires_grad}")

# %%
# Inside a ``torch.no_grad()`` block, autograd records nothing, even for
# inputs that require gradients. This is how evaluation code saves memory and
# time:

with torch.no_grad():
    w = x + z
print(f"inside no_grad, x + z requires grad: {w.requires_grad}")

# %%
# ``torch.inference_mode()`` goes further: tensors created inside it are
# marked as inference tensors, which autograd can never use, so PyTorch can
# skip even more bookkeeping.

with torch.inference_mode():
    w = x + z
print(f"inside inference_mode, x + z requires grad: {w.requires_grad}")
print(f"is an inference tensor: {w.is_inference()}")

# %%
# ``.detach()`` returns a tensor that shares the same data but is cut off
# from the graph:

d = z.detach()
print(f"detached requires grad: {d.requires_grad}")
print(f"shares memory with z: {d.data_ptr() == z.data_ptr()}")

# %%
# Fine-tuning with a frozen backbone
# ----------------------------------
#
# Parameters that do not compute gradients are called *frozen*. Freezing
# part of a model saves computation, and it is the usual way to fine-tune a
# pretrained network: keep most of it fixed and train only a new classifier.
#
# We load ``resnet18`` again and freeze all of its parameters.

model = load_resnet18()
for param in model.parameters():
    param.requires_grad = False

# %%
# Suppose the new dataset has 10 classes. In ``resnet18`` the classifier is
# the last linear layer, ``model.fc``. We replace it with a new linear layer,
# whose parameters require gradients by default.

model.fc = torch.nn.Linear(512, 10).to(device)
trainable = [name for name, p in model.named_parameters() if p.requires_grad]
print(f"trainable parameters: {trainable}")

# %%
# We still register every parameter with the optimizer. Only ``fc`` has
# gradients, so only ``fc`` is updated. Let us check by taking one step on a
# random batch.

optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
before = {name: p.detach().clone() for name, p in model.named_parameters()}

images = torch.rand(4, 3, 64, 64, device=device)
targets = torch.randint(0, 10, (4,), device=device)
loss = torch.nn.functional.cross_entropy(model(images), targets)
loss.backward()
optimizer.step()

changed = [n for n, p in model.named_parameters() if not torch.equal(p, before[n])]
frozen = [p for p in model.parameters() if not p.requires_grad]
print(f"changed parameters: {changed}")
print(f"frozen parameters: {len(frozen)}, "
      f"with grad None: {sum(p.grad is None for p in frozen)}")

# %%
# Recap
# -----
#
# * A training step is a forward pass, ``loss.backward()`` and
#   ``optimizer.step()``.
# * ``backward`` fills the ``.grad`` of every leaf tensor that requires
#   gradients; for a non-scalar output it needs the ``gradient`` argument,
#   the vector :math:`\vec{v}` of the vector-Jacobian product.
# * Autograd records a new graph on every forward pass, from the root's
#   ``grad_fn`` back to the leaves.
# * ``requires_grad=False``, ``torch.no_grad()``, ``torch.inference_mode()``
#   and ``.detach()`` keep tensors out of the graph; freezing parameters this
#   way lets you fine-tune only part of a model.
#
# Next, :doc:`plot_3_neural_networks` builds a network with ``torch.nn`` and
# trains it with these gradients.
#
# Further reading
# ---------------
#
# * `Automatic differentiation package - torch.autograd
#   <https://docs.pytorch.org/docs/stable/autograd.html>`_
# * `Autograd mechanics
#   <https://docs.pytorch.org/docs/stable/notes/autograd.html>`_
# * `torch.autograd.gradcheck
#   <https://docs.pytorch.org/docs/stable/generated/torch.autograd.gradcheck.gradcheck.html>`_
