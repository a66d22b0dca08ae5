"""Where a build's time goes, per extension and per phase, for ``nox -s bench``.

Only when ``BLITZ_BUILD_TIMES`` names a file: then every event handler and
every transform is timed, grouped by the extension (module) that registered
it, and the phases (start-up with the tutorials' execution, reading,
writing, the build-finished handlers) are timed from Sphinx's events; one JSON line per language is
appended to the file. Sphinx has no such report (``-T`` only adds
tracebacks; ``--verbose`` prints no durations), hence this extension.
"""

import functools
import json
import os
import time
from collections import Counter
from pathlib import Path

STARTED = time.perf_counter()  # the extension is imported as the build starts


def owner(function):
    """The extension a handler or transform belongs to: ours by module, others by package."""
    return (getattr(function, "__module__", None) or "?").split(".")[0]


def timed(function, totals, key):
    """``function``, adding its time to ``totals()[key]`` (the build that is running now)."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals()[key] += time.perf_counter() - start
    return run


class BuildTimes:
    running = None  # the build of the language being built (build_site.py builds them in one process)

    def __init__(self, app, path, started):
        BuildTimes.running = self
        self.path, self.language, self.start = Path(path), app.config.language, started
        self.handlers, self.transforms, self.marks = Counter(), Counter(), {}
        for name, listeners in app.events.listeners.items():
            listeners[:] = [
                listener._replace(handler=timed(listener.handler, lambda: self.handlers, owner(listener.handler)))
                for listener in listeners
            ]
        for transform in {*app.registry.transforms, *app.registry.post_transforms}:
            if not getattr(transform.apply, "blitz_timed", False):  # classes outlive one language's build
                transform.apply = timed(transform.apply, lambda: BuildTimes.running.transforms, owner(transform))
                transform.apply.blitz_timed = True
        for event in ("env-before-read-docs", "env-updated", "write-started", "build-finished"):
            app.connect(event, functools.partial(self.mark, event), priority=0)  # before the event's handlers
        app.connect("build-finished", functools.partial(self.mark, "finished"), priority=1000)  # after them

    def mark(self, event, app, *args):
        self.marks[event] = time.perf_counter()
        if event == "finished" and not args[-1]:
            self.write()

    def write(self):
        m = self.marks
        record = {
            "language": self.language,
            "phases": {
                "start-up and tutorials": m["env-before-read-docs"] - self.start,
                "reading": m["env-updated"] - m["env-before-read-docs"],
                "between": m["write-started"] - m["env-updated"],
                "writing": m["build-finished"] - m["write-started"],
                "finishing (build-finished)": m["finished"] - m["build-finished"],
            },
            "handlers": dict(self.handlers),
            "transforms": dict(self.transforms),
        }
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def start(app, config):
    path = os.environ.get("BLITZ_BUILD_TIMES")
    if path:
        # The first language's build started when this module was imported; a later one's, now.
        BuildTimes(app, path, time.perf_counter() if getattr(start, "ran", False) else STARTED)
        start.ran = True


def setup(app):
    # Late among config-inited handlers, so that every extension has registered its own.
    app.connect("config-inited", start, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
