r"""
Neural networks
===============

The :mod:`torch.nn` package builds neural networks out of layers. A network
is a class derived from :class:`torch.nn.Module`: its layers hold the
parameters, and its ``forward`` method says how an input flows through them.
Autograd, from the previous part, computes the gradients. In this tutorial you build a small
image classifier, look inside it, and update its weights by hand and then
with an optimizer.

**What you will learn**

* how to define a network with ``nn.Module`` and inspect its parameters;
* how a loss function measures the error, and how autograd's graph leads
  from the loss back to the layers;
* how to compute gradients with ``backward`` and why they must be zeroed
  first;
* how to update the weights: by hand with the SGD rule, then with
  ``torch.optim``.

**Prerequisites:** :doc:`plot_1_tensors` and :doc:`plot_2_autograd`.
"""

# %%
# The training procedure
# ----------------------
#
# A typical training procedure for a neural network is:
#
# 1. define the network, with some learnable parameters (weights);
# 2. run an input through the network (the forward pass);
# 3. compute the loss: how far the output is from the correct answer;
# 4. propagate gradients back to the network's parameters;
# 5. update the weights, typically with the rule
#    ``weight = weight - learning_rate * gradient``;
# 6. repeat over many inputs.
#
# Defining the network
# --------------------
#
# Our network is a modern version of LeNet-5, a classic classifier of small
# grey-scale images, with ReLU and max pooling where the 1998 original had
# squashing functions and averaging: two convolution layers (:class:`torch.nn.Conv2d`), each followed by max pooling
# (:class:`torch.nn.MaxPool2d`), then three fully connected layers
# (:class:`torch.nn.Linear`). Layers are created in ``__init__``, and
# ``forward`` applies them. The one pooling layer has no parameters, so it
# serves twice; :func:`torch.nn.functional.relu`, which has none either, is
# called as a function.

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # 1x32x32 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
print(net)

# %%
# You only define ``forward``: autograd derives the backward pass from it.
# The learnable parameters are returned by :meth:`~torch.nn.Module.parameters`,
# or with their names by :meth:`~torch.nn.Module.named_parameters`. Each
# convolution and linear layer has a weight and a bias.

for name, param in net.named_parameters():
    print(f"{name:12} {tuple(param.shape)}")
total = sum(p.numel() for p in net.parameters())
print(f"{total} parameters in all")

# %%
# The forward pass
# ----------------
#
# The network expects images of 32×32 pixels with one channel, in a batch:
# a tensor of shape (N, 1, 32, 32). ``Conv2d``, ``MaxPool2d`` and ``Linear``
# also accept a single image without the batch dimension, though not every
# layer does (``BatchNorm2d`` refuses it); ``conv1`` turns a (1, 32, 32)
# image into (6, 28, 28). Our ``forward`` is what needs the batch:
# ``torch.flatten(x, 1)`` keeps dimension 0 and flattens the rest, because
# dimension 0 is meant to be the batch. Without it, the 16 feature maps of
# 5×5 would become 16 rows of 25 numbers, and ``fc1``, which expects 400,
# refuses them.

image = torch.randn(1, 32, 32)
print(f"conv1 on one image without a batch: {tuple(net.conv1(image).shape)}")
try:
    nn.BatchNorm2d(1)(image)
except ValueError as error:
    print(f"BatchNorm2d on the same image: {error}")
try:
    net(image)
except RuntimeError as error:
    print(f"net on the same image: {error}")

# %%
# So we give the network a batch of one, of shape (1, 1, 32, 32). The output
# has one score for each of the 10 classes. These raw scores, any real
# numbers, are called *logits*; :doc:`plot_4_classifier` turns them into
# probabilities.

batch = image.unsqueeze(0)
out = net(batch)
print(f"batch: {tuple(batch.shape)}, output: {tuple(out.shape)}")
print(out)

# %%
# Where the 16 × 5 × 5 comes from
# -------------------------------
#
# ``fc1`` takes ``16 * 5 * 5`` inputs. To see why, we record the shape of
# the tensors that enter and leave each layer during a real forward pass: a
# *forward hook* (:meth:`~torch.nn.Module.register_forward_hook`) is a
# function that a module calls after its ``forward``. Hooks see modules
# only, which is why pooling is a module here: ``pool`` appears twice, once
# per call. Calls to functions such as ``relu`` and ``torch.flatten`` are
# not seen.

calls = []


def record_shapes(name):
    def hook(module, inputs, output):
        calls.append((name, tuple(inputs[0].shape[1:]), tuple(output.shape[1:])))

    return hook


hooks = [layer.register_forward_hook(record_shapes(name)) for name, layer in net.named_children()]
net(batch)
for hook in hooks:
    hook.remove()
for name, shape_in, shape_out in calls:
    print(f"{name:5}: {shape_in} -> {shape_out}")

# %%
# A convolution or pooling window of size :math:`K`, with padding :math:`P`
# and stride :math:`S`, turns an input of width :math:`W` into an output of
# width
#
# .. math::
#
#    \left\lfloor \frac{W - K + 2P}{S} \right\rfloor + 1
#
# (the same for the height). ``conv1`` and ``conv2`` have :math:`K = 5`,
# :math:`P = 0`, :math:`S = 1`; ``MaxPool2d(2)`` has :math:`K = 2`,
# :math:`P = 0` and, by default, a stride equal to its size, :math:`S = 2`.
# We apply the rule to each call the hooks recorded and compare it with the
# width they measured.


def output_size(width, kernel, padding, stride):
    return (width - kernel + 2 * padding) // stride + 1


for name, shape_in, shape_out in calls[:4]:
    layer = getattr(net, name)
    kernel, padding, stride = (
        (layer.kernel_size[0], layer.padding[0], layer.stride[0]) if name.startswith("conv")
        else (layer.kernel_size, layer.padding, layer.stride)
    )
    width = output_size(shape_in[-1], kernel, padding, stride)
    print(f"{name:5}: ({shape_in[-1]} - {kernel} + 2*{padding}) // {stride} + 1 = {width:2}"
          f"   measured: {shape_out[-1]}")
channels, width = calls[3][2][0], calls[3][2][-1]
print(f"{channels} x {width} x {width} = {channels * width * width}, fc1 takes {calls[4][1][0]}")

# %%
# The figure is drawn from those measured shapes: each box is the tensor
# for one image, each arrow the layers between two boxes. The last pooling
# gives 16 × 5 × 5, which :func:`torch.flatten` turns into the 400 numbers
# that ``fc1`` takes.

import matplotlib.pyplot as plt


def shape_label(shape):
    return " × ".join(str(size) for size in shape)


tensors = [calls[0][1]] + [shape_out for _, _, shape_out in calls[:4]] + [calls[4][1]] + [
    shape_out for _, _, shape_out in calls[4:]
]
arrows = ["conv1, ReLU", "pool", "conv2, ReLU", "pool", "flatten", "fc1, ReLU", "fc2, ReLU",
          "fc3"]
# Two rows, the second read from right to left, so that no arrow crosses another.
positions = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (4, 0), (3, 0), (2, 0), (1, 0)]

fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
boxes = [
    ax.text(x * 2.6, y * 1.8, shape_label(shape), ha="center", va="center", color="white",
            fontsize=11, bbox=dict(boxstyle="round,pad=0.5", fc="tab:blue" if i == 0 else "0.3"))
    for i, (shape, (x, y)) in enumerate(zip(tensors, positions))
]
for i, layers in enumerate(arrows):
    (x0, y0), (x1, y1) = positions[i], positions[i + 1]
    ax.annotate("", xy=(x1 * 2.6, y1 * 1.8), xytext=(x0 * 2.6, y0 * 1.8),
                arrowprops=dict(arrowstyle="-|>", color="0.2", patchA=boxes[i],
                                patchB=boxes[i + 1], shrinkA=4, shrinkB=4))
    vertical = x0 == x1
    ax.text((x0 + x1) * 1.3 + (0.15 if vertical else 0), (y0 + y1) * 0.9 + (0 if vertical else 0.3),
            layers, ha="left" if vertical else "center", va="center" if vertical else "bottom",
            fontsize=9)
ax.text(0, 1.8 - 0.45, "input", ha="center", va="top", fontsize=9)
ax.text(2.6, -0.45, "class scores", ha="center", va="top", fontsize=9)
ax.set_xlim(-1.2, 11.6)
ax.set_ylim(-0.9, 2.4)
ax.set_axis_off()
ax.set_title("LeNet: the shape of one image's tensor after each layer")
plt.show()

# %%
# The loss function
# -----------------
#
# A loss function takes the output and the target and returns one number
# that says how far apart they are. :class:`torch.nn.MSELoss` computes the
# mean squared error. We compare the output with a random target of the same shape.
# This only shows the mechanics: a classifier is trained with
# :class:`torch.nn.CrossEntropyLoss` on the index of the correct class, as in
# :doc:`plot_4_classifier`.

target = torch.randn(1, 10)
criterion = nn.MSELoss()
loss = criterion(out, target)
print(f"loss: {loss.item():.4f}")
print(f"same as the formula: {torch.allclose(loss, ((out - target) ** 2).mean())}")

# %%
# Autograd recorded every operation that involves a parameter, from the first
# layer to the loss; the input does not require gradients, so nothing leads
# back to it. Following ``loss.grad_fn`` and its ``next_functions`` walks
# that graph backwards.
# Before the loss comes the last linear layer, an ``Addmm``: a matrix
# multiply plus the bias. Its inputs are the bias (a leaf, whose gradient is
# accumulated), the output of the ReLU before it, and the transposed weight
# (``TBackward0``, whose own input leads to the weight's accumulator). The
# last line calls ``net.conv1`` on the batch again and lists the inputs of
# its node: ``None`` for the batch, then the accumulators of the weight and
# the bias.

linear = loss.grad_fn.next_functions[0][0]
print(loss.grad_fn.name())
print(linear.name())
print([fn.name() for fn, _ in linear.next_functions])
relu = linear.next_functions[1][0]
print(f"{relu.name()} <- {relu.next_functions[0][0].name()}")
first_layer = net.conv1(batch).grad_fn
print(f"{first_layer.name()}: {[fn if fn is None else fn.name() for fn, _ in first_layer.next_functions]}")

# %%
# Backpropagation
# ---------------
#
# ``loss.backward()`` computes the gradient of the loss with respect to
# every parameter. Gradients *accumulate*: ``backward`` adds to whatever is
# already in ``.grad``, so we clear the old ones with
# :meth:`~torch.nn.Module.zero_grad` first, which resets them to ``None``. Here is the bias of ``conv1`` before and
# after.

net.zero_grad()
print(f"conv1.bias.grad before backward: {net.conv1.bias.grad}")
loss.backward()
print(f"conv1.bias.grad after backward: {net.conv1.bias.grad}")

# %%
# Had we not zeroed them, a second ``backward`` would add the same gradient
# again and double it:

first = net.conv1.bias.grad.clone()
criterion(net(batch), target).backward()
print(f"doubled: {torch.allclose(net.conv1.bias.grad, 2 * first)}")

# %%
# Updating the weights by hand
# ----------------------------
#
# The simplest update rule is stochastic gradient descent (SGD):
# ``weight = weight - learning_rate * gradient``. We apply it to every
# parameter inside ``torch.no_grad()``, because the update itself must not
# be recorded by autograd: outside it, PyTorch refuses to change a parameter
# in place. Then we check that the loss went down.

try:
    net.conv1.bias -= 0.0
except RuntimeError as error:
    print(f"without torch.no_grad(): {error}")

learning_rate = 0.01
net.zero_grad()
old_loss = criterion(net(batch), target)
old_loss.backward()
with torch.no_grad():
    for param in net.parameters():
        param -= learning_rate * param.grad
new_loss = criterion(net(batch), target)
print(f"loss before: {old_loss.item():.4f}, after one step: {new_loss.item():.4f}")

# %%
# Updating the weights with ``torch.optim``
# -----------------------------------------
#
# :mod:`torch.optim` implements SGD and more elaborate rules such as Adam and
# RMSprop. An optimizer is given the parameters once; every training step is
# then zero the gradients, forward, loss, backward, and ``step()``.

optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
losses = []
for _ in range(20):
    optimizer.zero_grad()
    loss = criterion(net(batch), target)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"loss at step 1: {losses[0]:.4f}, at step 20: {losses[-1]:.4f}")

# %%
# The loss goes down at every step: the network is learning to produce the
# target for this one input.

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(range(1, len(losses) + 1), losses, marker="o")
ax.set_xlabel("step")
ax.set_ylabel("MSE loss")
ax.set_xticks(range(0, len(losses) + 1, 5))
ax.set_title("The loss at each step of SGD")
plt.show()
print(f"decreased at every step: {all(b < a for a, b in zip(losses, losses[1:]))}")

# %%
# Recap
# -----
#
# * A network is an ``nn.Module``: layers in ``__init__``, the computation in
#   ``forward``.
# * A loss function such as ``nn.MSELoss`` turns output and target into one
#   number; its ``grad_fn`` leads back through the whole network.
# * Zero the gradients, call ``backward()``, then update: by hand inside
#   ``torch.no_grad()``, or with an optimizer's ``step()``.
# * The rule :math:`\lfloor (W - K + 2P) / S \rfloor + 1` gives the width
#   after each convolution or pooling layer: that is where ``16 * 5 * 5``
#   comes from, and forward hooks measure it.
#
# Exercises
# ---------
#
# 1. Widen the network, as the official blitz suggests; for example, give
#    ``conv1`` 12 output channels and ``conv2`` 32. Which other layer must change?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          class WideNet(Net):
#              def __init__(self):
#                  super().__init__()
#                  self.conv1 = nn.Conv2d(1, 12, 5)
#                  self.conv2 = nn.Conv2d(12, 32, 5)
#                  self.fc1 = nn.Linear(32 * 5 * 5, 120)
#
#
#          wide = WideNet()
#          print(wide(batch).shape)
#
#       ``conv2`` takes as many channels as ``conv1`` makes, and ``fc1`` takes
#       32 × 5 × 5 = 800 inputs. ``forward`` does not change.
#
# 2. MNIST digits are 28×28. With what padding does ``conv1`` keep a 28×28
#    image at 28×28, so that the rest of the network sees the same sizes as
#    for a 32×32 image? Check with ``output_size`` and with a real layer.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          print(output_size(28, 5, 2, 1))
#          padded = nn.Conv2d(1, 6, 5, padding=2)(torch.randn(1, 1, 28, 28))
#          print(padded.shape)
#
#       :math:`(28 - 5 + 2 \cdot 2) / 1 + 1 = 28`: ``padding=2``. Part 4
#       pads the images instead, so that LeNet stays unchanged.
#
# 3. Train a fresh ``Net`` for 20 steps with ``torch.optim.Adam`` and a
#    learning rate of 0.001, on the same input and target. Does the loss go
#    down?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          torch.manual_seed(0)
#          adam_net = Net()
#          adam = torch.optim.Adam(adam_net.parameters(), lr=0.001)
#          adam_losses = []
#          for _ in range(20):
#              adam.zero_grad()
#              loss = criterion(adam_net(batch), target)
#              loss.backward()
#              adam.step()
#              adam_losses.append(loss.item())
#          print(f"loss at step 1: {adam_losses[0]:.4f}, at step 20: {adam_losses[-1]:.4f}")
#          print(f"SGD at step 20: {losses[-1]:.4f}")
#          print(f"lower at every step: {all(b < a for a, b in zip(adam_losses, adam_losses[1:]))}")
#
#       Yes, and much faster than SGD with ``lr=0.01``: the loss falls by
#       more than ten times in 20 steps, though not at every step.
#
# Next, :doc:`plot_4_classifier` trains a network on real images.
#
# Further reading
# ---------------
#
# * `torch.nn <https://docs.pytorch.org/docs/stable/nn.html>`_
# * `torch.optim <https://docs.pytorch.org/docs/stable/optim.html>`_
