"""dotscience: record data-science runs from Python, standard library only.

The original library's API (PyPI ``dotscience`` 0.8.x), unchanged, so existing scripts run as
they are::

    import dotscience as ds
    ds.script()                                  # or ds.interactive() in a notebook
    ds.start("train a tree")
    ds.input("data/train.csv")
    depth = ds.parameter("max_depth", 5)         # returns the value: use it inline
    for epoch in range(10):
        ds.metric("loss", loss, step=epoch)      # a metric series point (not a summary string)
    ds.summary("accuracy", 0.93)
    ds.model(sklearn, "tree", "model.joblib")    # an output plus the artefact:<name> label
    ds.publish("trained")

or ``with ds.run("train a tree"):`` … (published at the end; an exception is recorded as the
run's error and re-raised).

Where the run goes:

* under ``ds run`` and in notebooks: ``publish()`` prints a run block to stdout (the original
  format; version "2" when the run has metric points) which ``ds run`` and
  ``ds notebook ingest`` record;
* with ``DOTSCIENCE_HUB`` and ``DOTSCIENCE_TOKEN`` set, or after ``ds.connect(...)``:
  ``publish()`` records the run on that hub over HTTP, without ``ds run``.

Bad names and values (a non-string name, NaN, a value of megabytes) raise at the call that gave
them, saying what to do; nothing is recorded for them.
"""

import contextlib
import json
import os
import sys

from ._hub import HubClient, HubError, publish_to_hub
from ._run import Run
from ._values import (
    DotscienceTypeError,
    DotscienceValueError,
    check_metric_value,
    check_name,
    check_path,
    check_step,
    check_text_value,
    pairs,
)

__version__ = "0.9.0"

__all__ = [
    "Dotscience", "DotscienceTypeError", "DotscienceValueError", "HubError",
    "interactive", "script", "connect", "start", "end", "publish", "run",
    "input", "add_input", "add_inputs", "output", "add_output", "add_outputs",
    "parameter", "param", "add_parameter", "add_parameters",
    "summary", "add_summary", "add_summaries", "metric", "add_metric", "add_metrics",
    "label", "add_label", "add_labels", "model", "add_model",
    "error", "set_error", "description", "set_description", "debug",
]


def _in_notebook():
    return "ipykernel" in sys.modules


class Dotscience:
    """The library's state: the mode, where runs go, and the run being annotated."""

    def __init__(self):
        self.mode = None
        self.workload_file = None
        self.root = os.getenv("DOTSCIENCE_PROJECT_DOT_ROOT", default=os.getcwd())
        self.current = None
        self.hub = None
        self.published = []
        self.stream = None
        hub_url, token = os.getenv("DOTSCIENCE_HUB"), os.getenv("DOTSCIENCE_TOKEN")
        if hub_url and token:
            self.hub = HubClient(hub_url, token, os.getenv("DOTSCIENCE_PROJECT") or None)

    # Modes and where runs go

    def interactive(self):
        if self.mode not in (None, "interactive"):
            raise RuntimeError("cannot select interactive mode: the library is in %s mode" % self.mode)
        self.mode = "interactive"
        self.workload_file = None

    def script(self, script_path=None):
        if self.mode not in (None, "script"):
            raise RuntimeError("cannot select script mode: the library is in %s mode" % self.mode)
        self.mode = "script"
        path = sys.argv[0] if script_path is None else script_path
        self.workload_file = os.path.relpath(str(path), start=self.root)

    def connect(self, *args, **kwargs):
        """Record runs on a hub from now on.

        ``connect(hub_url, token=..., project=None)``, or the original
        ``connect(user, apikey, project, hostname)``: the API key is a hub token and the hostname the hub.
        """
        if "token" in kwargs or "hub_url" in kwargs or (len(args) >= 1 and str(args[0]).startswith(("http://", "https://"))):
            given = dict(zip(("hub_url", "token", "project"), args))
            given.update(kwargs)
            if given.get("hub_url") is None or given.get("token") is None:
                raise TypeError("connect(hub_url, token=...) needs the hub's URL and a token (ds token create --role write)")
            url, token, project = given["hub_url"], given["token"], given.get("project")
        else:
            names = ("user", "apikey", "project", "hostname")
            given = dict(zip(names, args))
            given.update(kwargs)
            missing = [n for n in names if n not in given]
            if missing:
                raise TypeError("connect(user, apikey, project, hostname) is missing %s; or use connect(hub_url, token=...)" % ", ".join(missing))
            url, token, project = given["hostname"], given["apikey"], given["project"]
            if not str(url).startswith(("http://", "https://")):
                url = "https://" + str(url)
        self.hub = HubClient(url, token, project)
        self.hub.project()  # fail now, not at publish, when the hub or token is wrong

    # The run's lifecycle

    def start(self, description=None):
        self.current = Run(self.root)
        self.current.start()
        if description is not None:
            self.current.description_text = check_text_value("description", "description", description)

    def _run(self):
        if self.current is None:
            print("You have not called ds.start() yet, so I'm doing it for you!")
            self.start()
        # After a publish the next annotation starts the next run's clock.
        self.current.lazy_start()
        return self.current

    def end(self):
        self._run().end()

    def publish(self, description=None, stream=None):
        """End the run and record it (a run block on stdout, or on the hub); returns its run id."""
        if self.mode is None:
            workload_type = os.getenv("DOTSCIENCE_WORKLOAD_TYPE", "")
            if workload_type == "jupyter" or _in_notebook():
                self.interactive()
            elif workload_type == "command":
                self.script()
        if description is not None:
            description = check_text_value("description", "description", description)
        run = self._run()
        run.end()
        if description is not None:
            run.description_text = description
        run.workload_file = self.workload_file
        if self.hub is not None:
            workload = {"cwd": self.root}
            if self.workload_file is not None:
                workload["script"] = self.workload_file
            run_id = publish_to_hub(self.hub, run, self.hub.project(), self.mode or "interactive", workload)
        else:
            out = stream or self.stream or sys.stdout
            out.write(run.block() + "\n")
            out.flush()
            run_id = run.run_id
        self.published.append(run_id)
        run.next_run()
        return run_id

    @contextlib.contextmanager
    def run(self, description=None):
        """``with ds.run("desc"):`` a run started now and published at the end; an exception is its error (and is re-raised)."""
        self.start(description)
        try:
            yield self
        except BaseException as failure:
            self.current.error_text = "%s: %s" % (type(failure).__name__, failure)
            self.publish()
            raise
        self.publish()

    # Annotations. Each checks everything it was given before it keeps anything.

    def set_error(self, error):
        self._run().error_text = check_text_value("error", "error", error)

    def error(self, error):
        self.set_error(error)
        return error

    def set_description(self, description):
        self._run().description_text = check_text_value("description", "description", description)

    def description(self, description):
        self.set_description(description)
        return description

    def add_input(self, filename):
        self._run().add_input(check_path("an input", filename))

    def add_inputs(self, *filenames):
        paths = [check_path("an input", f) for f in filenames]
        run = self._run()
        for path in paths:
            run.add_input(path)

    def input(self, filename):
        self.add_input(filename)
        return filename

    def add_output(self, filename):
        self._run().add_output(check_path("an output", filename))

    def add_outputs(self, *filenames):
        paths = [check_path("an output", f) for f in filenames]
        run = self._run()
        for path in paths:
            run.add_output(path)

    def output(self, filename):
        self.add_output(filename)
        return filename

    def model(self, module, name, filepath, **kwargs):
        check_name("model", name)
        check_path("a model file", filepath)
        return self._run().model(module, name, filepath, **kwargs)

    def add_model(self, module, name, filepath, **kwargs):
        self.model(module, name, filepath, **kwargs)

    def _add_texts(self, what, target, given):
        checked = [(check_name(what, n), check_text_value(what, n, v)) for n, v in given]
        values = target(self._run())
        for name, text in checked:
            values[name] = text

    def add_label(self, name, value):
        self._add_texts("label", lambda r: r.labels, [(name, value)])

    def add_labels(self, *args, **kwargs):
        self._add_texts("label", lambda r: r.labels, pairs("add_labels", args, kwargs))

    def label(self, name, value):
        self.add_label(name, value)
        return value

    def add_summary(self, name, value):
        self._add_texts("summary", lambda r: r.summaries, [(name, value)])

    def add_summaries(self, *args, **kwargs):
        self._add_texts("summary", lambda r: r.summaries, pairs("add_summaries", args, kwargs))

    def summary(self, name, value):
        self.add_summary(name, value)
        return value

    def add_parameter(self, name, value):
        self._add_texts("parameter", lambda r: r.parameters, [(name, value)])

    def add_parameters(self, *args, **kwargs):
        self._add_texts("parameter", lambda r: r.parameters, pairs("add_parameters", args, kwargs))

    def parameter(self, name, value):
        self.add_parameter(name, value)
        return value

    param = parameter

    def add_metrics(self, *args, step=None, **kwargs):
        """Points of several series at once (one step for all): ``add_metrics(loss=0.3, acc=0.9, step=4)``."""
        run = self.current
        checked = []
        steps = {}
        for name, value in pairs("add_metrics", args, kwargs):
            check_name("metric", name)
            last = steps.get(name, run.last_steps.get(name) if run is not None else None)
            point_step = check_step(name, step, last)
            if point_step is not None:
                steps[name] = point_step
            checked.append((name, check_metric_value(name, value), point_step))
        run = self._run()
        for name, value, point_step in checked:
            run.add_metric(name, value, point_step)

    def add_metric(self, name, value, step=None):
        check_name("metric", name)
        run = self.current
        point_step = check_step(name, step, run.last_steps.get(name) if run is not None else None)
        number = check_metric_value(name, value)
        self._run().add_metric(name, number, point_step)

    def metric(self, name, value, step=None):
        """A point of metric series ``name`` (at ``step`` when given); returns ``value``."""
        self.add_metric(name, value, step)
        return value

    def debug(self):
        print(json.dumps(self._run().metadata(), sort_keys=True, indent=4))


_default = Dotscience()

interactive = _default.interactive
script = _default.script
connect = _default.connect
start = _default.start
end = _default.end
publish = _default.publish
run = _default.run
set_error = _default.set_error
error = _default.error
set_description = _default.set_description
description = _default.description
add_input = _default.add_input
add_inputs = _default.add_inputs
input = _default.input
add_output = _default.add_output
add_outputs = _default.add_outputs
output = _default.output
model = _default.model
add_model = _default.add_model
add_label = _default.add_label
add_labels = _default.add_labels
label = _default.label
add_summary = _default.add_summary
add_summaries = _default.add_summaries
summary = _default.summary
add_parameter = _default.add_parameter
add_parameters = _default.add_parameters
parameter = _default.parameter
param = _default.param
add_metric = _default.add_metric
add_metrics = _default.add_metrics
metric = _default.metric
debug = _default.debug
