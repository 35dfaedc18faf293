"""Hub mode against a real ``ds serve`` on loopback: runs recorded over HTTP, through the hub's append gate."""

import io
import json
import math

import pytest

import dotscience
from dotscience import HubError
from dotscience._hub import HubClient
from conftest import blocks, run_script


def connected(hub, workdir):
    lib = dotscience.Dotscience()
    lib.stream = io.StringIO()
    lib.connect(hub.url, token=hub.token)
    return lib


def test_a_published_run_lands_on_the_hub_with_its_series_data_and_model(hub, workdir):
    (workdir / "train.csv").write_text("x,y\n1,2\n")
    lib = connected(hub, workdir)

    class sklearn:
        __name__ = "sklearn"
        __version__ = "1.2.1"

    lib.script("train.py")
    with lib.run("on the hub"):
        lib.input("train.csv")
        lib.parameter("max_depth", 4)
        for step, loss in enumerate([0.9, 0.4, 0.1]):
            lib.metric("loss", loss, step=step)
        lib.summary("accuracy", 0.95)
        (workdir / "model.joblib").write_bytes(b"weights")
        lib.model(sklearn, "tree", "model.joblib")
    [run_id] = lib.published
    assert lib.stream.getvalue() == "", "hub mode prints no run block"

    events = hub.stream("run-" + run_id)
    types = [e["type"] for e in events]
    assert types[0] == "RunStarted" and types[-1] == "RunPublished"
    assert {"InputDeclared", "RunDescribed", "ParameterRecorded", "MetricsRecorded", "SummaryRecorded", "LabelAdded", "OutputDeclared", "ModelDeclared"} <= set(types)
    assert events[-1]["data"]["headHash"] == events[-2]["hash"], "the seal is the hash of the event before it"
    started = events[0]["data"]
    assert started["projectId"] == "team" and started["mode"] == "script" and started["workload"]["script"] == "train.py"

    status, run = hub.get("/v1/projects/team/runs/%s" % run_id)
    assert status == 200, run
    assert run["status"] == "published"
    assert run["description"] == "on the hub"
    status, series = hub.get("/v1/projects/team/runs/%s/metrics/loss" % run_id)
    assert status == 200, series
    assert (series["x"], series["y"]) == ([0, 1, 2], [0.9, 0.4, 0.1])
    assert run["metrics"]["loss"]["lastStep"] == 2
    assert run["parameters"] == {"max_depth": "4"} and run["summary"] == {"accuracy": "0.95"}

    status, lineage = hub.get("/v1/projects/team/lineage/%s" % "tree")
    assert status == 200, lineage
    assert "run:" + run_id in lineage["graph"]["activities"]
    assert any(entity.startswith("dataset:train.csv") for entity in lineage["graph"]["entities"]), lineage["graph"]["entities"]
    [model] = hub.stream("model-tree")
    assert model["data"]["version"] == 1 and model["data"]["producedBy"] == run_id and model["data"]["metrics"]["loss"] == 0.1

    [declared] = [e for e in events if e["type"] == "InputDeclared"]
    digest = declared["data"]["version"]["digest"].split(":")[1]
    status, _ = hub.get("/v1/projects/team/versions/file/sha256/%s" % digest)
    assert status == 200, "the input's bytes were uploaded"


def test_publishing_the_same_data_again_reuses_its_versions_and_new_content_is_the_next_version(hub, workdir):
    (workdir / "shared.csv").write_text("same\n")
    for content in ("out 1", "out 1", "out 2"):
        lib = connected(hub, workdir)
        with lib.run():
            lib.input("shared.csv")
            (workdir / "result.txt").write_text(content)
            lib.output("result.txt")
    versions = [e["data"]["version"] for e in hub.stream("dataset-result.txt")]
    assert versions == [1, 2], "identical bytes are the same version; changed bytes the next"
    assert [e["data"]["version"] for e in hub.stream("dataset-shared.csv")] == [1]


def test_a_declared_file_that_does_not_exist_is_recorded_as_missing_not_a_crash(hub, workdir):
    lib = connected(hub, workdir)
    with lib.run():
        lib.input("never-written.csv")
        lib.output("not-either.bin")
    [run_id] = lib.published
    sealed = hub.stream("run-" + run_id)[-1]
    assert sealed["type"] == "RunPublished"
    assert sorted((m["declaredAs"], m["path"]) for m in sealed["data"]["missing"]) == [("input", "never-written.csv"), ("output", "not-either.bin")]


def test_connect_needs_a_url_and_a_token(workdir):
    with pytest.raises(TypeError, match="needs the hub's URL and a token"):
        dotscience.Dotscience().connect(token="dst_x")


def test_the_original_connect_signature_takes_the_key_as_token_and_hostname_as_hub(hub, workdir):
    lib = dotscience.Dotscience()
    lib.connect("alice", hub.token, "team", hub.url)
    lib.start()
    lib.parameter("a", 1)
    run_id = lib.publish()
    assert [e["type"] for e in hub.stream("run-" + run_id)][-1] == "RunPublished"


def test_with_dotscience_hub_and_token_set_a_script_records_on_the_hub_without_ds_run(hub, workdir):
    code, out, err = run_script(
        "import dotscience as ds\nds.start()\nds.metric('loss', 0.5, step=1)\nprint('RUN', ds.publish())\n",
        str(workdir),
        env={"DOTSCIENCE_HUB": hub.url, "DOTSCIENCE_TOKEN": hub.token},
    )
    assert code == 0, err
    assert blocks(out) == []
    run_id = out.split("RUN ")[1].strip()
    status, run = hub.get("/v1/projects/team/runs/%s" % run_id)
    assert status == 200 and run["status"] == "published"


def test_an_append_retried_after_a_lost_answer_is_recorded_once(hub, workdir):
    client = HubClient(hub.url, hub.token)
    run_id = "6f1c9b0e-8a55-4d47-9a53-2f36c1e0b7a1"
    event = {
        "id": "0b0a1c9e-1d5f-4e55-9c1e-8c1b7f0a1b2c", "type": "RunStarted", "schemaVersion": 1, "meta": {},
        "data": {"runId": run_id, "projectId": "team", "mode": "script", "workload": {}, "codeVersion": {},
                 "environment": {"runtime": "python", "os": "linux", "host": "h", "user": "u"}, "startedAt": "2026-01-01T00:00:00.000Z"},
    }
    first = client.append("run-" + run_id, [event], "no_stream")
    again = client.append("run-" + run_id, [event], "no_stream")
    assert again[0]["hash"] == first[0]["hash"]
    assert len(hub.stream("run-" + run_id)) == 1


def test_bad_input_in_hub_mode_raises_and_sends_nothing(hub, workdir):
    lib = connected(hub, workdir)
    lib.start()
    run_id = lib.current.run_id
    with pytest.raises(dotscience.DotscienceValueError):
        lib.metric("loss", math.nan)
    with pytest.raises(dotscience.DotscienceTypeError):
        lib.parameter(1, 2)
    assert hub.stream("run-" + run_id) == []


def test_a_wrong_token_fails_at_connect_naming_the_refusal(hub, workdir):
    lib = dotscience.Dotscience()
    with pytest.raises(HubError) as refused:
        lib.connect(hub.url, token="dst_wrong")
    assert refused.value.status == 401


def test_an_unreachable_hub_says_so(workdir):
    client = HubClient("http://127.0.0.1:9", "dst_x", attempts=1)
    with pytest.raises(HubError, match="cannot reach the hub"):
        client.project()
