"""Directories in hub mode: versioned whole, with the digest ``ds`` gives them, uploaded streamed, restorable."""

import io
import json
import os
import subprocess
import sys
import tracemalloc

import pytest

import dotscience
from dotscience._capture import NonUtf8NameRefused, SpecialFileRefused, capture
from dotscience._hub import HubClient
from conftest import PYTHON_DIR, ds_cli


class sklearn:
    __name__ = "sklearn"
    __version__ = "1.2.1"


def make_tree(root):
    """A tree with what a manifest must get right: nesting, an empty directory, modes, symlinks in and out of
    the tree, names whose UTF-16 order differs from their code-point order, and names JSON escapes."""
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "a.csv").write_text("x,y\n1,2\n")
    (root / "sub" / "deep" / "b.bin").write_bytes(bytes(range(256)) * 64)
    (root / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(root / "run.sh", 0o755)
    os.chmod(root / "empty", 0o700)
    os.symlink("../a.csv", root / "sub" / "link")
    os.symlink("/nowhere/outside", root / "out-link")
    (root / "\uff21.txt").write_text("fullwidth A")
    (root / "\U0001f600.txt").write_text("astral")
    (root / 'tab\there "quoted".txt').write_text("escaped")
    return root


def tree_of(root):
    """Every entry below ``root``: relative path → (kind, permission bits, bytes or link target)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            info = os.lstat(full)
            if os.path.islink(full):
                out[rel] = ("symlink", os.readlink(full))
            elif os.path.isdir(full):
                out[rel] = ("directory", info.st_mode & 0o777)
            else:
                with open(full, "rb") as handle:
                    out[rel] = ("file", info.st_mode & 0o777, handle.read())
    return out


def ds(args, cwd, env=None):
    cli = ds_cli()
    if cli is None:
        pytest.skip("needs node and the built cli (pnpm exec tsc -b)")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DOTSCIENCE_")}
    full_env.update(env or {})
    done = subprocess.run(cli + args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def hub_env(hub):
    return {"DOTSCIENCE_HUB": hub.url, "DOTSCIENCE_TOKEN": hub.token}


def connected(hub):
    lib = dotscience.Dotscience()
    lib.stream = io.StringIO()
    lib.connect(hub.url, token=hub.token)
    return lib


def test_a_directory_has_the_digest_ds_gives_it(workdir):
    make_tree(workdir / "data")
    ds(["init"], str(workdir))
    (workdir / "declare.py").write_text("import dotscience as ds\nds.script()\nds.start()\nds.input('data')\nds.publish()\n")
    ds(["run", "--", sys.executable, "declare.py"], str(workdir), {"PYTHONPATH": PYTHON_DIR})
    datasets = {d["name"]: d for d in json.loads(ds(["datasets", "--json"], str(workdir)))}
    [recorded] = datasets["data"]["versions"]
    version = capture(str(workdir / "data"))
    assert version.kind == "directory" and recorded["ref"]["kind"] == "directory"
    assert version.digest == recorded["ref"]["digest"], "Python and ds (TypeScript) capture the same tree as the same version"
    assert (version.bytes, version.files) == (recorded["ref"]["bytes"], recorded["ref"]["files"])


def test_a_directory_input_and_a_directory_model_are_versioned_whole_and_restored_from_the_hub(hub, workdir):
    make_tree(workdir / "data")
    (workdir / "model").mkdir()
    (workdir / "model" / "weights.bin").write_bytes(b"w" * 1000)
    (workdir / "model" / "config.json").write_text("{}")
    lib = connected(hub)
    lib.script("train.py")
    with lib.run("directories"):
        lib.input("data")
        lib.model(sklearn, "dirmodel", "model")
    [run_id] = lib.published
    events = hub.stream("run-" + run_id)
    [declared] = [e["data"] for e in events if e["type"] == "InputDeclared"]
    assert declared["path"] == "data" and declared["version"]["kind"] == "directory"
    assert declared["version"]["digest"] == capture(str(workdir / "data")).digest
    assert "missing" not in events[-1]["data"], events[-1]["data"]

    [model] = hub.stream("model-dirmodel")
    assert model["data"]["ref"]["kind"] == "directory" and model["data"]["version"] == 1
    assert model["data"]["ref"]["digest"] == capture(str(workdir / "model")).digest
    assert (model["data"]["ref"]["files"], model["data"]["ref"]["bytes"]) == (2, 1002)

    restored = workdir / "restored"
    ds(["reproduce", run_id, str(restored)], str(workdir), hub_env(hub))
    assert tree_of(restored / "data") == tree_of(workdir / "data"), "the hub gives the directory back: bytes, modes, links, empty dirs"


def test_a_big_file_is_uploaded_streamed_not_read_into_memory(hub, workdir):
    big = workdir / "big.bin"
    with open(big, "wb") as handle:
        for i in range(48):
            handle.write(bytes([i]) * (1 << 20))
    client = HubClient(hub.url, hub.token)
    client.project()
    version = capture(str(big))
    tracemalloc.start()
    try:
        ref = client.upload(version)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, "uploading 48 MiB allocated %d bytes at the peak: the file was read whole" % peak
    status, stat = hub.get("/v1/projects/team/versions/file/sha256/%s" % ref["digest"].split(":")[1])
    assert status == 200 and stat["bytes"] == 48 << 20, stat


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_in_a_declared_directory_is_refused_before_anything_is_sent(hub, workdir):
    (workdir / "data").mkdir()
    (workdir / "data" / "a.csv").write_text("a")
    os.mkfifo(workdir / "data" / "pipe")
    lib = connected(hub)
    lib.start()
    run_id = lib.current.run_id
    lib.input("data")
    with pytest.raises(SpecialFileRefused, match="pipe: it is a fifo"):
        lib.publish()
    assert hub.stream("run-" + run_id) == []
    assert issubclass(SpecialFileRefused, dotscience.DotscienceValueError)


def test_a_name_that_is_not_utf8_is_refused_before_anything_is_sent(hub, workdir):
    (workdir / "data").mkdir()
    try:
        with open(os.path.join(os.fsencode(str(workdir / "data")), b"caf\xe9.csv"), "wb") as handle:
            handle.write(b"latin-1 name")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    lib = connected(hub)
    lib.start()
    run_id = lib.current.run_id
    lib.input("data")
    with pytest.raises(NonUtf8NameRefused, match=r"caf\\xe9\.csv: its name is not valid UTF-8"):
        lib.publish()
    assert hub.stream("run-" + run_id) == []
