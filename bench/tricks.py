"""Measure what each speed trick of docgen buys: the in-process render of the bench case (bench/run.py) with the
trick on and with it switched off, in the same process.

    python bench/tricks.py [NAME ...] [--repeat N] [--no-instructions]

NAME is one of the tricks below (all when none is named). For each, wall time is taken alternating A/B/A/B in
blocks (interleaved, as bench/run.py does), medians over --repeat renders each; and, when valgrind is installed,
the instructions of one render with the trick on and off (cachegrind; the interpreter's start-up and the first
render are subtracted by running 1 and 1 + K renders). A trick is kept only where its gain is clear: the
figures are written next to it in the code.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402  (not a package)
    build_case,
    instructions,
    instructions_per_call,
    interleaved_ms,
    interleaved_processes,
)


def _deflate_level_6():
    """The parts made for each document deflated at zlib's default level (6) instead of level 1."""
    from cchc_docgen.writers import docx

    original = docx.PER_DOCUMENT_LEVEL
    docx.PER_DOCUMENT_LEVEL = 6
    return lambda: setattr(docx, "PER_DOCUMENT_LEVEL", original)


# name → a function that switches the trick off and returns what switches it back on
TRICKS = {
    "deflate-level-1": _deflate_level_6,
}


# Tricks of a one-shot run, measured as whole `docgen render` processes: name → (the command's arguments with the
# trick, without it, whether each run gets an empty cache folder (else one warm folder)).
ONE_SHOT_TRICKS = {
    # The docgen command installs the table of compiled regular expressions (cchc_docgen/command.py); the same
    # command line run without that wrapper compiles every pattern as Python does.
    "regex-table": ([sys.executable, "-m", "cchc_docgen"],
                    [sys.executable, "-c", "import sys; from cchc_docgen.cli import main; main(prog_name='docgen')"],
                    False),
    # A first run (empty cache folder) served by the table the package's build made (hatch_build.py), against the
    # same run without it: it compiles every pattern, as the first run did before.
    "regex-table-installed": ([sys.executable, "-m", "cchc_docgen"],
                              [sys.executable, "-c", "from cchc_docgen import regex_table; "
                               "regex_table.install(built_at_install=False); "
                               "from cchc_docgen.cli import main; main(prog_name='docgen')"],
                              True),
    # The built-in folders' settings (cau-hinh.yaml) taken from templating/prebuilt/, against the same run reading
    # them through the position-keeping YAML loader and checking them (templating/library.py read_settings).
    "prebuilt-settings": ([sys.executable, "-m", "cchc_docgen"],
                          [sys.executable, "-c", "from cchc_docgen import regex_table; regex_table.install(); "
                           "from cchc_docgen.templating import library; "
                           "library.prebuilt_settings = lambda text: None; "
                           "from cchc_docgen.cli import main; main(prog_name='docgen')"],
                          False),
    # docgen's parser takes a word with one dash that is no long option (-o) for short options at once, against
    # click's, which first makes an unknown long option's English message and suggestions (gettext, difflib).
    "short-options": ([sys.executable, "-m", "cchc_docgen"],
                      [sys.executable, "-c", "from cchc_docgen import regex_table; regex_table.install(); "
                       "from cchc_docgen import cli; del cli._VietnameseHelp.make_parser; cli.main(prog_name='docgen')"],
                      False),
}


def _renderer(case: Path):
    from cchc_docgen.pipeline import Pipeline

    pipeline = Pipeline()
    pipeline.render(case)  # templates compiled, layout loaded: what a warm process has
    return lambda: pipeline.render(case)


def wall_ms(name: str, case: Path, repeat: int) -> tuple[float, float]:
    """Median ms per render with the trick (A) and without it (B), in alternating blocks."""
    render = _renderer(case)
    state = {"restore": None}

    def trick_on():
        if state["restore"]:
            state["restore"]()
            state["restore"] = None
        render()

    def trick_off():
        if not state["restore"]:
            state["restore"] = TRICKS[name]()
        render()

    figures = interleaved_ms({"on": trick_on, "off": trick_off}, repeat)
    if state["restore"]:
        state["restore"]()
    return figures["on"], figures["off"]


# Run under valgrind: sets up, then renders `count` times, with the named trick off when given.
CHILD = """
import sys
sys.path[:0] = [{root!r}, {here!r}]
import tricks
render = tricks._renderer(__import__("pathlib").Path(sys.argv[1]))
if sys.argv[3] != "-":
    tricks.TRICKS[sys.argv[3]]()
for _ in range(int(sys.argv[2])):
    render()
"""


def render_instructions(case: Path, trick: str | None, count: int = 5) -> float:
    child = CHILD.format(root=str(ROOT), here=str(HERE))
    return instructions_per_call(child, lambda n: [str(case), str(n), trick or "-"], count)


def one_shot_line(name: str, case: Path, work: Path, repeat: int, valgrind: bool) -> str:
    """A one-shot trick: whole processes with and without it, on the same warm cache folder (both runs once first,
    so each finds what it keeps there)."""
    import os

    with_trick, without, empty_cache = ONE_SHOT_TRICKS[name]
    warm = {**os.environ, "DOCGEN_CACHE_DIR": str(work / "cache")}

    def env():
        return {**os.environ, "DOCGEN_CACHE_DIR": tempfile.mkdtemp(dir=work, prefix="cache-")} if empty_cache else warm

    tail = ["render", str(case), "-o", str(work / "one-shot.docx")]
    commands = {"on": lambda: (with_trick + tail, env()), "off": lambda: (without + tail, env())}
    figures = interleaved_processes(commands, max(3, repeat // 10), warm_up=not empty_cache)
    on, off = figures["on"][0], figures["off"][0]
    line = f"{name:12} {on:8.2f} {off:8.2f} {(off - on) / off:8.1%}"
    if valgrind:
        on_i, off_i = instructions(with_trick + tail, env()), instructions(without + tail, env())
        line += f"   {on_i / 1e6:10.1f} {off_i / 1e6:10.1f} {(off_i - on_i) / off_i:8.1%}  (whole process)"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="one of: " + ", ".join([*TRICKS, *ONE_SHOT_TRICKS]))
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--no-instructions", action="store_true", help="skip valgrind even when installed")
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in TRICKS and name not in ONE_SHOT_TRICKS]
    if unknown:
        parser.error(f"unknown trick {unknown[0]!r} (known: {', '.join([*TRICKS, *ONE_SHOT_TRICKS])})")

    work = Path(tempfile.mkdtemp(prefix="docgen-tricks-"))
    case = work / "case.yaml"
    case.write_text(yaml.safe_dump(build_case(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    valgrind = shutil.which("valgrind") and not args.no_instructions
    print(f"{'trick':12} {'on ms':>8} {'off ms':>8} {'gain':>8}   {'on Minstr':>10} {'off Minstr':>10} {'gain':>8}")
    for name in args.names or [*TRICKS, *ONE_SHOT_TRICKS]:
        if name in ONE_SHOT_TRICKS:
            print(one_shot_line(name, case, work, args.repeat, valgrind), flush=True)
            continue
        on, off = wall_ms(name, case, args.repeat)
        line = f"{name:12} {on:8.2f} {off:8.2f} {(off - on) / off:8.1%}"
        if valgrind:
            on_i, off_i = render_instructions(case, None), render_instructions(case, name)
            line += f"   {on_i / 1e6:10.1f} {off_i / 1e6:10.1f} {(off_i - on_i) / off_i:8.1%}"
        else:
            line += "   instructions not measured (valgrind not installed)"
        print(line, flush=True)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
