"""Dataset and model versions written straight to a hub follow D104: the hub numbers them, and its gate
accepts what concurrent writers append (each renumbers after another writer's version)."""

import threading

from dotscience._hub import HubClient, _event, _meta


def ref(digest_char):
    return {"store": "hub", "kind": "file", "digest": "sha256:" + digest_char * 64, "bytes": 1, "files": 1}


def dataset_version(name, digest_char):
    return {"name": name, "ref": ref(digest_char), "bytes": 1, "files": 1, "path": name}


def test_a_version_appended_to_the_hub_is_numbered_by_the_hub(hub, workdir):
    client = HubClient(hub.url, hub.token)
    assert client.append_version("dataset-numbered", "DatasetVersionCreated", dataset_version("numbered", "a"), "unseen", _meta()) == 1
    [event] = hub.stream("dataset-numbered")
    assert event["data"]["numbering"] == {"by": "hub"}, "D104: a version the hub records directly is settled, numbered by the hub"


def test_a_new_version_is_numbered_after_registry_events_on_the_model_stream(hub, workdir):
    client = HubClient(hub.url, hub.token)
    run_id = "9d1c9b0e-8a55-4d47-9a53-2f36c1e0b7a1"
    started = {"runId": run_id, "projectId": "team", "mode": "script", "workload": {}, "codeVersion": {},
               "environment": {"runtime": "python", "os": "linux", "host": "h", "user": "u"}, "startedAt": "2026-01-01T00:00:00.000Z"}
    client.append("run-" + run_id, [_event("RunStarted", started, _meta())], "no_stream")
    model = {"name": "aliased", "producedBy": run_id, "path": "m.bin", "metrics": {}}
    assert client.append_version("model-aliased", "ModelVersionCreated", dict(model, ref=ref("1")), "changed", _meta()) == 1
    client.append("model-aliased", [_event("ModelAliasSet", {"name": "aliased", "alias": "champion", "version": 1}, _meta())], 0)
    assert client.append_version("model-aliased", "ModelVersionCreated", dict(model, ref=ref("2")), "changed", _meta()) == 2
    assert [e["type"] for e in hub.stream("model-aliased")] == ["ModelVersionCreated", "ModelAliasSet", "ModelVersionCreated"]


def test_concurrent_writers_of_one_dataset_get_distinct_consecutive_numbers(hub, workdir):
    writers = 6
    results, errors = {}, []

    def write(i):
        try:
            client = HubClient(hub.url, hub.token, project="team")
            results[i] = client.append_version("dataset-raced", "DatasetVersionCreated", dataset_version("raced", "%x" % i), "changed", _meta())
        except Exception as error:  # reported below with the writer that met it
            errors.append((i, error))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results.values()) == list(range(1, writers + 1))
    recorded = hub.stream("dataset-raced")
    assert [e["data"]["version"] for e in recorded] == list(range(1, writers + 1))
    assert {e["data"]["ref"]["digest"]: e["data"]["version"] for e in recorded} == {"sha256:" + ("%x" % i) * 64: results[i] for i in range(writers)}


def test_concurrent_writers_of_the_same_content_record_one_version(hub, workdir):
    results, errors = [], []

    def write():
        try:
            results.append(HubClient(hub.url, hub.token, project="team").append_version(
                "dataset-same", "DatasetVersionCreated", dataset_version("same", "e"), "unseen", _meta()))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == [1, 1, 1, 1]
    assert len(hub.stream("dataset-same")) == 1
