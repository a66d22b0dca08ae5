r"""
Training a classifier
=====================

This is where the pieces come together: we load a real dataset, train a
small convolutional network on it, and measure how well it recognises
images it has never seen.

The official blitz trains on CIFAR-10, which must be downloaded first (about
170 MB). This tutorial uses a dataset that is already on your machine: the
handwritten digits that ship inside scikit-learn. It is real data, it has 10
classes like CIFAR-10, and it is small enough to train in seconds on a CPU.
At the end we show what to change to train on CIFAR-10 instead.

**What you will learn**

* how to feed data to a network with ``Dataset`` and ``DataLoader``;
* how to write a training loop, and how to measure accuracy overall and per
  class;
* how to save and load a trained model;
* how to train on an accelerator.

**Prerequisites:** :doc:`plot_1_tensors`, :doc:`plot_2_autograd` and
:doc:`plot_3_neural_networks`.
"""

# %%
# The data
# --------
#
# ``load_digits`` reads 1797 images of handwritten digits, 8×8 pixels with
# values from 0 to 16, from files installed with scikit-learn; nothing is
# downloaded. We scale the pixels to [0, 1] and keep a quarter of the images
# aside, never used for training, to test the network.

# sphinx_gallery_thumbnail_number = 3
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)

digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16
labels = torch.tensor(digits.target)
classes = [str(digit) for digit in range(10)]

train_images, test_images, train_labels, test_labels = train_test_split(
    images, labels, test_size=0.25, random_state=0, stratify=labels
)
print(f"images: {tuple(images.shape)}, values from {images.min()} to {images.max()}")
print(f"training set: {len(train_images)} images, test set: {len(test_images)} images")

# %%
# ``Dataset`` and ``DataLoader``
# ------------------------------
#
# A ``Dataset`` returns one example (an image and its label) at a time; a
# ``DataLoader`` groups examples into batches and, for training, shuffles
# them at every pass over the data (an *epoch*). ``TensorDataset`` wraps
# tensors that are already in memory.

from torch.utils.data import DataLoader, TensorDataset

train_set = TensorDataset(train_images, train_labels)
test_set = TensorDataset(test_images, test_labels)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)

batch_images, batch_labels = next(iter(train_loader))
print(f"one batch: images {tuple(batch_images.shape)}, labels {tuple(batch_labels.shape)}")

# %%
# A few training images with their labels:

import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 8, figsize=(8, 1.6))
for ax, image, label in zip(axes, batch_images, batch_labels):
    ax.imshow(image.squeeze().numpy(), cmap="gray_r")
    ax.set_title(classes[label])
    ax.set_axis_off()
plt.show()

# %%
# The network
# -----------
#
# A small convolutional network: two 3×3 convolutions keep the 8×8 size,
# max pooling halves it, and two linear layers map the 32 feature maps of
# 4×4 pixels to 10 class scores.

from torch import nn


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
print(f"device: {device}")

net = DigitNet().to(device)
print(net)

# %%
# Loss function and optimizer
# ---------------------------
#
# For classification we use the cross-entropy loss, which compares the 10
# scores with the correct class, and the Adam optimizer.

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)

# %%
# Training the network
# --------------------
#
# Each epoch loops over the training batches. Every step is the one you
# know: zero the gradients, forward, loss, backward, optimizer step. The
# batches go to the same device as the network. We record the mean loss of
# every epoch.

epochs = 15
epoch_losses = []
for epoch in range(1, epochs + 1):
    net.train()
    running_loss = 0.0
    for inputs, targets in train_loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * len(inputs)
    epoch_losses.append(running_loss / len(train_set))
    if epoch % 3 == 0 or epoch == 1:
        print(f"epoch {epoch:2}: loss {epoch_losses[-1]:.4f}")

# %%
# The training loss falls quickly, then levels off:

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(range(1, epochs + 1), epoch_losses, marker="o")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
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
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x.to(device)).argmax(dim=1).cpu() for x, _ in loader])


predicted = predict(net, test_loader)
accuracy = (predicted == test_labels).float().mean().item()
print(f"accuracy on the {len(test_labels)} test images: {accuracy:.1%}")

# %%
# Accuracy per class shows which digits the network finds hardest:

for digit, name in enumerate(classes):
    mask = test_labels == digit
    correct = (predicted[mask] == digit).sum().item()
    print(f"digit {name}: {correct / mask.sum().item():6.1%} ({correct}/{mask.sum().item()})")

# %%
# Test images with the predicted label, and the true one below it when they
# differ. Wrong predictions are shown first, in red.

wrong = (predicted != test_labels).nonzero().flatten().tolist()
right = (predicted == test_labels).nonzero().flatten().tolist()
shown = (wrong + right)[:16]

fig, axes = plt.subplots(2, 8, figsize=(8, 2.8))
for ax, index in zip(axes.flat, shown):
    ok = predicted[index] == test_labels[index]
    ax.imshow(test_images[index].squeeze().numpy(), cmap="gray_r")
    title = classes[predicted[index]] + ("" if ok else f"\n({classes[test_labels[index]]})")
    ax.set_title(title, color="black" if ok else "tab:red")
    ax.set_axis_off()
plt.show()
print(f"{len(wrong)} of {len(test_labels)} test images are misclassified")

# %%
# Saving and loading the model
# ----------------------------
#
# A model's learned values are in its ``state_dict``, a dictionary from
# parameter names to tensors. We save it, load it into a new ``DigitNet`` and
# check that the copy predicts exactly the same classes. We save to a
# temporary folder; in your own work, use a path you keep.

import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "digits_net.pt"
    torch.save(net.state_dict(), path)
    reloaded = DigitNet().to(device)
    reloaded.load_state_dict(torch.load(path, weights_only=True))

same = torch.equal(predict(reloaded, test_loader), predicted)
print(f"the reloaded model predicts the same classes: {same}")

# %%
# Training on an accelerator
# --------------------------
#
# The code above already runs on an accelerator when one is present: the
# network was moved with ``.to(device)``, which converts its parameters, and
# every batch is moved to the same device inside the loop. The device was
# chosen at the start:

print(f"trained on: {next(net.parameters()).device}")

# %%
# Training on CIFAR-10
# --------------------
#
# With a network connection you can train on CIFAR-10, the colour images of
# the official blitz. Replace the data section with a ``torchvision``
# dataset, which downloads the files on first use:
#
# .. code-block:: python
#
#    import torchvision
#    import torchvision.transforms as transforms
#
#    transform = transforms.Compose(
#        [transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]
#    )
#    train_set = torchvision.datasets.CIFAR10(
#        root="./data", train=True, download=True, transform=transform
#    )
#    test_set = torchvision.datasets.CIFAR10(
#        root="./data", train=False, download=True, transform=transform
#    )
#    classes = train_set.classes
#
# Then give the network 3 input channels and sizes for 32×32 images: the
# LeNet of :doc:`plot_3_neural_networks`, with ``nn.Conv2d(3, 6, 5)`` as its
# first layer, is the official blitz's choice. Training takes longer:
# CIFAR-10 has 50,000 training images, each 32×32 pixels in three colours.
#
# Recap
# -----
#
# * ``Dataset`` gives examples one at a time; ``DataLoader`` batches and
#   shuffles them.
# * A training step is zero the gradients, forward, loss, backward, step.
# * Test on data the network has not seen, overall and per class.
# * ``state_dict`` saves and restores what the network learned.
# * ``.to(device)`` on the model and on every batch moves training to an
#   accelerator.
#
# Further reading
# ---------------
#
# * `Datasets and DataLoaders
#   <https://docs.pytorch.org/tutorials/beginner/basics/data_tutorial.html>`_
# * `Saving and loading models
#   <https://docs.pytorch.org/tutorials/beginner/saving_loading_models.html>`_
# * `torch.utils.data <https://docs.pytorch.org/docs/stable/data.html>`_
