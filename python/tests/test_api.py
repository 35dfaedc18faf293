"""The original library's API, unchanged, plus metric series, inline values and the context manager."""

import json
import os
import sys

import pytest

import dotscience
from conftest import blocks, run_script

ORIGINAL_API = [
    "start", "end", "publish", "script", "interactive", "connect",
    "input", "add_input", "add_inputs", "output", "add_output", "add_outputs",
    "parameter", "add_parameter", "add_parameters", "summary", "add_summary", "add_summaries",
    "metric", "add_metric", "add_metrics", "label", "add_label", "add_labels",
    "model", "add_model", "error", "set_error", "description", "set_description", "debug",
]


def published(lib):
    return blocks(lib.stream.getvalue())


def test_every_function_of_the_original_library_is_there():
    missing = [name for name in ORIGINAL_API + ["param", "run"] if not callable(getattr(dotscience, name, None))]
    assert missing == []


def test_annotations_return_their_values_inline(lib, workdir):
    (workdir / "train.csv").write_text("x\n1\n")
    assert lib.parameter("max_depth", 5) == 5
    assert lib.param("lr", 0.1) == 0.1
    assert lib.summary("accuracy", 0.93) == 0.93
    assert lib.label("team", "vision") == "vision"
    assert lib.metric("loss", 0.5, step=0) == 0.5
    assert lib.input("train.csv") == "train.csv"
    assert lib.output("model.bin") == "model.bin"
    assert lib.error("late") == "late"
    assert lib.description("d") == "d"


def test_a_run_without_metric_points_prints_the_original_version_1_block(lib, workdir):
    (workdir / "data").mkdir()
    (workdir / "data" / "a.csv").write_text("a")
    (workdir / "data" / "b.csv").write_text("b")
    lib.script("train.py")
    lib.start()
    lib.add_input("data")
    lib.add_parameters("max_depth", 3, "criterion", "gini")
    lib.add_summaries(accuracy=0.93)
    lib.add_labels({"team": "vision"})
    run_id = lib.publish("tree")
    [(printed_id, block)] = published(lib)
    assert printed_id == run_id
    assert block["version"] == "1"
    assert "metrics" not in block
    assert block["input"] == ["data"], "a directory is one input, versioned whole (D130)"
    assert block["parameters"] == {"max_depth": "3", "criterion": "gini"}
    assert block["summary"] == {"accuracy": "0.93"}
    assert block["labels"] == {"team": "vision"}
    assert block["workload-file"] == "train.py"
    assert block["description"] == "tree"
    assert sorted(block) == ["description", "end", "input", "interpreter", "labels", "output", "parameters", "start", "summary", "version", "workload-file"]
    assert block["interpreter"] == sys.executable, "the Python that printed the block (a notebook's kernel)"


def test_the_block_is_json_dumps_with_sorted_keys_and_indent_4_between_markers(lib):
    lib.start()
    run_id = lib.publish()
    text = lib.stream.getvalue()
    body = text[len("[[DOTSCIENCE-RUN:%s]]" % run_id) : text.index("[[/DOTSCIENCE-RUN:")]
    assert body == json.dumps(json.loads(body), sort_keys=True, indent=4)
    assert text.endswith("[[/DOTSCIENCE-RUN:%s]]\n" % run_id)


def test_metric_points_make_a_version_2_block_with_steps_in_recording_order(lib):
    lib.start()
    for step, loss in enumerate([0.9, 0.5, 0.2]):
        lib.metric("loss", loss, step=step)
    lib.add_metric("lr", 0.01)
    lib.add_metrics(accuracy=0.8, f1=0.7, step=2)
    lib.publish()
    [(_, block)] = published(lib)
    assert block["version"] == "2"
    points = [(p["name"], p["value"], p.get("step")) for p in block["metrics"]]
    assert points == [("loss", 0.9, 0), ("loss", 0.5, 1), ("loss", 0.2, 2), ("lr", 0.01, None), ("accuracy", 0.8, 2), ("f1", 0.7, 2)]
    assert all(len(p["at"]) == len("20190517T142233.123456") for p in block["metrics"])
    assert block["summary"] == {}, "metrics are series, not summary strings"


def test_numpy_like_numbers_are_metric_values(lib):
    class Float32(float):
        pass

    lib.start()
    lib.metric("loss", Float32(0.25))
    lib.publish()
    [(_, block)] = published(lib)
    assert block["metrics"][0]["value"] == 0.25


def test_each_publish_is_a_new_run_that_keeps_the_annotations_but_not_the_points(lib):
    lib.start()
    lib.parameter("seed", 1)
    lib.metric("loss", 1.0, step=5)
    first = lib.publish()
    lib.metric("loss", 2.0, step=0)
    second = lib.publish()
    [(id1, b1), (id2, b2)] = published(lib)
    assert (id1, id2) == (first, second) and first != second
    assert b2["parameters"] == {"seed": "1"}
    assert [p["value"] for p in b2["metrics"]] == [2.0]


def test_the_context_manager_publishes_at_the_end(lib):
    with lib.run("ctx") as ds:
        ds.parameter("a", 1)
    [(_, block)] = published(lib)
    assert block["description"] == "ctx"
    assert "error" not in block


def test_the_context_manager_records_an_exception_as_the_runs_error_and_reraises_it(lib):
    with pytest.raises(KeyError):
        with lib.run("fails"):
            raise KeyError("column")
    [(_, block)] = published(lib)
    assert block["error"] == "KeyError: 'column'"


def test_a_model_is_an_output_plus_its_artefact_label(lib, workdir):
    class sklearn:  # the module's name and version are what the library reads
        __name__ = "sklearn"
        __version__ = "1.2.1"

    lib.start()
    assert lib.model(sklearn, "tree", "model.joblib") == "model.joblib"
    lib.publish()
    [(_, block)] = published(lib)
    assert block["output"] == ["model.joblib"]
    assert json.loads(block["labels"]["artefact:tree"]) == {"files": {"model": "model.joblib"}, "type": "sklearn-model", "version": "1.2.1"}


def test_an_annotation_before_start_starts_a_run_as_the_original_did(lib, capsys):
    lib.parameter("a", 1)
    assert "You have not called ds.start() yet" in capsys.readouterr().out
    lib.publish()
    assert len(published(lib)) == 1


def test_a_script_written_for_the_original_library_runs_unchanged(workdir):
    source = (
        "import dotscience as ds\n"
        "ds.script()\n"
        "ds.start()\n"
        "ds.add_parameter('alpha', 0.5)\n"
        "ds.add_summary('rmse', ds.summary('mae', 1.5))\n"
        "ds.publish('original')\n"
    )
    code, out, err = run_script(source, str(workdir))
    assert code == 0, err
    [(_, block)] = blocks(out)
    assert block["workload-file"] == "script.py"
    assert block["parameters"] == {"alpha": "0.5"}
    assert block["summary"] == {"mae": "1.5", "rmse": "1.5"}


def test_in_a_jupyter_workload_runs_are_interactive(workdir):
    code, out, err = run_script("import dotscience as ds\nds.start()\nds.publish()\n", str(workdir), env={"DOTSCIENCE_WORKLOAD_TYPE": "jupyter"})
    assert code == 0, err
    [(_, block)] = blocks(out)
    assert "workload-file" not in block


def test_paths_are_relative_to_the_project_root(workdir, monkeypatch):
    (workdir / "sub").mkdir()
    (workdir / "sub" / "x.csv").write_text("x")
    monkeypatch.setenv("DOTSCIENCE_PROJECT_DOT_ROOT", str(workdir))
    monkeypatch.chdir(workdir / "sub")
    import io

    lib = dotscience.Dotscience()
    lib.stream = io.StringIO()
    lib.start()
    lib.input(os.path.join(str(workdir), "sub", "x.csv"))
    lib.publish()
    [(_, block)] = blocks(lib.stream.getvalue())
    assert block["input"] == ["sub/x.csv"]
