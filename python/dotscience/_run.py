"""One run's annotations, and the run block that carries them to ``ds run`` or a notebook's output.

The block is the original library's (PyPI ``dotscience`` 0.8.x)::

    [[DOTSCIENCE-RUN:<uuid>]]<json.dumps(metadata, sort_keys=True, indent=4)>[[/DOTSCIENCE-RUN:<uuid>]]

with ``"version": "1"`` when the run has no metric points, so every reader of the original format
reads it; a run with metric points prints ``"version": "2"``: version 1 plus ``"metrics"``, a list
of points ``{"name", "value", "step"?, "at"}`` in the order they were recorded. Either version adds
``"interpreter"``: the Python that printed it (``sys.executable``; a notebook's kernel), which
readers of the original format ignore as an unknown key.
"""

import datetime
import json
import os
import sys
import uuid

from ._values import DotscienceValueError

TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S.%f"
MODEL_TYPES = ("tensorflow-model", "sklearn-model")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Run:
    """What one run declares. Parameters, summaries and labels are the strings the original library prints."""

    def __init__(self, root):
        self.root = root
        self.run_id = str(uuid.uuid4())
        self.error_text = None
        self.description_text = None
        self.inputs = set()
        self.outputs = set()
        self.labels = {}
        self.summaries = {}
        self.parameters = {}
        self.metrics = []
        self.last_steps = {}
        self.started = None
        self.ended = None
        self.workload_file = None

    def start(self):
        if self.started is not None:
            raise RuntimeError("Run.start() has been called more than once")
        self.started = utcnow()

    def lazy_start(self):
        if self.started is None:
            self.started = utcnow()

    def end(self):
        # The first end() wins: publish() ends the run only if the script did not.
        if self.ended is None:
            self.ended = utcnow()

    def next_run(self):
        """After a publish: a fresh id and clock, no metric points; the other annotations are kept (the original library's way)."""
        self.run_id = str(uuid.uuid4())
        self.started = None
        self.ended = None
        self.metrics = []
        self.last_steps = {}

    def relative(self, path):
        return os.path.relpath(str(path), start=self.root)

    def add_input(self, filename):
        # A directory is one input, versioned whole (its Merkle manifest), as ds records it (docs/decisions.md D130).
        self.inputs.add(self.relative(filename))

    def add_output(self, filename):
        self.outputs.add(self.relative(filename))

    def add_metric(self, name, value, step):
        self.metrics.append({"name": name, "value": value, "step": step, "at": utcnow()})
        if step is not None:
            self.last_steps[name] = step

    def model(self, module, name, filepath, **kwargs):
        kind = getattr(module, "__name__", None)
        artefact_type = None if kind is None else kind + "-model"
        if artefact_type not in MODEL_TYPES:
            raise DotscienceValueError("unknown model type %s: ds.model() takes the tensorflow or sklearn module" % (artefact_type,))
        files = {"model": filepath}
        if "classes" in kwargs:
            files["classes"] = kwargs["classes"]
        for path in files.values():
            self.add_output(path)
        artefact = {
            "type": artefact_type,
            "version": getattr(module, "__version__", "unknown"),
            "files": {role: self.relative(path) for role, path in files.items()},
        }
        self.labels["artefact:" + name] = json.dumps(artefact, sort_keys=True, separators=(",", ":"))
        return filepath

    def metadata(self):
        block = {
            "version": "2" if self.metrics else "1",
            "input": sorted(self.inputs),
            "output": sorted(self.outputs),
            "labels": self.labels,
            "summary": self.summaries,
            "parameters": self.parameters,
        }
        if self.metrics:
            block["metrics"] = [metric_point(p) for p in self.metrics]
        if self.error_text is not None:
            block["error"] = self.error_text
        if self.description_text is not None:
            block["description"] = self.description_text
        if self.started is not None:
            block["start"] = self.started.strftime(TIMESTAMP_FORMAT)
        if self.ended is not None:
            block["end"] = self.ended.strftime(TIMESTAMP_FORMAT)
        if self.workload_file is not None:
            block["workload-file"] = self.workload_file
        if sys.executable:
            # The Python that ran the run (a notebook's kernel): ds records its version and packages.
            block["interpreter"] = sys.executable
        return block

    def block(self):
        body = json.dumps(self.metadata(), sort_keys=True, indent=4, allow_nan=False)
        return "[[DOTSCIENCE-RUN:%s]]%s[[/DOTSCIENCE-RUN:%s]]" % (self.run_id, body, self.run_id)

    __str__ = block


def metric_point(point):
    out = {"name": point["name"], "value": point["value"], "at": point["at"].strftime(TIMESTAMP_FORMAT)}
    if point["step"] is not None:
        out["step"] = point["step"]
    return out
