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
# stores in tensors. Training repeats three steps:
#
# 1. **Forward pass:** the network runs the input through its functions and
#    makes a prediction; a loss function measures the prediction's error.
# 2. **Backward pass:** autograd computes the gradient of that error with
#    respect to each parameter by going backwards through the functions
#    (backpropagation).
# 3. **Update:** an optimizer moves each parameter a small step against its
#    gradient.
#
# One training step in PyTorch
# ----------------------------
#
# We take :func:`~torchvision.models.resnet18`, an image classifier from
# ``torchvision``, and ask for its pretrained ImageNet weights. They are
# downloaded once into :func:`torch.hub.get_dir`'s cache. When the network
# cannot be reached, the helper raises, unless the caller passes
# ``fallback_to_random=True``: then it says so and continues with random
# weights. This page passes it, since a training step works the same way on
# any weights; in your own fine-tuning, leave it out, because random weights
# there mean training from scratch. An error answer from the server (such as
# 404) and a download whose checksum is wrong are always errors. The output
# below says which weights this build of the page got.

import hashlib
import math
import re
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import torch
from torchvision.models import ResNet18_Weights, resnet18

torch.manual_seed(0)
if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
print(f"device: {device}")


def download(url, path, timeout):
    """torch.hub's download with its checksum test, plus a timeout: torch.hub has none."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data = response.read()
    expected = re.search(r"-([a-f0-9]+)\.", path.name).group(1)  # torch.hub's rule
    if not hashlib.sha256(data).hexdigest().startswith(expected):
        raise RuntimeError(f"corrupted download of {url}: its SHA-256 does not start with {expected}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".partial").write_bytes(data)
    path.with_suffix(".partial").replace(path)  # never leave half a file in the cache


def load_resnet18(device, timeout=15, fallback_to_random=False, **options):
    """resnet18 with its pretrained weights, on ``device``; ``options`` go to ``resnet18``."""
    weights = ResNet18_Weights.DEFAULT
    cached = Path(torch.hub.get_dir(), "checkpoints", Path(weights.url).name)
    try:
        if not cached.exists():
            download(weights.url, cached, timeout)
    except urllib.error.HTTPError:
        raise  # the server answered with an error (404, 503, ...): it was reached
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        if not fallback_to_random:
            raise RuntimeError(f"Pretrained weights unreachable ({type(error).__name__}): {weights.url}; "
                               f"download it into {cached.parent}, or pass fallback_to_random=True") from error
        print(f"Pretrained weights unreachable ({type(error).__name__}); continuing with random initial weights.")
        return resnet18(weights=None, **options).to(device)
    model = resnet18(weights=weights, **options)  # finds the file in the cache
    print("Loaded the pretrained ImageNet weights.")
    return model.to(device)


model = load_resnet18(device, fallback_to_random=True)

# %%
# .. dropdown:: Going further: why the helper downloads the file itself
#
#    torchvision downloads weights with
#    :func:`torch.hub.download_url_to_file`, which takes no timeout: when the
#    server or the network goes silent during a download, a read can block
#    indefinitely, unless :func:`socket.setdefaulttimeout` is called, which
#    changes every connection of the program. The helper gives ``timeout`` to
#    :func:`urllib.request.urlopen` instead; it bounds each attempt to connect
#    and each wait for data, not the name lookup (DNS) or the whole download.
#    Like torch.hub with ``check_hash=True``, it checks that the file's
#    SHA-256 starts with the hexadecimal digits at the end of its name.
#
#    .. code-block:: python
#
#       import inspect
#
#       print(inspect.signature(torch.hub.download_url_to_file))
#       print(f"file name: {Path(ResNet18_Weights.DEFAULT.url).name}")
#
# The input is a batch of one random image with 3 colour channels, 64 pixels
# high and wide. Its label is random too: the index of one of the 1000
# ImageNet classes.

data = torch.rand(1, 3, 64, 64, device=device)
labels = torch.randint(0, 1000, (1,), device=device)
print(f"data: {tuple(data.shape)}, label: {labels.tolist()}")

# %%
# Forward pass
# ^^^^^^^^^^^^
#
# The forward pass runs the input through every layer of the model. The
# prediction is one score for each of the 1000 classes.

prediction = model(data)
print(f"prediction: {tuple(prediction.shape)}")

# %%
# The loss measures the error of the prediction in a single number. For a
# classifier the usual loss is the cross-entropy
# (:func:`~torch.nn.functional.cross_entropy`): a softmax turns the scores into
# probabilities, and the loss is the negative log of the probability of the
# correct class. It is never negative,
# and for a model that spreads its probability evenly over 1000 classes it
# is :math:`\ln 1000 \approx 6.9`.

loss = torch.nn.functional.cross_entropy(prediction, labels)
print(f"loss: {loss.item():.4f} (ln 1000 = {math.log(1000):.4f})")

# %%
# Backward pass
# ^^^^^^^^^^^^^
#
# We call :meth:`~torch.Tensor.backward` on the loss. Autograd then computes the gradient of
# the loss with respect to every parameter and stores it in that parameter's
# ``.grad`` attribute.

loss.backward()
print(f"conv1.weight.grad: {tuple(model.conv1.weight.grad.shape)}")

# %%
# Update
# ^^^^^^
#
# Next we create an optimizer: stochastic gradient descent
# (:class:`torch.optim.SGD`) with a
# learning rate of 0.01 and a momentum of 0.9. We register all of the
# model's parameters with it.

optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)

# %%
# Finally :meth:`~torch.optim.Optimizer.step` performs one step of gradient descent: the optimizer
# adjusts each parameter using the gradient stored in its ``.grad``. We keep
# a copy of the first convolution's weights to see that they really moved.

weight_before = model.conv1.weight.detach().clone()
optimizer.step()
change = (model.conv1.weight.detach() - weight_before).abs().max().item()
print(f"conv1.weight changed: {not torch.equal(weight_before, model.conv1.weight)}")
print(f"largest change in conv1.weight: {change:.2e}")

# %%
# Training repeats these steps, with one more before each ``backward()``:
# :meth:`~torch.optim.Optimizer.zero_grad` clears the old gradients, because ``backward()``
# adds to ``.grad`` instead of overwriting it (part 3 shows this). The rest of
# this tutorial looks at how autograd computes those gradients.
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
# ``gradient`` argument: a tensor :math:`\vec{v}` of the same shape as ``Q``.
# Autograd then computes the gradients of the scalar
# :math:`l = \sum_i v_i Q_i`, whose gradient with respect to ``Q`` is
# :math:`\vec{v}` itself. With :math:`\vec{v}` all ones, :math:`l` is
# ``Q.sum()``. (The gradient of ``Q`` with respect to itself is not a vector
# of ones but the identity matrix: each element of ``Q`` depends on itself
# alone.) We check both statements:

external_grad = torch.tensor([1.0, 1.0])
weighted_sum = (external_grad * Q).sum()
print(f"dl/dQ: {torch.autograd.grad(weighted_sum, Q, retain_graph=True)[0]}")
print(f"dQ/dQ:\n{torch.autograd.functional.jacobian(lambda q: q, Q.detach())}")
Q.backward(gradient=external_grad)

# %%
# The gradients are now in ``a.grad`` and ``b.grad``, and they match the
# formulas (compare floats with :func:`torch.allclose`, not ``==``):

print(a.grad)
print(torch.allclose(a.grad, 9 * a.detach() ** 2))
print(b.grad)
print(torch.allclose(b.grad, -2 * b.detach()))

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
# ``backward()`` does not build :math:`J`. Given a vector :math:`\vec{v}`, it
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
# Multiplying the transposed Jacobians by :math:`\vec{v}` gives what
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
# The gradients are those of :math:`l = \sum_i v_i Q_i`: backward on that
# scalar gives the same numbers.

a4 = a.detach().clone().requires_grad_()
(v * q_of(a4, b.detach())).sum().backward()
print(f"same as (v * Q).sum().backward(): {torch.equal(a4.grad, a3.grad)}")

# %%
# Checking gradients numerically
# ------------------------------
#
# :func:`torch.autograd.gradcheck` compares autograd's gradients with
# gradients estimated by finite differences. Give it double precision
# (``float64``) inputs: in single precision, the rounding errors of finite
# differences are large enough to fail the check of a correct gradient, as
# the second check shows (gradcheck warns about it).

x = torch.randn(3, dtype=torch.float64, requires_grad=True)
y = torch.randn(3, dtype=torch.float64, requires_grad=True)
print(f"gradcheck passed: {torch.autograd.gradcheck(q_of, (x, y))}")
x32 = x.detach().float().requires_grad_()
y32 = y.detach().float().requires_grad_()
with warnings.catch_warnings(record=True) as caught:  # to print the warning without its file path
    warnings.simplefilter("always")
    passed = torch.autograd.gradcheck(q_of, (x32, y32), raise_exception=False)
print(f"gradcheck in float32: {passed}")
print(f"its warning: {caught[0].message}")

# %%
# The computational graph
# -----------------------
#
# Autograd keeps a record of tensors and of the operations that produced
# them in a directed acyclic graph (DAG) of backward functions
# (:class:`~torch.autograd.graph.Node` objects). The leaves are the input
# tensors and the root is the output tensor. Each tensor made by
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
# then computes the gradients from each ``grad_fn`` and, using the chain rule,
# propagates them all the way to the leaf tensors, where it accumulates them
# in their ``.grad`` attribute.
#
# The figure below is drawn from the live graph of ``Q``: we start at
# ``Q.grad_fn`` and follow ``next_functions`` to the leaves. Arrows point in
# the direction of the forward pass. Grey boxes are the backward functions of
# the operations; the blue boxes are the ``AccumulateGrad`` nodes of the leaf
# tensors ``a`` and ``b``, which write into ``a.grad`` and ``b.grad``. ``Q``
# at the top, in a white dashed box, is the output tensor itself, not a node.

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

fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
for source, target in dag.edges:
    ax.annotate(
        "", xy=pos[target], xytext=pos[source],
        arrowprops=dict(arrowstyle="-|>", color="0.3", shrinkA=14, shrinkB=14),
    )
for node, (x, y) in pos.items():
    if node == "Q":  # the output tensor, not an autograd node: drawn apart from them
        style = dict(color="black", bbox=dict(boxstyle="round,pad=0.5", fc="white", ec="0.35", ls="--"))
    else:
        colour = "tab:blue" if dag.nodes[node]["leaf"] else "0.35"
        style = dict(color="white", bbox=dict(boxstyle="round,pad=0.5", fc=colour))
    ax.text(x, y, dag.nodes[node]["label"], ha="center", va="center", **style)
ax.set_xlim(-3, 3)
ax.set_ylim(-max(rows) - 0.5, 1.5)
ax.set_axis_off()
ax.set_title("The graph autograd recorded for Q = 3a³ − b²")
leaves = sorted(dag.nodes[node]["label"] for node, leaf in dag.nodes(data="leaf") if leaf)
accumulators = sorted(type(node).__name__ for node, leaf in dag.nodes(data="leaf") if leaf)
print(f"{dag.number_of_nodes() - 1} autograd nodes (and the tensor Q), leaves: {leaves}, {accumulators}")
plt.show()

# %%
# The figure was drawn after ``Q.backward()``: the ``grad_fn`` nodes are
# still there. What ``.backward()`` frees (unless you pass
# ``retain_graph=True``) are the tensors the nodes saved for the backward
# pass, such as the ``a`` that :math:`\partial (a^3) / \partial a = 3a^2`
# needs: the node lets go of it, and ``a`` itself lives on. So a second
# backward pass through ``Q`` fails:

print(f"Q.grad_fn after backward: {Q.grad_fn.name()}")
try:
    Q.backward(gradient=external_grad)
except RuntimeError as error:
    print(error)

# %%
# The graph is recorded anew on every forward pass. This is what lets you use
# ordinary Python control flow in a model: the shape, size and operations can
# change from one iteration to the next.

# %%
# Exclusion from the DAG
# ----------------------
#
# Autograd tracks operations on every tensor whose ``requires_grad`` flag is
# ``True``. While grad mode is on, the output of a differentiable operation
# requires gradients if at least one of its inputs does; ``argmax``, whose
# output is an index, is not differentiable:

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

print(f"x + y requires grad: {(x + y).requires_grad}")
print(f"x + z requires grad: {(x + z).requires_grad}")
print(f"z.argmax() requires grad: {z.argmax().requires_grad}")

# %%
# Inside a :class:`torch.no_grad` block, autograd records nothing, even for
# inputs that require gradients. This is how evaluation code saves memory and
# time:

with torch.no_grad():
    w = x + z
print(f"inside no_grad, x + z requires grad: {w.requires_grad}")

# %%
# :class:`torch.inference_mode` goes further: tensors created inside it are
# *inference tensors*, for which PyTorch skips even more bookkeeping (no
# version counter, no view tracking). The price is a rule: do not use them in
# computations that autograd records. Autograd cannot save an inference tensor
# for the backward pass, so the product below, which must save ``w`` to compute
# the gradient of ``z``, fails as soon as it is computed, and PyTorch's error
# says what to do instead:

with torch.inference_mode():
    w = x + z
print(f"inside inference_mode, x + z requires grad: {w.requires_grad}")
print(f"is an inference tensor: {w.is_inference()}")
try:
    w * z
except RuntimeError as error:
    print(error)

# %%
# Outside inference mode, an inference tensor cannot be changed in place
# either. A clone made outside the mode is a normal tensor, free of both
# restrictions:

try:
    w.add_(1)
except RuntimeError as error:
    print(error)
w_normal = w.clone()
print(f"the clone is an inference tensor: {w_normal.is_inference()}")
(w_normal * z).sum().backward()
print(f"backward through w_normal * z works: {z.grad is not None}")

# %%
# :meth:`~torch.Tensor.detach` returns a tensor that shares the same data but is cut off
# from the graph:

d = z.detach()
print(f"detached requires grad: {d.requires_grad}")
print(f"shares memory with z: {d.untyped_storage().data_ptr() == z.untyped_storage().data_ptr()}")

# %%
# Fine-tuning with a frozen backbone
# ----------------------------------
#
# Parameters that do not require gradients are called *frozen*. Freezing
# part of a model saves computation, and it is one common way to fine-tune a
# pretrained network: keep most of it fixed and train only a new classifier.
#
# We load ``resnet18`` again and freeze all of its parameters.

model = load_resnet18(device, fallback_to_random=True)
for param in model.parameters():
    param.requires_grad = False

# %%
# Suppose the new dataset has 10 classes. In ``resnet18`` the classifier is
# the last linear layer, ``model.fc``. We replace it with a new linear layer
# that takes as many features as the old one, and whose parameters require
# gradients by default.

model.fc = torch.nn.Linear(model.fc.in_features, 10).to(device)
trainable = [name for name, p in model.named_parameters() if p.requires_grad]
print(f"trainable parameters: {trainable}")

# %%
# The optimizer gets only the parameters that train, those of ``model.fc``.
# Let us check that nothing else moves by taking one step on a random batch. The helper compares the whole ``state_dict``, which holds the
# parameters and also the *buffers*: tensors a module keeps that are not
# trained by gradients.

optimizer = torch.optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
images = torch.rand(4, 3, 64, 64, device=device)
targets = torch.randint(0, 10, (4,), device=device)
parameter_names = {name for name, _ in model.named_parameters()}


def train_step(model):
    """Take one step on the random batch; return the state_dict entries that changed."""
    before = {name: t.clone() for name, t in model.state_dict().items()}
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(images), targets)
    loss.backward()
    optimizer.step()
    return [name for name, t in model.state_dict().items() if not torch.equal(t, before[name])]


changed = train_step(model)
changed_buffers = [name for name in changed if name not in parameter_names]
frozen = [p for p in model.parameters() if not p.requires_grad]
print(f"model in training mode: {model.training}")
print(f"changed parameters: {[name for name in changed if name in parameter_names]}")
print(f"frozen parameters: {len(frozen)}, "
      f"with grad None: {sum(p.grad is None for p in frozen)}")
print(f"changed buffers: {len(changed_buffers)}, for example {changed_buffers[:3]}")
print(f"batch normalisation momentum: {model.bn1.momentum}")

# %%
# No frozen parameter moved, yet 60 buffers of the "frozen" backbone changed.
# They belong to its 20 :class:`~torch.nn.BatchNorm2d` layers. In training mode, which is
# where every model starts, batch normalisation normalises with the mean and
# variance of the current batch and updates its running estimates of them
# (``running_mean``, ``running_var`` and a counter). Those are buffers, not
# parameters, so ``requires_grad = False`` does not stop them. Each step pulls
# the running estimates 10% of the way toward the statistics of the batch
# (``momentum``): after some training the model is evaluated with statistics
# of the new data, no longer the ones stored in the backbone when it was
# loaded.
#
# Putting the ``BatchNorm2d`` layers in evaluation mode stops them, but only
# until the next :meth:`~torch.nn.Module.train`, which a training loop such
# as Part 4's calls at every epoch. To keep the backbone really fixed, build
# it with :class:`torchvision.ops.FrozenBatchNorm2d` in their place: it
# normalises with the stored statistics and never changes them, whatever the
# mode. (Some people keep batch normalisation in training mode on purpose, to
# adapt the statistics to data that differs a lot from ImageNet; then the
# backbone is not frozen, and small batches give noisy statistics.)

from torchvision.ops import FrozenBatchNorm2d

model = load_resnet18(device, fallback_to_random=True, norm_layer=FrozenBatchNorm2d)
for param in model.parameters():
    param.requires_grad = False
model.fc = torch.nn.Linear(model.fc.in_features, 10).to(device)
optimizer = torch.optim.SGD(model.fc.parameters(), lr=1e-2, momentum=0.9)
model.train()  # as a training loop does at every epoch
frozen_layers = sum(isinstance(m, FrozenBatchNorm2d) for m in model.modules())
changed = train_step(model)
print(f"FrozenBatchNorm2d layers: {frozen_layers}; model in training mode: {model.training}")
print(f"changed in training mode: {changed}")

# %%
# Recap
# -----
#
# * A training step is ``optimizer.zero_grad()``, a forward pass,
#   ``loss.backward()`` and ``optimizer.step()``.
# * ``backward`` fills the ``.grad`` of every leaf tensor that requires
#   gradients; for a non-scalar output it needs the ``gradient`` argument,
#   the vector :math:`\vec{v}` of the vector-Jacobian product.
# * Autograd records a new graph on every forward pass, from the root's
#   ``grad_fn`` back to the leaves.
# * ``requires_grad=False``, ``torch.no_grad()``, ``torch.inference_mode()``
#   and ``.detach()`` keep tensors out of the graph; freezing parameters this
#   way lets you fine-tune only part of a model.
# * Freezing parameters does not freeze buffers: build the backbone with
#   ``FrozenBatchNorm2d`` to keep its batch normalisation fixed.
#
# Exercises
# ---------
#
# 1. Use autograd to compute the derivative of :math:`f(x) = x^2 \sin x` at
#    :math:`x = 1`, and compare it with the formula
#    :math:`f'(x) = 2x \sin x + x^2 \cos x`.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          x = torch.tensor(1.0, requires_grad=True)
#          (x**2 * torch.sin(x)).backward()
#          expected = 2 * x.detach() * torch.sin(x.detach()) + x.detach() ** 2 * torch.cos(x.detach())
#          print(f"autograd: {x.grad:.6f}, formula: {expected:.6f}")
#
# 2. Compute :math:`Q` from a fresh copy of ``a``, then call
#    ``backward`` on it twice with ``retain_graph=True`` the first time. What
#    is in ``.grad`` afterwards, and why?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          a5 = a.detach().clone().requires_grad_()
#          Q5 = q_of(a5, b.detach())
#          Q5.backward(gradient=external_grad, retain_graph=True)
#          Q5.backward(gradient=external_grad)
#          print(a5.grad, 9 * a5.detach() ** 2)
#
#       Twice the gradient: the saved values survive the first pass, and
#       ``backward`` adds to ``.grad`` instead of overwriting it.
#
# 3. Fine-tune more of ``resnet18``: freeze everything except its last block
#    of layers, ``layer4``, and ``fc``. How many parameters will the
#    optimizer train?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          finetune = resnet18(weights=None, num_classes=10)
#          for name, param in finetune.named_parameters():
#              param.requires_grad = name.startswith(("layer4.", "fc."))
#          trainable = sum(p.numel() for p in finetune.parameters() if p.requires_grad)
#          total = sum(p.numel() for p in finetune.parameters())
#          print(f"{trainable} of {total} parameters are trained")
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
