"""Recording a run straight to a dotscience hub (``ds serve``) over HTTP, without ``ds run``.

The events are the ones the TypeScript SDK appends for a run (the hub's append gate checks them
against the event catalogue and the run's rules): RunStarted, the inputs, the description,
parameters, metric series (MetricsRecorded, in columns), summaries, labels and the error in one
append; then the outputs, models and RunPublished, sealed with the hash of the run's last event
as the hub answered it, in a second append. Data files are uploaded first, named by their
sha256, so the versions the events name are on the hub before any event names them.

Retry-safe: every event carries its id and every append its expected revision, so an append
retried after a lost answer is recognised by the hub as the one it recorded; uploads are
named by their digest. Network errors and 502/503/504 answers are retried.
"""

import contextlib
import datetime
import functools
import getpass
import hashlib
import json
import os
import platform
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from ._capture import FileObject, capture

SDK_VERSION = "dotscience-python 0.9.0"
MAX_POINTS_PER_EVENT = 100000
MAX_EVENTS_PER_APPEND = 1000
MISSING_BATCH = 10000
MAX_VERSION_ATTEMPTS = 20
RETRY_STATUS = (502, 503, 504)


class HubError(Exception):
    """The hub refused a request, or could not be reached. ``code`` is the hub's error code."""

    def __init__(self, message, status=None, code=None):
        Exception.__init__(self, message)
        self.status = status
        self.code = code


def iso(moment):
    """An ISO-8601 UTC timestamp with milliseconds, as the event catalogue writes times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def new_id():
    return str(uuid.uuid4())


class HubClient:
    """One hub and one token (``ds token create``); the project is the token's unless given."""

    def __init__(self, url, token, project=None, attempts=5):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError("the hub URL must start with http:// or https://, not %r" % (url,))
        if not isinstance(token, str) or token == "":
            raise ValueError("a hub token is needed (ds token create --role write)")
        self.url = url.rstrip("/")
        self.token = token
        self._project = project
        self.attempts = attempts

    def project(self):
        if self._project is None:
            self._project = self.request("GET", "/v1/token")["project"]
        return self._project

    def request(self, method, path, body=None, content_type="application/json", length=None):
        """Send a request, retrying network errors and 502/503/504. ``body``: JSON, bytes, or (with ``length``) a
        function opening a fresh binary file to stream, so a retry sends it again from the start."""
        if body is not None and content_type == "application/json":
            body = json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")
        headers = {"authorization": "Bearer " + self.token}
        if body is not None:
            headers["content-type"] = content_type
        if length is not None:
            headers["content-length"] = str(length)
        last = None
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(min(2.0, 0.1 * 2**attempt))
            with contextlib.ExitStack() as opened:
                data = opened.enter_context(body()) if callable(body) else body
                request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        text = answer.read()
                        return json.loads(text) if text else None
                except urllib.error.HTTPError as error:
                    detail = _error_body(error)
                    if error.code in RETRY_STATUS:
                        last = HubError("the hub answered %d to %s %s" % (error.code, method, path), error.code, detail.get("code"))
                        continue
                    raise HubError(
                        "the hub refused %s %s (%d %s): %s" % (method, path, error.code, detail.get("code", ""), detail.get("message", "")),
                        error.code,
                        detail.get("code"),
                    )
                except (urllib.error.URLError, OSError) as error:
                    last = HubError("cannot reach the hub at %s: %s - check DOTSCIENCE_HUB and that ds serve is running" % (self.url, error))
        raise last

    def stream_path(self, stream):
        return "/v1/projects/%s/streams/%s" % (urllib.parse.quote(self.project(), safe=""), urllib.parse.quote(stream, safe=""))

    def append(self, stream, events, expected_revision):
        """Append ``events`` at ``expected_revision``; the recorded events as the hub answers them."""
        return self.request("POST", self.stream_path(stream), {"events": events, "expectedRevision": expected_revision})["events"]

    def read_stream(self, stream):
        """Every event of ``stream`` (none when it does not exist yet), paging as the hub answers."""
        events, start = [], 0
        while True:
            page = self.request("GET", "%s?fromRevision=%d&maxCount=1000" % (self.stream_path(stream), start))
            events.extend(page["events"])
            if page.get("next") is None:
                return events
            start = page["next"]

    def append_version(self, stream, kind, data, policy, meta):
        """A dataset or model version, numbered as every dotscience writer numbers it: the latest + 1, unless
        the content is already the latest version (``changed``) or any version (``unseen``). The hub numbers it
        (``numbering: {by: 'hub'}``, docs/decisions.md D104): it is settled as written. The append expects the
        stream's last revision (registry events live on a model stream too); when another writer appended
        meanwhile the hub answers WRONG_EXPECTED_REVISION and it is read and numbered again. The version number
        the content is."""
        for _attempt in range(MAX_VERSION_ATTEMPTS):
            events = self.read_stream(stream)
            versions = [(e["data"]["version"], e["data"]["ref"].get("digest")) for e in events if e["type"] == kind]
            latest = max(versions, key=lambda version: version[0], default=None)
            candidates = versions if policy == "unseen" else ([latest] if latest else [])
            same = [v for v, digest in candidates if digest is not None and digest == data["ref"]["digest"]]
            if same:
                return max(same)
            number = (latest[0] if latest else 0) + 1
            try:
                event = _event(kind, dict(data, version=number, numbering={"by": "hub"}), meta)
                self.append(stream, [event], events[-1]["revision"] if events else "no_stream")
                return number
            except HubError as error:
                if error.code != "WRONG_EXPECTED_REVISION":
                    raise
        raise HubError("could not number a version of %s: other writers kept appending" % stream)

    def missing(self, digests):
        """Of these object digests, the ones the hub lacks."""
        project = urllib.parse.quote(self.project(), safe="")
        out = []
        for i in range(0, len(digests), MISSING_BATCH):
            out += self.request("POST", "/v1/projects/%s/objects/missing" % project, {"digests": digests[i : i + MISSING_BATCH]})["missing"]
        return out

    def upload(self, version):
        """Upload the objects of a captured version (``_capture.capture``) the hub lacks: file contents streamed from
        their files, then the manifests, bottom-up. Its version reference."""
        project = urllib.parse.quote(self.project(), safe="")
        for digest in self.missing(list(version.objects)):
            source = version.objects[digest]
            if isinstance(source, FileObject):
                body = functools.partial(open, source.path, "rb")
            else:
                body = source.data
            path = "/v1/projects/%s/objects/sha256/%s" % (project, digest[len("sha256:") :])
            self.request("PUT", path, body, "application/octet-stream", length=source.size)
        return version.ref()


def _error_body(error):
    try:
        body = json.loads(error.read() or b"{}")
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}


def _meta():
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "unknown"
    return {"actor": {"user": user, "host": socket.gethostname()}, "sdkVersion": SDK_VERSION}


def _environment():
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return {"runtime": "python %s" % platform.python_version(), "os": sys.platform, "host": socket.gethostname(), "user": user}


def _event(kind, data, meta):
    return {"id": new_id(), "type": kind, "schemaVersion": 1, "data": data, "meta": meta}


def metric_series(points):
    """Metric points as MetricsRecorded events: one series per name in each, in recording order, at most MAX_POINTS_PER_EVENT points an event."""
    events = []
    batch = {}
    count = 0
    for point in points:
        if count == MAX_POINTS_PER_EVENT:
            events.append(list(batch.values()))
            batch, count = {}, 0
        series = batch.get(point["name"])
        if series is None:
            series = batch[point["name"]] = {"name": point["name"], "values": [], "steps": [], "at": {"start": iso(point["at"]), "deltasMs": []}, "_last": point["at"]}
        series["values"].append(point["value"])
        series["steps"].append(point["step"])
        delta = point["at"] - series["_last"]
        series["at"]["deltasMs"].append(int(delta / datetime.timedelta(milliseconds=1)))
        series["_last"] = point["at"]
        count += 1
    if batch:
        events.append(list(batch.values()))
    out = []
    for batch_series in events:
        for s in batch_series:
            del s["_last"]
            if all(step is None for step in s["steps"]):
                del s["steps"]
        out.append({"series": batch_series})
    return out


def publish_to_hub(client, run, project_id, mode, workload):
    """Record ``run`` on the hub: data uploaded first, then its events in two appends (see the module). Its run id."""
    meta = _meta()
    root = run.root
    # Everything is captured (scanned, refused, hashed) before anything is sent, then uploaded.
    inputs, missing = [], []
    for path in sorted(run.inputs):
        if not os.path.exists(os.path.join(root, path)):
            missing.append({"path": path, "declaredAs": "input", "reason": "it does not exist"})
            continue
        inputs.append({"path": path, "dataset": path, "version": capture(os.path.join(root, path))})
    outputs = []
    for path in sorted(run.outputs):
        full = os.path.join(root, path)
        if not os.path.exists(full):
            missing.append({"path": path, "declaredAs": "output", "reason": "it does not exist"})
            continue
        outputs.append({"path": path, "dataset": path, "version": capture(full)})
    models = []
    for label, text in sorted(run.labels.items()):
        if not label.startswith("artefact:"):
            continue
        artefact = json.loads(text)
        model_path = artefact["files"]["model"]
        model = {"name": label[len("artefact:"):], "path": model_path, "framework": artefact["type"][: -len("-model")], "extra": {"frameworkVersion": artefact["version"]}}
        if os.path.exists(os.path.join(root, model_path)):
            model["version"] = capture(os.path.join(root, model_path))
        models.append(model)
    for declared in inputs + outputs + models:
        if "version" in declared:
            declared["version"] = client.upload(declared["version"])

    started = run.started
    first = [_event("RunStarted", {
        "runId": run.run_id,
        "projectId": project_id,
        "mode": mode,
        "workload": workload,
        "codeVersion": _code_version(root, workload),
        "environment": _environment(),
        "startedAt": iso(started),
    }, meta)]
    first += [_event("InputDeclared", data, meta) for data in inputs]
    if run.description_text is not None:
        first.append(_event("RunDescribed", {"description": run.description_text}, meta))
    first += [_event("ParameterRecorded", {"name": k, "value": v}, meta) for k, v in run.parameters.items()]
    first += [_event("MetricsRecorded", data, meta) for data in metric_series(run.metrics)]
    first += [_event("SummaryRecorded", {"name": k, "value": v}, meta) for k, v in run.summaries.items()]
    first += [_event("LabelAdded", {"name": k, "value": v}, meta) for k, v in run.labels.items()]
    if run.error_text is not None:
        first.append(_event("RunErrored", {"message": run.error_text}, meta))

    stream = "run-" + run.run_id
    revision = -1
    recorded = []
    for i in range(0, len(first), MAX_EVENTS_PER_APPEND):
        chunk = first[i : i + MAX_EVENTS_PER_APPEND]
        recorded = client.append(stream, chunk, "no_stream" if revision == -1 else revision)
        revision += len(chunk)
    # The version streams, as the TypeScript SDK's publish writes them: inputs first seen, outputs, models.
    for data in inputs:
        client.append_version("dataset-" + data["dataset"], "DatasetVersionCreated", _dataset_version(data), "unseen", meta)
    for data in outputs:
        client.append_version("dataset-" + data["dataset"], "DatasetVersionCreated", dict(_dataset_version(data), producedBy=run.run_id), "changed", meta)
    metrics_at_publish = {point["name"]: point["value"] for point in run.metrics}
    metrics_at_publish.update(run.summaries)
    for model in models:
        if "version" in model:
            version = {"name": model["name"], "ref": model["version"], "producedBy": run.run_id, "framework": model["framework"], "path": model["path"], "metrics": metrics_at_publish, "extra": model["extra"]}
            client.append_version("model-" + model["name"], "ModelVersionCreated", version, "changed", meta)
    last = [_event("OutputDeclared", data, meta) for data in outputs]
    last += [_event("ModelDeclared", data, meta) for data in models]
    sealed = {"endedAt": iso(run.ended), "headHash": recorded[-1]["hash"]}
    if missing:
        sealed["missing"] = missing
    # The seal is the hash of the run's event just before RunPublished: the declarations come first.
    if last:
        recorded = client.append(stream, last, revision)
        revision += len(last)
        sealed["headHash"] = recorded[-1]["hash"]
    client.append(stream, [_event("RunPublished", sealed, meta)], revision)
    return run.run_id


def _dataset_version(declared):
    ref = declared["version"]
    return {"name": declared["dataset"], "ref": ref, "bytes": ref["bytes"], "files": ref["files"], "path": declared["path"]}


def _code_version(root, workload):
    """The script's or notebook's sha256, when the run names one."""
    name = workload.get("script") or workload.get("notebook")
    if not name:
        return {}
    try:
        with open(os.path.join(root, name), "rb") as handle:
            return {"scriptDigest": "sha256:" + hashlib.sha256(handle.read()).hexdigest()}
    except OSError:
        return {}
