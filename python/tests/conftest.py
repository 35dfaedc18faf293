"""Fixtures of the dotscience client's tests: the package from this checkout, a fresh library per test, a real hub."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PYTHON_DIR)
sys.path.insert(0, PYTHON_DIR)

import dotscience  # noqa: E402

BLOCK = re.compile(r"\[\[DOTSCIENCE-RUN:([0-9a-f-]+)\]\](.*?)\[\[/DOTSCIENCE-RUN:\1\]\]", re.S)


def blocks(text):
    """The run blocks printed in ``text``: (run id, parsed JSON) each."""
    return [(run_id, json.loads(body)) for run_id, body in BLOCK.findall(text)]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DOTSCIENCE_HUB", "DOTSCIENCE_TOKEN", "DOTSCIENCE_PROJECT", "DOTSCIENCE_PROJECT_DOT_ROOT", "DOTSCIENCE_WORKLOAD_TYPE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def lib(workdir):
    """A fresh library (as `import dotscience` gives one) rooted in an empty directory, printing to a buffer."""
    import io

    instance = dotscience.Dotscience()
    instance.stream = io.StringIO()
    return instance


def run_script(source, cwd, env=None, args=()):
    """Run ``source`` as a script with this checkout's package importable; (exit code, stdout, stderr)."""
    path = os.path.join(cwd, "script.py")
    with open(path, "w") as handle:
        handle.write(source)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DOTSCIENCE_")}
    full_env["PYTHONPATH"] = PYTHON_DIR
    full_env.update(env or {})
    done = subprocess.run([sys.executable, "script.py", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def ds_cli():
    """How to run this checkout's built ``ds`` (DOTSCIENCE_CLI overrides), or None when node or the build is missing."""
    node = shutil.which("node")
    main = os.environ.get("DOTSCIENCE_CLI") or os.path.join(REPO, "packages", "cli", "dist", "main.js")
    if node is None or not os.path.exists(main):
        return None
    return [node, main]


class Hub:
    def __init__(self, url, token, project):
        self.url, self.token, self.project = url, token, project

    def get(self, path):
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url + path, headers={"authorization": "Bearer " + self.token})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def stream(self, name):
        status, page = self.get("/v1/projects/%s/streams/%s" % (self.project, name))
        return page["events"] if status == 200 else []


@pytest.fixture(scope="session")
def hub():
    """A real hub: ``ds serve`` of this checkout on a free loopback port, and a write token for project "team"."""
    cli = ds_cli()
    if cli is None:
        pytest.skip("the hub tests need node and the built cli (pnpm exec tsc -b): packages/cli/dist/main.js is missing")
    store = tempfile.mkdtemp(prefix="ds-python-hub-")
    created = subprocess.run(cli + ["token", "create", "--store", store, "--project", "team", "--role", "write", "--json"], capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    token = json.loads(created.stdout)["token"]
    server = subprocess.Popen(cli + ["serve", "--store", store, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = None
    for line in server.stdout:
        found = re.search(r"hub listening on (http://\S+)", line)
        if found:
            url = found.group(1)
            break
    if url is None:
        server.kill()
        raise AssertionError("ds serve did not start: " + server.stderr.read())
    try:
        yield Hub(url, token, "team")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(store, ignore_errors=True)
