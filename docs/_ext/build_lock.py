"""One build at a time per checkout: a second one waits, saying which process holds the lock.

Builds of one checkout share more than their output folder: sphinx-gallery's
executed tutorials in ``docs/tutorials/``, the compiled catalogs next to each
``.po``, the tutorials' scratch folder under ``_build/``. Two at once (a second
terminal, ``nox -s docs`` beside ``nox -s serve``) overwrote each other's
files and left a site whose search index lacked half the pages.

``tools/build_site.py`` holds the lock for a whole site build (every language
and the root pages); as an extension it is taken at config-inited, so each
rebuild of ``nox -s serve`` (sphinx-autobuild runs sphinx-build) and the
gettext build of ``nox -s catalogs`` take it too. The lock is an advisory
``flock`` on ``_build/build.lock``, released by the system when its process
ends, however it ends; the file holds the holder's pid for the message.
Written here because filelock, the library for this, does not say who holds a
lock. Where ``fcntl`` is missing (Windows) there is no lock.

``build_site.py`` builds the translations in a second process while the
source language's build goes on; it hands that process its open lock file
(``BLITZ_BUILD_LOCK_FD``), whose lock the two then hold together.
"""

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "_build" / "build.lock"

_held = None  # the open lock file while this process holds the lock
_shared = False  # held through a handle inherited from the build that started this process
HANDED_OVER = "BLITZ_BUILD_LOCK_FD"


def hand_over():
    """The environment for a child process that builds beside this one, sharing its lock."""
    if _held is None:
        return {}
    return {HANDED_OVER: str(_held.fileno())}


def holder(lock):
    """What the lock file says of its holder: ``pid N, since HH:MM:SS``."""
    for _ in range(20):  # a holder that has just taken the lock writes its pid a moment later
        try:
            said = lock.read_text(encoding="utf-8").strip()
        except OSError:
            return "another process"
        if said:
            return said
        time.sleep(0.05)
    return "a process that has not written its pid"


def acquire(lock=LOCK, say=print):
    """Hold the lock for the rest of this process (or until release()); wait while another holds it."""
    global _held, _shared
    if _held is not None or fcntl is None:
        return
    inherited = os.environ.pop(HANDED_OVER, None)
    if inherited is not None:  # the build that started this process holds the lock, and shares it
        _held = os.fdopen(int(inherited), "a+", encoding="utf-8")
        fcntl.flock(_held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the same open file: granted at once
        _shared = True
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        say(f"Another build of this checkout is running ({holder(lock)}; it holds {lock}). "
            "Waiting for it to finish; press Ctrl-C to stop waiting.")
        started = time.monotonic()
        fcntl.flock(handle, fcntl.LOCK_EX)
        say(f"The other build finished after {time.monotonic() - started:.0f} s; building now.")
    handle.truncate(0)
    handle.write(f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}\n")
    handle.flush()
    _held = handle


def release():
    global _held
    if _held is not None:
        if not _shared:  # the pid is its starter's
            _held.truncate(0)
        _held.close()  # closing drops the flock
        _held = None


def lock_for_this_build(app, config):
    """config-inited: a plain sphinx-build takes the lock; inside build_site.py it is held already."""
    from sphinx.util import logging

    acquire(say=logging.getLogger(__name__).info)


def setup(app):
    app.connect("config-inited", lock_for_this_build, priority=200)  # after the input checks, before any work
    return {"parallel_read_safe": True, "parallel_write_safe": True}
