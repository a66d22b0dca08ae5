r"""
Neural networks
===============

The ``torch.nn`` package builds neural networks out of layers. A network is a
class derived from ``nn.Module``: its layers hold the parameters, and its
``forward`` method says how an input flows through them. Autograd, from the
previous part, computes the gradients. In this tutorial you build a small
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
# Our network is LeNet, a classic classifier of small grey-scale images: two
# convolution layers, each followed by max pooling, then three fully
# connected (linear) layers. Layers with parameters are created in
# ``__init__``; ``forward`` applies them, together with functions without
# parameters such as ``relu`` and ``max_pool2d``.

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # 1x32x32 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
print(net)

# %%
# You only define ``forward``: autograd derives the backward pass from it.
# The learnable parameters are returned by ``net.parameters()``, or with
# their names by ``net.named_parameters()``. Each layer has a weight and a
# bias.

for name, param in net.named_parameters():
    print(f"{name:12} {tuple(param.shape)}")
total = sum(p.numel() for p in net.parameters())
print(f"{total} parameters in all")

# %%
# The forward pass
# ----------------
#
# The network expects a batch of images of 32×32 pixels with one channel.
# ``torch.nn`` works on batches only, so even a single image has the shape
# (1, 1, 32, 32): a batch of one. The output has one score for each of the
# 10 classes.

input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)

# %%
# The loss function
# -----------------
#
# A loss function takes the output and the target and returns one number
# that says how far apart they are. ``nn.MSELoss`` computes the mean squared
# error. We compare the output with a random target of the same shape.

target = torch.randn(1, 10)
criterion = nn.MSELoss()
loss = criterion(out, target)
print(f"loss: {loss.item():.4f}")
print(f"same as the formula: {torch.allclose(loss, ((out - target) ** 2).mean())}")

# %%
# Autograd recorded every operation from the input to the loss. Following
# ``loss.grad_fn`` and its ``next_functions`` walks that graph backwards.
# Before the loss comes the last linear layer, an ``Addmm``: a matrix
# multiply plus the bias. Its inputs are the bias (a leaf, whose gradient is
# accumulated), the output of the ReLU before it, and the transposed weight.

linear = loss.grad_fn.next_functions[0][0]
print(loss.grad_fn.name())
print(linear.name())
print([fn.name() for fn, _ in linear.next_functions])
relu = linear.next_functions[1][0]
print(f"{relu.name()} <- {relu.next_functions[0][0].name()}")

# %%
# Backpropagation
# ---------------
#
# ``loss.backward()`` computes the gradient of the loss with respect to
# every parameter. Gradients *accumulate*: ``backward`` adds to whatever is
# already in ``.grad``, so we clear the old ones with ``zero_grad()`` first,
# which resets them to ``None``. Here is the bias of ``conv1`` before and
# after.

net.zero_grad()
print(f"conv1.bias.grad before backward: {net.conv1.bias.grad}")
loss.backward()
print(f"conv1.bias.grad after backward: {net.conv1.bias.grad}")

# %%
# Had we not zeroed them, a second ``backward`` would add the same gradient
# again and double it:

first = net.conv1.bias.grad.clone()
criterion(net(input), target).backward()
print(f"doubled: {torch.allclose(net.conv1.bias.grad, 2 * first)}")

# %%
# Updating the weights by hand
# ----------------------------
#
# The simplest update rule is stochastic gradient descent (SGD):
# ``weight = weight - learning_rate * gradient``. We apply it to every
# parameter inside ``torch.no_grad()``, because the update itself must not
# be recorded by autograd, and check that the loss went down.

learning_rate = 0.01
net.zero_grad()
old_loss = criterion(net(input), target)
old_loss.backward()
with torch.no_grad():
    for param in net.parameters():
        param -= learning_rate * param.grad
new_loss = criterion(net(input), target)
print(f"loss before: {old_loss.item():.4f}, after one step: {new_loss.item():.4f}")

# %%
# Updating the weights with ``torch.optim``
# -----------------------------------------
#
# ``torch.optim`` implements SGD and more elaborate rules such as Adam and
# RMSprop. An optimizer is given the parameters once; every training step is
# then zero the gradients, forward, loss, backward, and ``step()``.

optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
losses = []
for _ in range(20):
    optimizer.zero_grad()
    loss = criterion(net(input), target)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"loss at step 1: {losses[0]:.4f}, at step 20: {losses[-1]:.4f}")

# %%
# The loss goes down at every step: the network is learning to produce the
# target for this one input.

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, len(losses) + 1), losses, marker="o")
ax.set_xlabel("step")
ax.set_ylabel("MSE loss")
ax.set_xticks(range(0, len(losses) + 1, 5))
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
#
# Next, :doc:`plot_4_classifier` trains a network on real images.
#
# Further reading
# ---------------
#
# * `torch.nn <https://docs.pytorch.org/docs/stable/nn.html>`_
# * `torch.optim <https://docs.pytorch.org/docs/stable/optim.html>`_
