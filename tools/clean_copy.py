"""Copy the repository as a fresh clone would have it, plus uncommitted work.

No environments, no builds, no executed tutorials: what the tests and the
benchmark start from. The npm packages (``node_modules``, KaTeX for the build)
are linked, not copied, as the shared Python environment is used in place.
"""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clean_copy(destination):
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = Path(destination) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if (ROOT / "node_modules").is_dir():
        (Path(destination) / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return Path(destination)
