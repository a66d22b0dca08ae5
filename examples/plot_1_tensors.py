r"""
Tensors
=======

Tensors are PyTorch's multi-dimensional arrays. They hold a model's inputs,
its outputs and its parameters. They work much like NumPy's arrays; in
addition they can run on accelerators such as GPUs, and they can record the
operations that autograd needs to compute gradients.

**What you will learn**

* how to create tensors, and what their shape, data type and device are;
* the operations you will use most: indexing, joining, reshaping, products
  and reductions;
* why in-place operations need care;
* how tensors and NumPy arrays share memory, why models use ``float32``
  where NumPy gives ``float64``, and how to move a tensor to an accelerator.

**Prerequisites:** Python and a first look at NumPy arrays.
"""

# %%
# Creating tensors
# ----------------
#
# A tensor can be made directly from data. PyTorch works out the data type:
# here, 64-bit integers (``torch.int64``).

import numpy as np
import torch

torch.manual_seed(0)

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
print(x_data.dtype)

# %%
# From a NumPy array, :func:`torch.from_numpy` makes a tensor that uses the
# array's memory; we come back to this at the end.

np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np)

# %%
# From another tensor: the ``*_like`` functions, such as
# :func:`torch.ones_like`, keep the shape, data type and device of their
# argument unless told otherwise.

x_ones = torch.ones_like(x_data)
print(f"ones like x_data:\n{x_ones}")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"random like x_data, as floats:\n{x_rand}")

# %%
# From a shape: a tuple of dimensions is all that :func:`torch.rand`,
# :func:`torch.ones` and :func:`torch.zeros` need.

shape = (2, 3)
print(torch.rand(shape))
print(torch.ones(shape))
print(torch.zeros(shape))

# %%
# Attributes
# ----------
#
# Every tensor has a shape, a data type and a device, the place where its
# data is stored.

tensor = torch.rand(3, 4)
print(f"shape: {tensor.shape}")
print(f"data type: {tensor.dtype}")
print(f"device: {tensor.device}")

# %%
# Indexing and slicing
# --------------------
#
# Indexing works as in NumPy, except that a slice cannot step backwards
# (use :func:`torch.flip`, which, unlike NumPy's, copies). Rows come first,
# then columns; ``...`` stands for all the dimensions not named.

tensor = torch.arange(1.0, 17.0).reshape(4, 4)
print(f"first row: {tensor[0]}")
print(f"first column: {tensor[:, 0]}")
print(f"last column: {tensor[..., -1]}")
try:
    tensor[::-1]
except ValueError as error:
    print(f"tensor[::-1]: {error}; torch.flip(tensor, [0])[:, 0]: {torch.flip(tensor, [0])[:, 0]}")

# %%
# Assigning to a slice changes the tensor. We set the second column to zero
# and draw the tensor before and after: each square is one element, and its
# number is its value.

import matplotlib.pyplot as plt


def draw(ax, t, title):
    ax.imshow(t.numpy(), cmap="viridis", vmin=0, vmax=16)
    for (row, col), value in np.ndenumerate(t.numpy()):
        ax.text(col, row, f"{value:.0f}", ha="center", va="center", color="white")
    ax.set_title(title)
    ax.set_xticks(range(t.shape[1]))
    ax.set_yticks(range(t.shape[0]))


before = tensor.clone()
tensor[:, 1] = 0
fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.5), layout="constrained")
draw(left, before, "tensor")
draw(right, tensor, "after tensor[:, 1] = 0")
fig.suptitle("Assigning to a slice: the second column becomes 0")
plt.show()
print(tensor)

# %%
# Joining tensors
# ---------------
#
# :func:`torch.cat` joins tensors along an existing dimension;
# :func:`torch.stack` adds a new one.

row = torch.tensor([[1.0, 2.0, 3.0]])
print(f"cat along rows: {torch.cat([row, row], dim=0).shape}")
print(f"cat along columns: {torch.cat([row, row], dim=1).shape}")
print(f"stack: {torch.stack([row, row]).shape}")

# %%
# Changing shape
# --------------
#
# :meth:`~torch.Tensor.view` gives the same elements a new shape (``-1``
# stands for the size that makes the count right).
# :meth:`~torch.Tensor.unsqueeze` inserts a dimension of size 1, as for a
# batch of one image, and :meth:`~torch.Tensor.squeeze` removes it.
# :meth:`~torch.Tensor.permute` reorders the dimensions, as when an image
# stored as channels × height × width is drawn as height × width × channels.

flat = torch.arange(6)
print(f"flat.view(2, 3):\n{flat.view(2, 3)}")
print(f"flat.view(3, -1): {tuple(flat.view(3, -1).shape)}")
image = torch.rand(3, 32, 32)
print(f"image.unsqueeze(0): {tuple(image.unsqueeze(0).shape)}")
print(f"image.unsqueeze(0).squeeze(0): {tuple(image.unsqueeze(0).squeeze(0).shape)}")
print(f"image.permute(1, 2, 0): {tuple(image.permute(1, 2, 0).shape)}")

# %%
# These are views: they share their tensor's memory and only read it in
# another order. After ``permute`` or ``.T``, that order is no longer the
# order of the memory: the tensor is not *contiguous*, and ``view`` cannot
# flatten it. :meth:`~torch.Tensor.reshape` can: it returns a view when one
# exists, and a copy otherwise.



def same_storage(t1, t2):
    # compare storages: data_ptr() is the first element's address, later for a slice like flat[1:]
    return t1.untyped_storage().data_ptr() == t2.untyped_storage().data_ptr()


grid = flat.view(2, 3)
print(f"grid shares flat's memory: {same_storage(grid, flat)}")
print(f"grid.T is contiguous: {grid.T.is_contiguous()}")
try:
    grid.T.view(6)
except RuntimeError as error:
    print(error)
print(f"grid.reshape(6) shares memory: {same_storage(grid.reshape(6), flat)}")
print(f"grid.T.reshape(6) shares memory: {same_storage(grid.T.reshape(6), flat)}")
print(f"grid.T.reshape(6): {grid.T.reshape(6)}")

# %%
# .. dropdown:: Going further: strides
#
#    A tensor finds its elements through its *strides*: how many elements
#    of memory to skip for one step along each dimension. ``grid.T`` swaps
#    the strides of ``grid`` instead of moving any data, which is why it is
#    not contiguous. :meth:`~torch.Tensor.contiguous` copies it into memory
#    order, after which ``view`` works.
#
#    .. code-block:: python
#
#       print(f"strides of grid: {grid.stride()}, of grid.T: {grid.T.stride()}")
#       in_order = grid.T.contiguous()
#       print(f"contiguous copy: {in_order.is_contiguous()}, strides {in_order.stride()}")
#       print(f"view after contiguous(): {in_order.view(6)}")

# %%
# Arithmetic: matrix product and element-wise product
# ---------------------------------------------------
#
# ``@`` is the matrix product: each element of the result is the dot product
# of a row and a column. ``*`` multiplies element by element, so both tensors
# must have the same shape (or shapes that broadcast).

a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
print(f"a @ b:\n{a @ b}")
print(f"a * b:\n{a * b}")

# %%
# ``a @ b`` is the same as ``a.matmul(b)``, and its first element is
# :math:`1 \cdot 5 + 2 \cdot 7 = 19`. ``a * b`` is ``a.mul(b)``, and its
# first element is :math:`1 \cdot 5 = 5`.

print(f"matmul equals @: {torch.equal(a.matmul(b), a @ b)}")
print(f"first elements: {(a @ b)[0, 0].item()} and {(a * b)[0, 0].item()}")

# %%
# Reductions
# ----------
#
# A reduction combines many elements into fewer: the sum of a whole tensor,
# or the mean along one dimension. :meth:`~torch.Tensor.item` turns a one-element tensor
# into a Python number.

total = a.sum()
print(f"sum: {total!r}, as a Python number: {total.item()!r}")
print(f"mean of each column: {a.mean(dim=0)}")
print(f"largest element of each row: {a.max(dim=1).values}")

# %%
# In-place operations
# -------------------
#
# Operations whose name ends in ``_`` change their tensor in place:
# ``x.add_(5)`` adds 5 to ``x`` itself, and ``x.copy_(y)`` overwrites it.

x = torch.ones(3)
x.add_(5)
print(x)

# %%
# In-place operations avoid a copy, but they can overwrite values that
# autograd saved for the backward pass. ``sigmoid`` saves its output to
# compute its gradient; after that output is changed in place, the backward
# pass fails: autograd notices that the saved value was modified and
# refuses to use it. Prefer the out-of-place form (``y = y + 1``) when the
# tensor takes part in a gradient computation.

w = torch.ones(3, requires_grad=True)
y = w.sigmoid()
y.add_(1)
try:
    y.sum().backward()
except RuntimeError as error:
    print(error)

# %%
# Bridge with NumPy
# -----------------
#
# A CPU tensor and the array that its ``numpy()`` returns share their memory:
# a change to one is a change to the other.

t = torch.ones(5)
n = t.numpy()
t.add_(1)
print(f"tensor: {t}")
print(f"array:  {n}")

# %%
# It works the other way too: ``torch.from_numpy`` wraps the array's memory.
# ``torch.tensor(n)``, by contrast, copies it.

n = np.ones(5)
t = torch.from_numpy(n)
copied = torch.tensor(n)
np.add(n, 1, out=n)
print(f"tensor: {t}")
print(f"torch.tensor(n), a copy: {copied}")
print(f"array:  {n}")
print(f"same memory: {t.data_ptr() == n.ctypes.data}")

# %%
# Data types: float32 and float64
# -------------------------------
#
# NumPy makes floating-point arrays in ``float64``, and
# :func:`torch.from_numpy` keeps the data type: hence the
# ``dtype=torch.float64`` above. PyTorch makes floating-point tensors and
# layer parameters in ``float32`` (:func:`torch.get_default_dtype`): half the
# memory, much faster on most GPUs, and precise enough for training. A
# ``float32`` layer refuses a ``float64`` input:

layer = torch.nn.Linear(5, 1)
print(f"default: {torch.get_default_dtype()}, layer: {layer.weight.dtype}, t: {t.dtype}")
try:
    layer(t)
except RuntimeError as error:
    print(error)

# %%
# :meth:`~torch.Tensor.float` converts a tensor to ``float32``, keeping about
# 7 significant digits. Converting to another data type copies the data, so
# the result no longer shares the array's memory; a tensor that is already
# ``float32`` comes back as it is (``.clone()`` makes a copy). Convert before
# moving data to Apple's MPS, which rejects ``float64``.

t32 = t.float()
print(f"t.float(): {t32.dtype}, shares memory with n: {t32.data_ptr() == n.ctypes.data}")
print(f"t32.float() is t32: {t32.float() is t32}")
print(f"0.1 in float32: {torch.tensor(0.1).item()}")
print(f"layer(t.float()): {layer(t32).dtype}")

# %%
# Running on an accelerator
# -------------------------
#
# Tensors are created on the CPU unless you ask for another ``device``:
# factory functions such as ``torch.rand`` take a ``device`` argument. When an
# accelerator (a CUDA or ROCm GPU, Apple's MPS, ...) is available,
# :meth:`~torch.Tensor.to` moves an existing tensor there: it returns a copy on
# that device (or the tensor itself if it is already there), and operations on
# it run on that device. The code below runs on either.

if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")

tensor = torch.rand(3, 4, device=device)  # created on the device
print(f"created on: {tensor.device}")
print(f"moved to: {torch.ones(2).to(device).device}")

# %%
# Recap
# -----
#
# * Create tensors from data, from NumPy arrays, from other tensors
#   (``*_like``) or from a shape (``rand``, ``ones``, ``zeros``).
# * Every tensor has a ``shape``, a ``dtype`` and a ``device``.
# * ``view`` and ``reshape`` change the shape, ``permute`` reorders the
#   dimensions, ``unsqueeze`` and ``squeeze`` add and remove dimensions of
#   size 1. ``view`` never copies, so it fails when the new shape does not fit
#   the memory layout (as for a transposed tensor); ``reshape`` copies when it must.
# * ``@`` is the matrix product, ``*`` the element-wise product.
# * In-place operations (``add_``, ``copy_``) can break gradient
#   computations.
# * CPU tensors and NumPy arrays can share memory. NumPy's ``float64``
#   becomes ``float32``, the type models use, with ``.float()``.
#
# Exercises
# ---------
#
# 1. Add a tensor of shape (3,) to a tensor of shape (2, 3). What is the
#    shape of the result, and what was added to each row?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          m = torch.rand(2, 3)
#          r = torch.tensor([10.0, 20.0, 30.0])
#          total = m + r
#          print(total.shape)
#          print(torch.allclose(total[1] - m[1], r))
#
#       Broadcasting repeats ``r`` along the missing first dimension: every
#       row of ``m`` gets the same ``r``.
#
# 2. Compute ``a @ b`` without ``@``: with ``*``, a change of shape and a
#    sum.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          # element (i, k, j) is a[i, k] * b[k, j]; summing over k gives (a @ b)[i, j]
#          by_hand = (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)
#          print(by_hand)
#          print(torch.allclose(by_hand, a @ b))  # floats: allclose, not equal
#
# 3. ``w`` above requires gradients. What happens when you call
#    ``w.numpy()``, and how do you get its values as an array?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          try:
#              w.numpy()
#          except RuntimeError as error:
#              print(error)
#          array = w.detach().numpy()
#          print(array)
#
#       NumPy cannot record operations for autograd, so PyTorch refuses.
#       ``detach()`` gives a tensor outside the graph that shares ``w``'s
#       memory, and its ``numpy()`` works.
#
# Next, :doc:`plot_2_autograd` shows how tensors record operations to
# compute gradients.
#
# Further reading
# ---------------
#
# * `torch.Tensor <https://docs.pytorch.org/docs/stable/tensors.html>`_
# * `Tensor operations <https://docs.pytorch.org/docs/stable/torch.html>`_
