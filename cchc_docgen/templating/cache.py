"""Compiled templates and layouts kept between runs in the cache folder (cache_folder.py), so a one-shot render skips Jinja's
compiler and docxtpl's import. Everything in it is keyed by content; nothing in it is trusted unless only this
user can write it (see cache_dir).

The built-in templates and layouts also come prebuilt, in the folder prebuilt/ beside this file (written by
tools/prebuild.py, kept up to date by tests/test_prebuilt.py): the layouts already patched by docxtpl and
checked, Jinja's Python source for every built-in template and layout part, and each built-in folder's settings
(cau-hinh.yaml) as read and checked. So the first run on an empty cache imports neither docxtpl nor Jinja's
compiler for them, and no run reads the built-in settings through the YAML loader. Each entry is keyed by what made it (the content,
docxtpl's or Jinja's version, the settings): with another version installed the key misses and the work is
done as for any template. The file is package data, as trusted as the package's own code."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jinja2

from cchc_docgen.cache_folder import (
    cache_dir,
    cache_get,
    cache_put,
    read_private,
    write_private,
)
from cchc_docgen.templating.sandbox import COMPILED_CODE_VERSION

__all__ = ["cache_dir", "cache_get", "cache_put", "prebuilt", "prebuilt_code", "prebuilt_settings", "code_key",
           "settings_key"]



# One file per entry, named KIND-KEY: a lookup opens one small file, whatever the number of entries.
PREBUILT_DIR = Path(__file__).with_name("prebuilt")


def prebuilt(kind: str, key: str) -> str | None:
    """A prebuilt entry's text ("patched": a layout's patched parts as JSON, "checked": a layout that passed the
    check, "code": Jinja's Python source of a template, "settings": a folder's settings as JSON), or None."""
    try:
        return (PREBUILT_DIR / f"{kind}-{key}").read_text(encoding="utf-8")
    except OSError:  # none for this key (or not shipped): made as for a template of one's own
        return None


def settings_key(text: str) -> str:
    """The key of a template folder's cau-hinh.yaml, read and checked: its text (the check depends on nothing else)."""
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def prebuilt_settings(text: str) -> dict | None:
    """The settings a built-in folder's cau-hinh.yaml of this text holds, as read and checked when the folder was
    written (see templating/library.py read_settings), or None for any other text."""
    shipped = prebuilt("settings", settings_key(text))
    return json.loads(shipped) if shipped is not None else None


def code_key(settings, name: str, source: str) -> str:
    """The key of Jinja's code for a template: what the code depends on besides the template's text. The settings
    count because Jinja folds constant filter calls ({{ 1005|bang_chu }}) into the code."""
    salt = json.dumps([jinja2.__version__, COMPILED_CODE_VERSION, settings], sort_keys=True, default=str)
    return hashlib.sha256(f"{salt}\0{name}\0{source}".encode()).hexdigest()[:40]


def prebuilt_code(settings, name: str, source: str, filename: str):
    """The compiled code of a template from its prebuilt Python source, or None when none matches."""
    raw = prebuilt("code", code_key(settings, name, source))
    return compile(raw, filename, "exec") if raw is not None else None


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled text templates kept between runs, so a one-shot render skips Jinja's compiler; an edited
    template is compiled afresh (Jinja checks the source's checksum). The key also holds the environment's
    settings: Jinja folds constant filter calls at compile time ({{ 1005|bang_chu }}), so code compiled for
    one province's number words must not serve another's. Entries are read only when this user wrote them
    (see cache_dir)."""

    def __init__(self, folder: Path, salt: str, settings):
        super().__init__(str(folder), "jinja-%s.cache")
        self.salt = salt
        self.settings = settings

    def get_bucket(self, environment, name, filename, source):
        """Jinja's bucket, filled from the prebuilt code of a built-in template when this cache has none yet (and
        that code kept here, so later runs load it without compiling its source)."""
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is None:
            code = prebuilt_code(self.settings, name, source, filename or "<template>")
            if code is not None:
                bucket.code = code
                self.dump_bytecode(bucket)
        return bucket

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename}".encode()).hexdigest()[:40]

    def load_bytecode(self, bucket) -> None:
        data = read_private(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        write_private(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())


def bytecode_cache(search_path, settings):
    folder = cache_dir()
    if folder is None:
        return None
    salt = json.dumps([[str(p) for p in search_path], settings, jinja2.__version__, COMPILED_CODE_VERSION],
                      sort_keys=True, default=str)
    return _BytecodeCache(folder, salt, settings)
