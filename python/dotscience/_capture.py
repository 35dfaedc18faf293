"""A file's or directory's version, computed exactly as every dotscience DataStore computes it.

The rules are core's (packages/core/src/data: tree-scan.ts, manifest.ts, manifest-builder.ts), so
the same tree captured here and by ``ds`` has the same digest:

* a file is ``sha256:<hex>`` of its bytes;
* a directory is the sha256 of its Merkle manifest's canonical JSON: ``{"entries": [...],
  "version": 1}``, one entry per child sorted by name in UTF-16 code-unit order (JavaScript's
  string order), each ``{"digest", "mode", "name", "size", "target"?, "type"}`` with keys sorted,
  no whitespace; a sub-directory's digest is its own manifest's, its size the bytes of the
  regular files below it; a symlink is recorded by its target text (never followed), its size the
  target's UTF-8 length, its digest the sha256 of that text; ``mode`` is the permission bits;
* the captured path itself is followed if it is a symlink; sockets, FIFOs and devices are refused,
  and so are names and link targets that are not UTF-8 (a manifest records them as text and could
  not give the bytes back). Refusals come from the scan, before any byte is read or sent.

Files are hashed in chunks, never read whole into memory. A capture names every object it is made
of (file contents by where to read them, manifests by their text) for an upload of those the hub
lacks.
"""

import hashlib
import json
import os
import stat

from ._values import DotscienceValueError

CHUNK = 1 << 20
PERMISSION_BITS = 0o7777


class DataPathNotFound(DotscienceValueError):
    """A declared path does not exist."""


class SpecialFileRefused(DotscienceValueError):
    """The captured tree holds a socket, FIFO or device: it cannot be versioned as data. Nothing was sent."""


class NonUtf8NameRefused(DotscienceValueError):
    """A name (or a symlink's target) in the captured tree is not UTF-8. Nothing was sent."""


class Version:
    """A captured version: its reference fields and every object it is made of (digest → source)."""

    def __init__(self, kind, digest, size, files, objects):
        self.kind = kind
        self.digest = digest
        self.bytes = size
        self.files = files
        self.objects = objects

    def ref(self):
        return {"store": "hub", "kind": self.kind, "digest": self.digest, "bytes": self.bytes, "files": self.files}


class FileObject:
    """An object whose bytes are a file's (``size`` as hashed)."""

    def __init__(self, path, size):
        self.path = path
        self.size = size


class TextObject:
    """An object whose bytes are a manifest's text."""

    def __init__(self, data):
        self.data = data
        self.size = len(data)


def sha256_digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hash_file(path):
    """(digest, bytes read) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def manifest_text(entries):
    """The canonical JSON of a manifest of ``entries`` (sorted here by UTF-16 code units, as JavaScript sorts)."""
    ordered = sorted(entries, key=lambda entry: entry["name"].encode("utf-16-be", "surrogatepass"))
    for before, after in zip(ordered, ordered[1:]):
        if before["name"] == after["name"]:
            raise ValueError("manifest has two entries named %r" % before["name"])
    return json.dumps({"entries": ordered, "version": 1}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _escaped(raw):
    """Bytes as readable text: UTF-8 as characters, any other byte as ``\\xHH``."""
    return raw.decode("utf-8", "backslashreplace")


def _text(raw, shown, part, target=None):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if part == "name":
            raise NonUtf8NameRefused(
                "cannot capture %s: its name is not valid UTF-8 (bytes shown as \\xHH) and a version records names as UTF-8 - "
                "rename it to a UTF-8 name (e.g. convmv -f latin1 -t utf-8 --notest) or move it out of the captured tree; nothing was stored" % _escaped(shown)
            ) from None
        raise NonUtf8NameRefused(
            "cannot capture the symlink %s: its target %s is not valid UTF-8 (bytes shown as \\xHH) and a version records link targets as UTF-8 - "
            "point the link at a UTF-8 path or move it out of the captured tree; nothing was stored" % (_escaped(shown), _escaped(target))
        ) from None


def _special_kind(mode):
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISCHR(mode):
        return "character device"
    return "unknown"


def _scan(path, name, info):
    """The scanned node at ``path`` (bytes): metadata only, refusals first."""
    mode = info.st_mode & PERMISSION_BITS
    if stat.S_ISREG(info.st_mode):
        return {"type": "file", "name": name, "path": path, "mode": mode}
    if stat.S_ISLNK(info.st_mode):
        raw = os.readlink(path)
        return {"type": "symlink", "name": name, "mode": mode, "target": _text(raw, path, "symlink target", raw)}
    if not stat.S_ISDIR(info.st_mode):
        raise SpecialFileRefused(
            "cannot capture %s: it is a %s, not a regular file, directory or symlink - move it out of the captured tree or capture a narrower path; nothing was stored"
            % (_escaped(path), _special_kind(info.st_mode))
        )
    children = []
    for raw_name in os.listdir(path):
        child = os.path.join(path, raw_name)
        children.append(_scan(child, _text(raw_name, child, "name"), os.lstat(child)))
    return {"type": "directory", "name": name, "path": path, "mode": mode, "children": children}


def _build(node, objects):
    """(manifest entry, files, bytes) of a scanned node, hashing its files and sealing its manifests into ``objects``."""
    if node["type"] == "file":
        digest, size = hash_file(node["path"])
        objects.setdefault(digest, FileObject(node["path"], size))
        return {"name": node["name"], "type": "file", "mode": node["mode"], "size": size, "digest": digest}, 1, size
    if node["type"] == "symlink":
        target = node["target"].encode("utf-8")
        entry = {"name": node["name"], "type": "symlink", "mode": node["mode"], "size": len(target), "digest": sha256_digest(target), "target": node["target"]}
        return entry, 0, 0
    built = [_build(child, objects) for child in node["children"]]
    text = manifest_text([entry for entry, _files, _bytes in built])
    digest = sha256_digest(text)
    objects.setdefault(digest, TextObject(text))
    files = sum(files for _entry, files, _bytes in built)
    size = sum(size for _entry, _files, size in built)
    return {"name": node["name"], "type": "directory", "mode": node["mode"], "size": size, "digest": digest}, files, size


def capture(path):
    """The version of the file or directory at ``path``, as every dotscience store computes it."""
    raw = os.fsencode(path)
    root = os.path.realpath(raw)
    try:
        info = os.lstat(root)
    except (FileNotFoundError, NotADirectoryError):
        raise DataPathNotFound(
            "data path %s does not exist - write the file or directory before declaring it, or fix the path" % (path,)
        ) from None
    _text(root, root, "name")
    node = _scan(root, "", info)
    objects = {}
    entry, files, size = _build(node, objects)
    return Version("file" if node["type"] == "file" else "directory", entry["digest"], size, files, objects)
