"""The docgen program: the command line (cli.py) in a process that is docgen's alone, so it may keep its
compiled regular expressions between runs (regex_table.py) before any library is imported."""


def main() -> None:
    from cchc_docgen import regex_table

    regex_table.install()
    from cchc_docgen.cli import main as command_line

    command_line(prog_name="docgen")
