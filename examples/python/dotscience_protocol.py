"""The stdout protocol of the original Dotscience Python library (PyPI ``dotscience``).

A stand-in with the library's annotation functions and wire format, for
environments where the library is not installed: on ``publish()`` one block per
run is printed on stdout,

    [[DOTSCIENCE-RUN:<uuid>]]<json.dumps(metadata, sort_keys=True, indent=4)>[[/DOTSCIENCE-RUN:<uuid>]]

followed by a newline. ``ds run -- python3 script.py`` records each block as a
run. Scripts written for the real library run unchanged with
``import dotscience as ds``; these examples use ``import dotscience_protocol as ds``.
"""

import datetime
import json
import os
import sys
import uuid

TIMESTAMP_FORMAT = "%Y%m%dT%H%M%S.%f"


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Run:
    """What one run declares; values are kept as the strings the library prints."""

    def __init__(self):
        self.run_id = None
        self.error_text = None
        self.description_text = None
        self.inputs = {}
        self.outputs = {}
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

    def end(self):
        # The first end() wins: publish() ends the run only if the script did not.
        if self.ended is None:
            self.ended = _utcnow()

    def metadata(self):
        block = {
            "version": "1",
            "input": list(self.inputs),
            "output": list(self.outputs),
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


def _pairs(args, kwargs):
    for key, value in kwargs.items():
        yield key, value
    for i in range(0, len(args), 2):
        yield args[i], args[i + 1]


class Dotscience:
    def __init__(self):
        self.mode = None
        self.workload_file = None
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
        self.workload_file = os.path.normpath(sys.argv[0]) if script_path is None else script_path

    def start(self, description=None):
        self.current = Run()
        self.current.start()
        if description is not None:
            self.current.description_text = str(description)

    def _run(self):
        if self.current is None:
            print("You have not called ds.start() yet, so I'm doing it for you!")
            self.start()
        return self.current

    def end(self):
        self._run().end()

    def publish(self, description=None, stream=None):
        if self.mode is None:
            raise RuntimeError("select interactive or script mode with interactive() or script() before publish()")
        run = self._run()
        run.end()
        if description is not None:
            run.description_text = str(description)
        run.workload_file = self.workload_file
        # A fresh id on every publish: two publishes are two runs.
        run.run_id = str(uuid.uuid4())
        out = sys.stdout if stream is None else stream
        out.write(str(run) + "\n")
        out.flush()

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
        self._run().inputs[os.path.normpath(str(filename))] = True

    def add_inputs(self, *filenames):
        for filename in filenames:
            self.add_input(filename)

    def input(self, filename):
        self.add_input(filename)
        return filename

    def add_output(self, filename):
        self._run().outputs[os.path.normpath(str(filename))] = True

    def add_outputs(self, *filenames):
        for filename in filenames:
            self.add_output(filename)

    def output(self, filename):
        self.add_output(filename)
        return filename

    def add_label(self, name, value):
        self._run().labels[str(name)] = str(value)

    def add_labels(self, *args, **kwargs):
        for name, value in _pairs(args, kwargs):
            self.add_label(name, value)

    def label(self, name, value):
        self.add_label(name, value)
        return value

    def add_summary(self, name, value):
        self._run().summaries[str(name)] = str(value)

    def add_summaries(self, *args, **kwargs):
        for name, value in _pairs(args, kwargs):
            self.add_summary(name, value)

    def summary(self, name, value):
        self.add_summary(name, value)
        return value

    def add_parameter(self, name, value):
        self._run().parameters[str(name)] = str(value)

    def add_parameters(self, *args, **kwargs):
        for name, value in _pairs(args, kwargs):
            self.add_parameter(name, value)

    def parameter(self, name, value):
        self.add_parameter(name, value)
        return value


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
add_label = _default.add_label
add_labels = _default.add_labels
label = _default.label
add_summary = _default.add_summary
add_summaries = _default.add_summaries
summary = _default.summary
add_parameter = _default.add_parameter
add_parameters = _default.add_parameters
parameter = _default.parameter
