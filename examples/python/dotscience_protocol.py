"""The stdout protocol of the original Dotscience Python library (PyPI ``dotscience`` 0.8.x).

A stand-in with the library's annotation functions and wire format, for
environments where the library is not installed. It behaves as the library
does when run by a Dotscience runner (script or interactive mode; the remote
mode that talks to a hub is left out):

* paths are made relative to the root, ``DOTSCIENCE_PROJECT_DOT_ROOT`` or else
  the working directory at import (``os.path.relpath``: data outside the root
  comes out as ``../…``); an input directory is expanded into its files when
  declared, an output directory into its files when the run is published;
  inputs and outputs are printed sorted;
* on ``publish()`` one block per run is written to stdout, without a flush,

    [[DOTSCIENCE-RUN:<uuid>]]<json.dumps(metadata, sort_keys=True, indent=4)>[[/DOTSCIENCE-RUN:<uuid>]]

  followed by a newline; the run's times are then forgotten (the next
  annotation starts the next run's clock) but its other annotations are kept;
* an annotation before ``start()`` prints "You have not called ds.start()
  yet, so I'm doing it for you!" and starts a run.

``ds run -- python3 script.py`` records each block as a run. Scripts written
for the real library run unchanged with ``import dotscience as ds``; these
examples use ``import dotscience_protocol as ds``.
"""

import datetime
import json
import os
import sys
import uuid

TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S.%f"
MODEL_TYPES = ("tensorflow-model", "sklearn-model")


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _files_under(root, path, found):
    """Add ``path`` (relative to ``root``), or every file below it when it is a directory."""
    if os.path.isdir(os.path.join(root, path)):
        for entry in os.listdir(os.path.join(root, path)):
            _files_under(root, os.path.join(path, entry), found)
    else:
        found.add(path)


def _pairs(args, kwargs):
    for key, value in kwargs.items():
        yield key, value
    for i in range(0, len(args), 2):
        yield args[i], args[i + 1]


class Run:
    """What one run declares; values are kept as the strings the library prints."""

    def __init__(self, root):
        self.root = root
        self.run_id = None
        self.error_text = None
        self.description_text = None
        self.inputs = set()
        self.outputs = set()
        self.labels = {}
        self.summaries = {}
        self.parameters = {}
        self.started = None
        self.ended = None
        self.workload_file = None

    def start(self):
        if self.started is not None:
            raise RuntimeError("Run.start() has been called more than once")
        self.started = _utcnow()

    def lazy_start(self):
        if self.started is None:
            self.started = _utcnow()

    def forget_times(self):
        self.started = None
        self.ended = None

    def end(self):
        # The first end() wins: publish() ends the run only if the script did not.
        if self.ended is None:
            self.ended = _utcnow()

    def relative(self, path):
        return os.path.relpath(str(path), start=self.root)

    def add_input(self, filename):
        if os.path.isdir(filename):
            for entry in os.listdir(filename):
                self.add_input(os.path.join(filename, entry))
        else:
            self.inputs.add(self.relative(filename))

    def add_output(self, filename):
        # Outputs are usually written after they are declared: directories are expanded at publish.
        self.outputs.add(self.relative(filename))

    def model(self, module, name, filepath, **kwargs):
        kind = getattr(module, "__name__", None)
        artefact_type = None if kind is None else kind + "-model"
        if artefact_type not in MODEL_TYPES:
            raise RuntimeError("Unknown model type %s" % (artefact_type,))
        files = {"model": filepath}
        if "classes" in kwargs:
            files["classes"] = kwargs["classes"]
        for path in files.values():
            self.add_output(path)
        artefact = {
            "type": artefact_type,
            "version": module.__version__,
            "files": {role: self.relative(path) for role, path in files.items()},
        }
        self.labels["artefact:" + name] = json.dumps(artefact, sort_keys=True, separators=(",", ":"))
        return filepath

    def metadata(self):
        outputs = set()
        for path in self.outputs:
            _files_under(self.root, path, outputs)
        block = {
            "version": "1",
            "input": sorted(self.inputs),
            "output": sorted(outputs),
            "labels": self.labels,
            "summary": self.summaries,
            "parameters": self.parameters,
        }
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
        return block

    def __str__(self):
        body = json.dumps(self.metadata(), sort_keys=True, indent=4)
        return "[[DOTSCIENCE-RUN:%s]]%s[[/DOTSCIENCE-RUN:%s]]" % (self.run_id, body, self.run_id)


class Dotscience:
    def __init__(self):
        self.mode = None
        self.workload_file = None
        self.root = os.getenv("DOTSCIENCE_PROJECT_DOT_ROOT", default=os.getcwd())
        self.current = None

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

    def start(self, description=None):
        self.current = Run(self.root)
        self.current.start()
        if description is not None:
            self.current.description_text = str(description)

    def _run(self):
        if self.current is None:
            print("You have not called ds.start() yet, so I'm doing it for you!")
            self.start()
        # After a publish the next annotation starts the next run's clock.
        self.current.lazy_start()
        return self.current

    def end(self):
        self._run().end()

    def publish(self, description=None, stream=sys.stdout):
        if self.mode is None:
            workload_type = os.getenv("DOTSCIENCE_WORKLOAD_TYPE", "")
            if workload_type == "jupyter":
                self.interactive()
            elif workload_type == "command":
                self.script()
        run = self._run()
        run.end()
        if description is not None:
            run.description_text = str(description)
        run.workload_file = self.workload_file
        # A fresh id on every publish: two publishes are two runs.
        run.run_id = str(uuid.uuid4())
        stream.write(str(run) + "\n")
        run.forget_times()

    def set_error(self, error):
        self._run().error_text = str(error)

    def error(self, error):
        self.set_error(error)
        return error

    def set_description(self, description):
        self._run().description_text = str(description)

    def description(self, description):
        self.set_description(description)
        return description

    def add_input(self, filename):
        self._run().add_input(filename)

    def add_inputs(self, *filenames):
        run = self._run()
        for filename in filenames:
            run.add_input(filename)

    def input(self, filename):
        self.add_input(filename)
        return filename

    def add_output(self, filename):
        self._run().add_output(filename)

    def add_outputs(self, *filenames):
        run = self._run()
        for filename in filenames:
            run.add_output(filename)

    def output(self, filename):
        self.add_output(filename)
        return filename

    def model(self, module, name, filepath, **kwargs):
        return self._run().model(module, name, filepath, **kwargs)

    def add_model(self, module, name, filepath, **kwargs):
        self.model(module, name, filepath, **kwargs)

    def add_label(self, name, value):
        self._run().labels[str(name)] = str(value)

    def add_labels(self, *args, **kwargs):
        self._run()
        for name, value in _pairs(args, kwargs):
            self.add_label(name, value)

    def label(self, name, value):
        self.add_label(name, value)
        return value

    def add_summary(self, name, value):
        self._run().summaries[str(name)] = str(value)

    def add_summaries(self, *args, **kwargs):
        self._run()
        for name, value in _pairs(args, kwargs):
            self.add_summary(name, value)

    def summary(self, name, value):
        self.add_summary(name, value)
        return value

    def add_parameter(self, name, value):
        self._run().parameters[str(name)] = str(value)

    def add_parameters(self, *args, **kwargs):
        self._run()
        for name, value in _pairs(args, kwargs):
            self.add_parameter(name, value)

    def parameter(self, name, value):
        self.add_parameter(name, value)
        return value

    def debug(self):
        print(json.dumps(self._run().metadata(), sort_keys=True, indent=4))


_default = Dotscience()

interactive = _default.interactive
script = _default.script
start = _default.start
end = _default.end
publish = _default.publish
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
debug = _default.debug
