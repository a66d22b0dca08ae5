"""How the tutorials run: in a scratch folder, within a time limit, recorded, never half-cached.

sphinx-gallery runs each tutorial in the folder of its script, with no time
limit, and skips it on the next build when the script's checksum matches the
one it saved. It saves that checksum only after a successful run, but keeps
the old one when a run fails, so reverting a failed edit would publish the
failed output as if it were current. sphinx-gallery has no settings for any
of this, hence:

* the scripts are mirrored into ``_build/tutorial-runs/`` and run there, so
  a tutorial that writes files leaves the source tree clean;
* before sphinx-gallery starts, the checksum of every tutorial whose script
  changed (or whose page is missing) is deleted, so only a run that finished
  can be reused;
* a tutorial that runs longer than ``blitz_tutorial_time_limit`` seconds is
  stopped with an exception at the line it was running, which sphinx-gallery
  reports with the tutorial's traceback;
* with ``BLITZ_EXECUTION_LOG`` set, each run appends ``<language> <script>``
  to that file, so tests and the benchmark can count executions;
* worker processes a tutorial leaves running (a DataLoader's persistent
  workers) are ended when it finishes, as the end of its script would;
* once the tutorials have run, the functions in ``after_runs`` are called
  (``tools/build_site.py`` starts the translations' build there, on the
  other core, while this build goes on).
"""

import os
import shutil
import signal
from pathlib import Path

from sphinx.errors import ConfigError

_state = {"language": None, "limit": 0}
after_runs = []  # functions of the app, called once sphinx-gallery has run every tutorial


class TutorialTimeout(Exception):
    """A tutorial ran past blitz_tutorial_time_limit."""


def _stop(signum, frame):
    raise TutorialTimeout(
        f"still running after {_state['limit']} s, the time limit (blitz_tutorial_time_limit in conf.py)"
    )


def on_each_run(gallery_conf, fname, when):
    """sphinx-gallery calls this before and after each tutorial (``reset_modules``)."""
    if when == "before":
        log = os.environ.get("BLITZ_EXECUTION_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{_state['language']} {fname}\n")
        if _state["limit"] and hasattr(signal, "SIGALRM"):
            signal.signal(signal.SIGALRM, _stop)
            signal.alarm(_state["limit"])
    else:
        if hasattr(signal, "SIGALRM"):
            signal.alarm(0)
        end_worker_processes()


def end_worker_processes():
    """End the processes a tutorial left running, as the end of its script would.

    A DataLoader with ``persistent_workers`` keeps its worker processes until
    the loader is garbage-collected; a script's exit ends them at once. Here
    the build goes on, and when the collector reached Part 5's loaders during
    a later page, their forked workers (copies of the build's process) did
    not answer the shutdown, and each join waited out DataLoader's 5 s
    timeout: 10.5 s of the build, measured.
    """
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


def mirror(source, scratch):
    """Make ``scratch`` hold the files of ``source``; unchanged files keep their mtime."""
    scratch.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    for path in sorted(scratch.rglob("*"), reverse=True):
        relative = path.relative_to(scratch)
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative in wanted:
        target = scratch / relative
        if not target.exists() or target.read_bytes() != (source / relative).read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / relative, target)


def run_in_scratch(app, config):
    """config-inited: point sphinx-gallery at a mirror of the tutorials under _build/."""
    _state["language"] = config.language
    _state["limit"] = int(config.blitz_tutorial_time_limit)
    conf = config.sphinx_gallery_conf
    source = Path(conf["examples_dirs"])
    if not source.is_absolute():
        raise ConfigError("sphinx_gallery_conf['examples_dirs'] must be an absolute path")
    scratch = Path(app.confdir) / "_build" / "tutorial-runs" / source.name
    mirror(source, scratch)
    conf["examples_dirs"] = str(scratch)
    app.blitz_tutorial_sources = source  # where contributors edit them


def forget_unfinished_runs(app):
    """builder-inited, before sphinx-gallery: keep a checksum only where its run finished."""
    from sphinx_gallery.utils import get_md5sum

    conf = app.config.sphinx_gallery_conf
    gallery = Path(app.srcdir, conf["gallery_dirs"])
    for script in Path(conf["examples_dirs"]).glob("*.py"):
        checksum = gallery / f"{script.name}.md5"
        if not checksum.exists():
            continue
        finished = checksum.read_text() == get_md5sum(script, mode="t")
        if not finished or not (gallery / f"{script.stem}.rst").exists():
            checksum.unlink()


def tutorials_done(app):
    """builder-inited, after sphinx-gallery: every tutorial has run or was current."""
    for function in after_runs:
        function(app)


def setup(app):
    app.add_config_value("blitz_tutorial_time_limit", 300, "env")
    app.connect("config-inited", run_in_scratch)
    app.connect("builder-inited", forget_unfinished_runs, priority=5)  # before sphinx-gallery
    app.connect("builder-inited", tutorials_done, priority=900)  # after sphinx-gallery (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
