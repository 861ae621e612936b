"""Build hook (hatchling): compile the docgen command's known regular expressions with the interpreter the
package is being installed for, so that even the first run on a new machine finds them compiled.

pip runs a project's build with the interpreter it installs for, so the table made here carries that
interpreter's exact name (cchc_docgen/regex_table.py `table_name`), and is only read by it. The list of patterns,
cchc_docgen/regex_patterns.json, is written by tools/prebuild.py. Anything going wrong here only costs the first
run its time: the build goes on without the table, and says so.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _regex_table_module(root: str):
    """cchc_docgen/regex_table.py loaded on its own (the build environment has none of the package's
    dependencies, and the module needs none)."""
    spec = importlib.util.spec_from_file_location("_docgen_regex_table", os.path.join(root, "cchc_docgen", "regex_table.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RegexTableHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        try:
            regex_table = _regex_table_module(self.root)
            name = regex_table.table_name()
            if name is None:
                return
            with open(os.path.join(self.root, "cchc_docgen", regex_table.PATTERNS_FILE), encoding="utf-8") as handle:
                table = regex_table.table_of(handle.read())
            folder = os.path.join(self.root, "cchc_docgen", regex_table.INSTALLED_FOLDER)
            os.makedirs(folder, exist_ok=True)
            target = os.path.join(folder, name)
            with open(target + ".tmp", "wb") as handle:
                handle.write(table)
            os.replace(target + ".tmp", target)
        except Exception as exc:  # an optimisation only: the build must not fail for it
            print(f"cchc_docgen: regular-expression table not built ({exc!r}); the first run compiles them",
                  file=sys.stderr)
            return
        # The folder is not in git (.gitignore): an artifact is packed all the same.
        build_data["artifacts"].append(f"/cchc_docgen/{regex_table.INSTALLED_FOLDER}/{name}")
