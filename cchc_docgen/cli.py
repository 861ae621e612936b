"""`docgen` command line. Messages in Vietnamese; exit codes: 0 ok, 1 data/template error, 2 usage error."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click

from cchc_docgen import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _VietnameseHelp:
    """Help pages in Vietnamese: click writes its own headings ("Usage:", "Options:") in English."""

    def collect_usage_pieces(self, ctx):
        words = {"[OPTIONS]": "[TÙY_CHỌN]", "COMMAND [ARGS]...": "LỆNH [THAM_SỐ]..."}
        return [words.get(piece, piece) for piece in super().collect_usage_pieces(ctx)]

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="Cách dùng: ")

    def format_options(self, ctx, formatter):
        rows = [(row[0], _vietnamese_extras(row[1])) for row in
                (p.get_help_record(ctx) for p in self.get_params(ctx) if isinstance(p, click.Option)) if row is not None]
        if rows:
            with formatter.section("Tùy chọn"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, cmd.get_short_help_str(formatter.width - 6 - max(len(n) for n, _ in commands)))
                for name, cmd in commands if cmd is not None and not cmd.hidden]
        if rows:
            with formatter.section("Lệnh"):
                formatter.write_dl(rows)

    # click's own help and version options ask gettext for their English help even when it is replaced (a search
    # of the locale folders at each call), and its parser makes an English "No such option" (importing difflib for
    # suggestions) for every short option such as -o, as it first tries the word as a long option, then drops it.
    # docgen's help option, version option and parser below do neither (measured, all three: one-shot warm
    # 506 M → 500 M, empty cache 519 M → 514 M; the parser alone 4.6 M, bench/tricks.py short-options).

    def get_help_option(self, ctx):
        """click's help option (-h, --help) with its help in Vietnamese, made here: click's asks gettext for its own."""
        if not self.get_help_option_names(ctx) or not self.add_help_option:
            return None
        if self.__dict__.get("_vietnamese_help_option") is None:
            # (Kept, as click keeps its own: the order of eager callbacks compares the options' objects.)
            self._vietnamese_help_option = click.Option(
                [*self.get_help_option_names(ctx), "_help_page"], is_flag=True, expose_value=False, is_eager=True,
                callback=_show_help, help="Hiện hướng dẫn này rồi thoát.")
        return self._vietnamese_help_option

    def make_parser(self, ctx):
        """click's parser, which takes a word with one dash that is no long option (-o, -vq) for short options
        without first making the English message and suggestions of an unknown long option that it then drops."""
        parser = super().make_parser(ctx)
        match_long = getattr(parser, "_match_long_opt", None)
        long_options, prefixes = getattr(parser, "_long_opt", None), getattr(parser, "_opt_prefixes", None)
        if match_long is None or not isinstance(long_options, dict) or not isinstance(prefixes, set):
            return parser  # (a click whose parser differs: its own way)

        def match_long_or_short(opt, *rest):
            if opt not in long_options and opt[:2] not in prefixes:
                raise click.NoSuchOption(opt, message="", ctx=ctx)  # click's parser then matches short options
            match_long(opt, *rest)

        parser._match_long_opt = match_long_or_short
        return parser


def _show_help(ctx, param, value):
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx, param, value):
    if value and not ctx.resilient_parsing:
        click.echo(f"docgen {__version__}", color=ctx.color)
        ctx.exit()


def _vietnamese_extras(help_text: str) -> str:
    """click's bracketed notes after an option's help ("[default: 8765; 0<=x<=65535]", "[required]", "[x>=1]"),
    said in Vietnamese."""
    def said(note: str) -> str:
        note = note.replace("default: ", "mặc định: ").replace("required", "bắt buộc")
        note = re.sub(r"(-?\d+)<=x<=(-?\d+)", r"từ \1 đến \2", note)
        note = re.sub(r"x>=(-?\d+)", r"từ \1 trở lên", note)
        return re.sub(r"x<=(-?\d+)", r"tối đa \1", note)

    return re.sub(r"\[([^\[\]]*)\]$", lambda found: f"[{said(found.group(1))}]", help_text)


class _Command(_VietnameseHelp, click.Command):
    pass


def _usage_error_message(error: click.UsageError) -> str:
    """click's usage errors, said in Vietnamese."""
    param = getattr(error, "param", None)
    if isinstance(param, click.Option):
        name = "/".join(param.opts)
    else:
        name = (param.human_readable_name if param is not None else getattr(error, "param_hint", None)) or ""
    if isinstance(error, click.MissingParameter):
        return f"thiếu {'tham số' if isinstance(param, click.Argument) else 'tùy chọn'} {name}"
    if isinstance(error, click.NoSuchOption):
        hint = f"; có phải ý bạn là {', '.join(sorted(error.possibilities))}?" if error.possibilities else ""
        return f"không có tùy chọn '{error.option_name}'{hint}"
    if isinstance(error, click.BadOptionUsage):
        return f"tùy chọn '{error.option_name}' dùng sai: {error.message}"
    if isinstance(error, click.BadParameter):
        choices = getattr(getattr(param, "type", None), "choices", None)
        if choices:
            return f"giá trị không hợp lệ cho {name}; chọn một trong: {', '.join(choices)}"
        return f"giá trị không hợp lệ cho {name}: {_path_problem(error.message)}"
    unknown = re.match(r"No such command '(.*)'", error.message)
    if unknown:
        return f"không có lệnh '{unknown.group(1)}'; xem các lệnh bằng 'docgen -h'"
    return error.message


# click.Path's own (English) refusals, said in Vietnamese.
_PATH_PROBLEMS = [(re.compile(r"^(?:File|Directory|Path) '(.*)' does not exist\.$"), "không có '{}'"),
                  (re.compile(r"^File '(.*)' is a directory\.$"), "'{}' là một thư mục, không phải tệp"),
                  (re.compile(r"^Directory '(.*)' is a file\.$"), "'{}' là một tệp, không phải thư mục"),
                  (re.compile(r"^(?:File|Directory|Path) '(.*)' is not readable\.$"), "không đọc được '{}'"),
                  (re.compile(r"^(?:File|Directory|Path) '(.*)' is not writable\.$"), "không ghi được vào '{}'")]


def _path_problem(message: str) -> str:
    for pattern, said in _PATH_PROBLEMS:
        found = pattern.match(message)
        if found:
            return said.format(found.group(1))
    return message


def _made_with_its_command(decorator):
    """click.option / click.argument, applied when the command they decorate is first asked for (see
    _Group.command): click makes a parameter's object as it decorates, and a run uses one command of eleven."""
    def deferred(*args, **kwargs):
        def mark(f):
            f.__dict__.setdefault("_deferred_parameters", []).append(decorator(*args, **kwargs))
            return f
        return mark
    return deferred


class _EnglishPath(click.Path):
    """click.Path, named ("file", "directory", "path") as click names it in English, without asking gettext: each
    call searches the locale folders, and the first in a process imports `locale`; the commands' fifteen paths
    were a render's only calls but for click's own help options (measured: one-shot warm 508 M → 506 M with the
    paths made only for the command run; this way, with docgen's help options, 500 M → 497 M). The name shows in
    click's messages, which _PATH_PROBLEMS reads in English; tests/test_errors.py checks these equal click's own."""

    def __init__(self, exists=False, file_okay=True, dir_okay=True, writable=False, readable=True,
                 resolve_path=False, allow_dash=False, path_type=None, executable=False):
        self.exists = exists
        self.file_okay = file_okay
        self.dir_okay = dir_okay
        self.readable = readable
        self.writable = writable
        self.executable = executable
        self.resolve_path = resolve_path
        self.allow_dash = allow_dash
        self.type = path_type
        self.name = "file" if file_okay and not dir_okay else "directory" if dir_okay and not file_okay else "path"


option = _made_with_its_command(click.option)
argument = _made_with_its_command(click.argument)


class _Group(_VietnameseHelp, click.Group):
    """docgen's group: each command is made (click's objects for it and its parameters) when first asked for, not
    at import: a one-shot run builds only the command it runs (measured: one-shot render 544 M → 536 M)."""

    command_class = _Command

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._unmade: dict = {}  # name → (the command's function, click.Group.command's arguments)

    def command(self, name: str, **attrs):
        def register(f):
            self._unmade[name] = (f, attrs)
            return f
        return register

    def list_commands(self, ctx):
        return sorted({*self.commands, *self._unmade})

    def get_command(self, ctx, name):
        if name in self._unmade:
            f, attrs = self._unmade.pop(name)
            for apply in f.__dict__.pop("_deferred_parameters", ()):  # in the order they decorated it, bottom up
                f = apply(f)
            super().command(name, **attrs)(f)
        return super().get_command(ctx, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run with usage errors reported in Vietnamese (exit 2) instead of click's English."""
        utf8_console()
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            ctx = error.ctx
            if ctx is not None:
                click.echo(ctx.get_usage(), err=True)
                click.echo(f"Xem '{ctx.command_path} -h' để biết cách dùng.", err=True)
            click.echo(f"Lỗi: {_usage_error_message(error)}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(1)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except BrokenPipeError:
            # The program reading our output closed it (`docgen validate … | head -1`): stop quietly. Standard
            # output is pointed at /dev/null so that Python's own flush at exit does not fail a second time.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            click.echo("Lỗi: chương trình đọc kết quả đã đóng đầu ra trước khi docgen ghi xong", err=True)
            sys.exit(1)


def utf8_console(streams=None) -> None:
    """On Windows, what docgen prints is UTF-8 whatever the console's code page: a Vietnamese message stays
    readable, and `docgen new > khung.yaml` (cmd) writes the UTF-8 file every reader of ours expects, instead of
    failing on the first letter the code page lacks."""
    if sys.platform != "win32" and streams is None:
        return
    for stream in streams or (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").replace("-", "").lower() != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")


@click.group("docgen", cls=_Group, context_settings=CONTEXT)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Hiện phiên bản rồi thoát.")  # (click.version_option asks gettext for its English help)
def main():
    """Sinh văn bản hành chính (báo cáo cải cách hành chính…) theo Nghị định 30/2020/NĐ-CP từ dữ liệu YAML."""
    from cchc_docgen.templating import sandbox

    sandbox.WHOLE_PROCESS_IS_OURS = True  # the templates' memory cap may be set however many threads run
    _stop_on_sigterm()


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """SIGTERM (a service manager, `kill`, a CI timeout) stops docgen as Ctrl-C does: the file being written is
    abandoned whole and its temporary file removed. Forked batch workers inherit the handler."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():  # (only the main thread may set handlers)
        signal.signal(signal.SIGTERM, _interrupted)


_TEMPLATES_OPTION = option(
    "--templates", "template_dirs", multiple=True, type=_EnglishPath(file_okay=False, exists=True, path_type=Path),
    metavar="THƯ_MỤC", help="Thư mục mẫu riêng, được ưu tiên trước mẫu có sẵn (có thể lặp lại).")

def _known_province(ctx, param, value):
    """--tinh: a name that misspells a province and names no folder of built-in templates is said, not silently
    replaced by the national base (checks.unknown_province; the data's own `tinh` gets the same words as a
    finding)."""
    if value:
        from cchc_docgen.domain import provinces

        if provinces.misspelling_of(value):
            from cchc_docgen.templating.library import builtin_templates_dir

            if not (builtin_templates_dir() / provinces.folder_name(value)).is_dir():
                from cchc_docgen.domain.checks import unknown_province

                click.echo(f"Cảnh báo: --tinh: {unknown_province(value)}", err=True)
    return value


_PROVINCE_OPTION = option("--tinh", "province", metavar="TỈNH", callback=_known_province,
                          help="Dùng mẫu của tỉnh này (mặc định: trường 'tinh' trong dữ liệu).")


def _guarded(action):
    """Run `action`; a DocgenError becomes "Lỗi: …" and exit 1, a bug of ours the usual internal-error line."""
    from cchc_docgen.errors import DocgenError

    try:
        return action()
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}" if "\n" not in str(exc) else f"Lỗi:\n{exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        raise  # the reader of our output left (`| head`): said once, by the group
    except Exception as exc:  # a bug of ours: say so plainly; DOCGEN_DEBUG=1 shows the traceback
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        click.echo(f"Lỗi nội bộ của docgen ({type(exc).__name__}: {exc}). Đặt DOCGEN_DEBUG=1 để xem chi tiết "
                   "và báo lỗi cho nhóm phát triển.", err=True)
        sys.exit(1)


RENDER_FORMATS = ["docx", "md", "pdf", "html"]
TONG_HOP_FORMATS = ["docx", "md", "pdf", "html", "xlsx"]
# The format an output file's name says: "-o bao-cao.pdf" asks for a PDF as plainly as "-f pdf" does.
SUFFIX_FORMATS = {".docx": "docx", ".md": "md", ".pdf": "pdf", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def _other_command(path: Path, command: str) -> str | None:
    """What to run instead when `path` is a file another command reads (a data file given to nhap, a Word
    report given to nhap-bieu…); None when it is none of those, or one `command` reads."""
    from cchc_docgen.reading.loader import document_kind_of_file, what_document

    if path.suffix.lower() in (".yaml", ".yml"):
        return f"đây là tệp dữ liệu YAML; sinh văn bản từ tệp này bằng: docgen render {path}"
    # a Word report given to nhap-bieu, an Excel biểu given to nhap: said with the command that reads it; a PDF or
    # another file gets `command`'s own words
    kind = document_kind_of_file(path)
    other = {"nhap": "excel", "nhap-bieu": "word"}[command]
    return what_document(kind, str(path), "biểu Excel (.xlsx)" if command == "nhap-bieu" else "văn bản Word") \
        if kind == other else None


def _refuse_a_data_file(output, command: str) -> None:
    """A data file is the officer's work: what an import writes never replaces one (an edited earlier import,
    or the report's own data named by mistake), as `docgen new` never does."""
    from cchc_docgen.errors import DocgenError

    if output and Path(output).is_file():
        raise DocgenError(f"tệp {output} đã có; {command} không ghi đè tệp: chọn tên khác (hoặc xóa tệp cũ)")


def _files_or_nothing(arguments) -> list[Path]:
    """The data files `arguments` stand for; none when they stand for none (the command says so itself)."""
    from cchc_docgen import batch
    from cchc_docgen.errors import DocgenError

    try:
        return batch.expand_inputs(arguments)
    except DocgenError:
        return []


def _is_a_source(output: str, sources) -> bool:
    from cchc_docgen.output import same_file

    return any(Path(source).is_file() and same_file(Path(output), Path(source)) for source in sources)


# What to name the file instead, by the suffix of a format docgen does not write: (suffix, why it will do).
_INSTEAD = {
    ".doc": (".docx", "mọi bản Word từ 2007 đều mở được"),
    ".odt": (".docx", "LibreOffice mở được"),
    ".rtf": (".docx", "Word và LibreOffice đều mở được"),
    ".txt": (".md", "văn bản thuần, mở được bằng Notepad"),
    ".xls": (".xlsx", "Excel từ bản 2007 mở được"),
}


def glob_chars(text) -> bool:
    return any(char in str(text) for char in "*?[")


def _output_format(output: str | None, fmt: str | None, formats: list[str], default: str, sources=()) -> str:
    """The format to write: -f when given, else the one the output file's name says, else `default`. A name
    that says another format than -f, or one this command cannot write, is a usage error: a Word document saved
    as "bao-cao.md" would open as garbage, and nothing would have said why. An output that is one of the data
    files `sources` is left to the command, which says so in those words."""
    from cchc_docgen.output import is_stdout

    if not output or is_stdout(output) or output.endswith(("/", os.sep)) or Path(output).is_dir():
        return fmt or default
    suffix = Path(output).suffix.lower()
    named = SUFFIX_FORMATS.get(suffix)
    if named is None:
        # "-o bao-cao.doc": a .docx under a name that promises another format
        if suffix and fmt is None and not _is_a_source(output, sources):
            suffixes = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f in formats and s != ".htm")
            instead, reason = _INSTEAD.get(suffix, (None, ""))
            advice = (f"đặt tên {Path(output).with_suffix(instead)} ({reason})"
                      if instead and SUFFIX_FORMATS[instead] in formats else "đổi đuôi tệp")
            raise click.UsageError(f"tệp kết quả {output}: lệnh này không ghi tệp đuôi {suffix} (ghi được: {suffixes}); "
                                   f"{advice}, hoặc ghi rõ --format")
        return fmt or default
    if named not in formats:
        raise click.UsageError(f"tệp kết quả {output}: lệnh này không ghi định dạng {named} (đuôi {suffix}); các "
                               f"định dạng ghi được: {', '.join(formats)}")
    if fmt and fmt != named:
        raise click.UsageError(f"tệp kết quả {output} có đuôi {suffix} nhưng --format là {fmt}: đổi đuôi tệp hoặc "
                               "--format cho khớp")
    return named


@main.command("render")
@argument("data", metavar="DỮ_LIỆU...", nargs=-1, required=True, type=_EnglishPath(path_type=Path))
@option("-t", "--template", "template_name", metavar="TÊN", help="Tên mẫu (ví dụ: quy). Mặc định: trường 'mau' trong dữ liệu.")
@option("-o", "--output", metavar="ĐÍCH",
              help="Một tệp dữ liệu: tệp kết quả (mặc định: tên tệp dữ liệu với đuôi của định dạng, trong thư mục "
                   "hiện tại; '-': in ra đầu ra chuẩn; tên kết thúc bằng '/': thư mục kết quả). Nhiều tệp hoặc thư "
                   "mục: thư mục kết quả (mặc định: thư mục hiện tại).")
@option("-f", "--format", "fmt", type=click.Choice(RENDER_FORMATS),
              help="Định dạng kết quả. Mặc định: theo đuôi tệp -o (bao-cao.pdf, bao-cao.md…), không có thì docx (pdf "
                   "khi dùng --pdfa). pdf cần LibreOffice; html: một trang xem trong trình duyệt, in ra như văn bản.")
@option("--pdfa", is_flag=True, help="PDF/A-2b (để ký số và lưu trữ), thay cho PDF thường.")
@_TEMPLATES_OPTION
@_PROVINCE_OPTION
@option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Số tiến trình chạy song song khi sinh nhiều tệp. Mặc định: số nhân CPU.")
@option("--strict", is_flag=True,
              help="Không sinh văn bản khi kiểm tra số liệu còn lỗi hoặc cảnh báo (mặc định: chỉ in cảnh báo).")
def render_command(data, template_name, output: str | None, fmt: str | None, pdfa: bool, template_dirs, province,
                   jobs, strict):
    """Sinh văn bản từ tệp dữ liệu DỮ_LIỆU (YAML). DỮ_LIỆU có thể là nhiều tệp, thư mục (mọi tệp .yaml trong đó)
    hoặc mẫu tên như 'du-lieu/*.yaml'."""
    from cchc_docgen import batch
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.output import is_stdout, why

    if pdfa and fmt not in (None, "pdf"):
        raise click.UsageError(f"--pdfa chỉ dùng với định dạng pdf, không với --format {fmt}")
    one_file = len(data) == 1 and not glob_chars(data[0]) and not Path(data[0]).is_dir()
    fmt = _output_format(output if one_file else None, fmt, RENDER_FORMATS, "pdf" if pdfa else "docx", data[:1])
    if pdfa and fmt != "pdf":
        raise click.UsageError(f"--pdfa ghi PDF, nhưng tệp kết quả {output} có đuôi của định dạng {fmt}: đổi đuôi "
                               "thành .pdf")
    try:
        if fmt == "pdf":  # before any rendering: without LibreOffice no PDF can be made
            from cchc_docgen.writers.pdf import find_soffice

            find_soffice()
        inputs = batch.expand_inputs(data)
        # "-o ket-qua/" names a folder even before it exists (a Path would drop the slash).
        names_folder = bool(output) and (output.endswith(("/", os.sep)) or Path(output).is_dir())
        single = len(inputs) == 1 and not Path(data[0]).is_dir()
        if single and not names_folder:
            target = (output if is_stdout(output) else Path(output)) if output else Path.cwd() / f"{inputs[0].stem}.{fmt}"
            todo = [batch.Job(inputs[0], target, fmt, template_name, tuple(template_dirs), province, strict, pdfa)]
        else:
            if is_stdout(output):
                raise DocgenError("sinh nhiều tệp thì không in ra đầu ra chuẩn (-o -): cho -o một thư mục")
            out_dir = Path(output) if output else Path.cwd()
            if out_dir.exists() and not out_dir.is_dir():
                raise DocgenError(f"sinh nhiều tệp thì -o phải là một thư mục, không phải tệp: {out_dir}")
            if not out_dir.exists() and not names_folder and out_dir.suffix.lower() in SUFFIX_FORMATS:
                # "-o bao-cao.docx" with two inputs would make a folder of that name
                raise DocgenError(f"sinh nhiều tệp ({len(inputs)} tệp) thì -o là thư mục kết quả, nhưng {out_dir} là tên "
                                  f"một tệp {out_dir.suffix}: bỏ đuôi (ví dụ -o {out_dir.with_suffix('')}), hoặc sinh "
                                  "từng tệp một")
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DocgenError(f"không tạo được thư mục kết quả {out_dir}: {why(exc)}") from None
            todo = batch.plan(inputs, out_dir, fmt, template_name, template_dirs, province, strict, pdfa)
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)

    if single:
        outcome = batch.run_job(todo[0])
        for finding in outcome.findings:
            click.echo(finding, err=True)
        if not outcome.ok:
            message = outcome.error
            click.echo(f"Lỗi:\n{message}" if "\n" in message else f"Lỗi: {message}", err=True)
            sys.exit(1)
        where = "đầu ra chuẩn" if is_stdout(outcome.job.output) else outcome.job.output
        # With "-o -" the document is the standard output: the report of it goes to stderr.
        click.echo(f"Đã tạo {where} (mẫu {outcome.template_name}, {outcome.notes} chú thích).",
                   err=is_stdout(outcome.job.output))
        return

    workers = jobs or os.cpu_count() or 1
    show_bar = sys.stderr.isatty()
    with click.progressbar(length=len(todo), label="Đang sinh văn bản", file=sys.stderr,
                           show_pos=True) if show_bar else _NoBar() as bar:
        outcomes = batch.run(todo, workers, on_done=lambda outcome: bar.update(1))
    for outcome in outcomes:
        for finding in outcome.findings:
            click.echo(finding, err=True)
    failed = [o for o in outcomes if not o.ok]
    click.echo(f"Đã tạo {len(outcomes) - len(failed)}/{len(outcomes)} tệp trong {todo[0].output.parent}.")
    if failed:
        click.echo(f"{len(failed)} tệp lỗi:", err=True)
        for outcome in failed:
            click.echo(f"  - {outcome.job.data}:\n      " + outcome.error.replace("\n", "\n      "), err=True)
        sys.exit(1)


class _NoBar:
    """Stands in for the progress bar when the output is not a terminal (CI logs stay clean)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


@main.command("tong-hop")
@argument("data", metavar="DỮ_LIỆU...", nargs=-1, required=True, type=_EnglishPath(path_type=Path))
@option("--du-lieu", "province_file", required=True, type=_EnglishPath(dir_okay=False, exists=True, path_type=Path),
              metavar="TỆP", help="Tệp dữ liệu của tỉnh (cơ quan, người ký, nơi nhận, kỳ báo cáo, nội dung tỉnh viết). "
                                  "Danh sách đơn vị don-vi.yaml đặt cùng thư mục với tệp này.")
@option("-t", "--template", "template_name", metavar="TÊN",
              help="Tên mẫu. Mặc định: trường 'mau' trong tệp của tỉnh, không có thì tong-hop.")
@option("-o", "--output", metavar="TỆP",
              help="Tệp kết quả (mặc định: tên tệp của tỉnh với đuôi của định dạng, trong thư mục hiện tại; "
                   "'-': in ra đầu ra chuẩn).")
@option("-f", "--format", "fmt", type=click.Choice(TONG_HOP_FORMATS),
              help="Định dạng kết quả: văn bản (docx, md, pdf cần LibreOffice, html) hoặc bảng số liệu từng đơn vị "
                   "(xlsx). Mặc định: theo đuôi tệp -o, không có thì docx.")
@_TEMPLATES_OPTION
@_PROVINCE_OPTION
@option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Số tiến trình đọc báo cáo của các đơn vị song song. Mặc định: số nhân CPU.")
@option("--strict", is_flag=True,
              help="Dừng, không tổng hợp, khi có tệp báo cáo lỗi (mặc định: báo lỗi và bỏ tệp đó ra).")
def tong_hop_command(data, province_file, template_name, output, fmt, template_dirs, province, jobs, strict):
    """Tổng hợp báo cáo của tỉnh từ báo cáo của các đơn vị cấp xã DỮ_LIỆU (tệp, thư mục hoặc mẫu tên như
    'xa/*.yaml'): cộng số liệu, tính lại các tỷ lệ từ tổng, đếm và nêu tên các đơn vị đạt, chưa đạt chỉ tiêu,
    chưa gửi báo cáo; kèm Phụ lục số liệu từng đơn vị. Ví dụ:
    docgen tong-hop xa/*.yaml --du-lieu tinh.yaml -o bao-cao-tong-hop.docx
    """
    from cchc_docgen import tong_hop
    from cchc_docgen.output import is_stdout, refuse_replacing, write_output

    fmt = _output_format(output, fmt, TONG_HOP_FORMATS, "docx", (province_file, *data))
    target = output or str(Path.cwd() / f"{province_file.stem}.{fmt}")

    def run():
        # Before reading 3,000 communes: the result must not land on any file it is made from.
        refuse_replacing(target, [province_file, province_file.parent / tong_hop.UNIT_LIST_FILE], "tệp dữ liệu")
        refuse_replacing(target, _files_or_nothing(data), "báo cáo của đơn vị")
        compiled = tong_hop.compile_report(data, province_file, template_name, fmt, template_dirs, province, strict,
                                           jobs or os.cpu_count() or 1)
        for warning in compiled.warnings:
            click.echo(warning, err=True)
        write_output(target if is_stdout(target) else Path(target), compiled.content)
        return compiled

    compiled = _guarded(run)
    where = "đầu ra chuẩn" if is_stdout(target) else target
    listed = f"/{compiled.listed}" if compiled.listed is not None else ""
    parts = [f"tổng hợp {compiled.units}{listed} đơn vị"]
    if compiled.refused:
        parts.append(f"{len(compiled.refused)} tệp lỗi bị bỏ qua")
    if compiled.missing:
        parts.append("chưa gửi báo cáo: " + ", ".join(compiled.missing))
    click.echo(f"Đã tạo {where} (mẫu {compiled.template}; {'; '.join(parts)}).", err=is_stdout(target))


@main.command("nhap-bieu")
@argument("workbook", metavar="BIỂU", type=_EnglishPath(dir_okay=False, path_type=Path))
@option("-b", "--bieu", "catalog_name", default="cchc", show_default=True, metavar="TÊN",
              help="Tên biểu (danh mục chỉ tiêu trong thư mục phu-luc/ của mẫu), ví dụ: cchc, 1a.")
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Dùng biểu của tỉnh này.")
@_TEMPLATES_OPTION
@option("-o", "--output", metavar="TỆP",
              help="Ghi kết quả vào tệp mới này, không ghi đè tệp đã có (mặc định: in ra đầu ra chuẩn).")
@option("--mau-trong", "blank", is_flag=True,
              help="Không đọc: ghi biểu trống (tệp .xlsx) vào BIỂU để phát cho các đơn vị điền.")
def nhap_bieu_command(workbook, catalog_name, province, template_dirs, output, blank):
    """Đọc biểu số liệu Excel BIỂU đã điền (Phụ lục biểu của tỉnh) thành số liệu YAML (phu_luc) để chép vào tệp
    dữ liệu. Dòng được nhận theo tên chỉ tiêu hoặc STT, không theo địa chỉ ô. Ví dụ:
    docgen nhap-bieu bieu-quy3.xlsx --tinh "Quảng Ninh" -b 1a > phu-luc.yaml
    """
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.output import refuse_replacing, write_output
    from cchc_docgen.templating.library import library_for

    def catalog():
        library = library_for(template_dirs, province)
        path = library.find_file(f"phu-luc/{catalog_name}.yaml")
        if path is None:
            raise DocgenError(library.unknown_catalog(catalog_name))
        return library.catalog(catalog_name, path)

    def run():
        if blank:
            from cchc_docgen.writers import xlsx

            # The name of a filled biểu, typed by mistake, must not come back blank.
            if workbook.exists():
                raise DocgenError(f"tệp {workbook} đã có; --mau-trong không ghi đè tệp: chọn tên khác")
            write_output(workbook, xlsx.catalog_workbook(catalog()))
            return f"Đã tạo biểu trống {workbook} (biểu {catalog_name})."
        import yaml

        from cchc_docgen.reading import xlsx

        if not workbook.is_file():
            raise DocgenError(f"không có tệp {workbook}")
        other = _other_command(workbook, "nhap-bieu")
        if other:
            raise DocgenError(f"{workbook}: {other}")
        refuse_replacing(output, [workbook], "biểu đang đọc")
        _refuse_a_data_file(output, "docgen nhap-bieu")
        read = xlsx.read_catalog_sheet(workbook, catalog())
        if read.messages:
            raise DocgenError(f"{len(read.messages)} ô không đọc được, chưa ghi kết quả:\n" + "\n".join(read.messages))
        entry = {"bieu": catalog_name, "so_lieu": read.so_lieu}
        if read.ghi_chu:
            entry["ghi_chu"] = read.ghi_chu
        text = (f"# Số liệu đọc từ {workbook.name} (biểu {catalog_name}) bằng docgen nhap-bieu; chép khối này vào tệp "
                "dữ liệu của đơn vị.\n" + yaml.safe_dump({"phu_luc": [entry]}, allow_unicode=True, sort_keys=False))
        write_output(output or "-", text.encode("utf-8"))
        return f"Đã đọc {len(read.so_lieu)} chỉ tiêu từ {workbook}" + (f" vào {output}." if output else ".")

    click.echo(_guarded(run), err=True)


@main.command("nhap")
@argument("report", metavar="BÁO_CÁO", type=_EnglishPath(dir_okay=False, path_type=Path))
@option("-t", "--template", "template_name", metavar="TÊN",
              help="Đối chiếu đề mục với mẫu này (mặc định: mẫu có nhiều đề mục khớp nhất).")
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Dùng mẫu của tỉnh này.")
@_TEMPLATES_OPTION
@option("-o", "--output", metavar="TỆP",
              help="Ghi tệp dữ liệu mới vào đây, không ghi đè tệp đã có (mặc định: in ra đầu ra chuẩn).")
@option("--kiem-tra", "check_round_trip", is_flag=True,
              help="Sinh lại văn bản từ tệp dữ liệu vừa đọc và so với báo cáo gốc: in tỷ lệ đoạn sinh lại đúng từng "
                   "chữ, số chú thích giữ được, và liệt kê các đoạn khác.")
def nhap_command(report, template_name, province, template_dirs, output, check_round_trip):
    """Đọc báo cáo Word (.docx) BÁO_CÁO đã có thành tệp dữ liệu YAML để sinh lại bằng docgen render. Ví dụ:
    docgen nhap bao-cao-quy3.docx -o quy3.yaml --kiem-tra
    """
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.output import refuse_replacing, write_output
    from cchc_docgen.templating.library import library_for

    def run():
        from cchc_docgen.reading import docx_report

        if not report.is_file():
            raise DocgenError(f"không có tệp {report}")
        refuse_replacing(output, [report], "báo cáo Word đang đọc")
        _refuse_a_data_file(output, "docgen nhap")
        suffix = report.suffix.lower()
        if suffix not in (".docx", *OTHER_DOCUMENTS):
            said = _other_command(report, "nhap") or ("docgen nhap đọc tệp Word .docx (và .doc, .odt, .rtf khi có "
                                                       "LibreOffice); tệp .pdf quét không được hỗ trợ")
            raise DocgenError(f"{report}: {said}")
        library = library_for(template_dirs, province)
        if template_name and template_name not in library.names:
            raise DocgenError(f"không có mẫu '{template_name}'; các mẫu hiện có: {', '.join(library.names)}")
        original = report.read_bytes() if suffix == ".docx" else _as_docx(report, suffix)
        imported = docx_report.read_report(original, str(report), library, template_name)
        if not template_name:
            click.echo(f"Chọn mẫu {imported.template} (nhiều đề mục khớp nhất; dùng -t để chọn mẫu khác).", err=True)
        text = docx_report.to_yaml(imported, report.name)
        write_output(output or "-", text.encode("utf-8"))
        if check_round_trip:
            for line in _round_trip_lines(original, text, output or f"<dữ liệu đọc từ {report.name}>", library):
                click.echo(line, err=True)
        return (f"Đã đọc {imported.paragraphs} đoạn từ {report}" + (f" vào {output}." if output else ".")
                + " Kiểm tra các chú thích # trong tệp trước khi dùng.")

    click.echo(_guarded(run), err=True)


# Documents `docgen nhap` reads through LibreOffice (made .docx first): Word 97–2003, OpenDocument, RTF.
OTHER_DOCUMENTS = (".doc", ".odt", ".rtf")


def _as_docx(report: Path, suffix: str) -> bytes:
    """A .doc/.odt/.rtf report as .docx, converted by LibreOffice (a DocgenError saying what to do without it)."""
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.writers import pdf

    try:
        pdf.find_soffice()
    except DocgenError:
        raise DocgenError(f"{report}: đọc tệp {suffix} cần LibreOffice (để chuyển sang .docx) mà máy chưa có; mở tệp "
                          "bằng Word hoặc LibreOffice và lưu thành .docx rồi chạy lại, hoặc cài LibreOffice "
                          "(https://www.libreoffice.org/download/)") from None
    made = pdf.convert_with_libreoffice([report.read_bytes()], suffix, "docx:MS Word 2007 XML", ".docx",
                                        "Word (.docx)")[0]
    if isinstance(made, DocgenError):
        raise DocgenError(f"{report}: {made}")
    return made


def _round_trip_lines(original: bytes, text: str, name: str, library) -> list[str]:
    """`nhap --kiem-tra`: the imported data rendered again through the one pipeline, compared with the report."""
    from cchc_docgen.authoring import import_check
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.pipeline import Pipeline
    from cchc_docgen.reading import loader
    from cchc_docgen.writers import write

    pipeline = Pipeline(library=library)
    try:
        prepared = pipeline.prepare(loader.loads(text, file=name))
        again = write(pipeline.compose(prepared), "docx")
    except DocgenError as exc:
        raise DocgenError(f"đã ghi tệp dữ liệu nhưng chưa sinh lại được văn bản từ tệp đó để kiểm tra:\n{exc}") from None
    return import_check.report_lines(import_check.compare(original, again))


@main.command("xem")
@argument("data", metavar="DỮ_LIỆU", type=_EnglishPath(dir_okay=False, path_type=Path))
@option("-t", "--template", "template_name", metavar="TÊN", help="Tên mẫu (ví dụ: quy). Mặc định: trường 'mau' trong dữ liệu.")
@_TEMPLATES_OPTION
@_PROVINCE_OPTION
@option("--cong", "port", type=click.IntRange(0, 65535), default=8765, show_default=True, metavar="CỔNG",
              help="Cổng trên 127.0.0.1 (0: một cổng còn trống).")
@option("--khong-mo", "no_browser", is_flag=True, help="Không tự mở trình duyệt.")
def xem_command(data, template_name, template_dirs, province, port, no_browser):
    """Xem trước văn bản của DỮ_LIỆU trong trình duyệt khi đang soạn: trang tự cập nhật mỗi lần lưu tệp dữ liệu
    hoặc mẫu, lỗi và cảnh báo hiện bên cạnh (bấm vào vị trí để mở dòng đó trong VS Code). Chỉ mở trên chính
    máy này (127.0.0.1). Ctrl-C để dừng."""
    from cchc_docgen import preview

    _guarded(lambda: preview.serve(preview.Preview(data, template_name, template_dirs, province), port,
                                   click.echo, not no_browser))


@main.command("templates")
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Xem các mẫu như một đơn vị của tỉnh này sẽ dùng.")
@_TEMPLATES_OPTION
def templates_command(province, template_dirs):
    """Liệt kê các mẫu và nơi lấy từng phần của mỗi mẫu (nội dung, bố cục, biểu phụ lục, thiết lập)."""
    from cchc_docgen.templating.library import describe_templates, library_for

    click.echo(_guarded(lambda: describe_templates(library_for(template_dirs, province))))


def _ignored_kinds(ctx, param, values) -> frozenset:
    """--bo-qua dinh-dang,anh (or repeated): each name one of golden.kinds.KINDS."""
    from cchc_docgen.golden.kinds import KINDS

    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in KINDS]
    if unknown:
        raise click.BadParameter(f"không có loại '{unknown[0]}'; chọn trong: {', '.join(KINDS)}")
    return frozenset(names)


def _check_help() -> str:
    """The check's help page: its text, the exit codes, and the kinds --bo-qua takes (from golden.kinds.KINDS)."""
    from cchc_docgen.golden.kinds import KINDS

    kinds = "\n".join(f"  {name}: {text}" for name, text in KINDS.items())
    return f"""Sinh lại văn bản từ các tệp dữ liệu TỆP và so với tệp đối chiếu đã duyệt.

TỆP có thể là tệp, thư mục (mọi tệp .yaml trong đó) hoặc mẫu tên như 'du-lieu/*.yaml'. Báo từng khác biệt
nhìn thấy được trên trang in, kèm chỗ (mục, đoạn, ô bảng, đầu trang…) và giá trị cũ → mới: chữ, định dạng chữ
và đoạn, trang in, bảng, đánh số, đầu/chân trang và trường số trang, chú thích, hình ảnh, thuộc tính văn bản.

\b
Mã thoát (mỗi trường hợp đều được báo; một trường hợp hỏng không dừng các trường hợp khác):
  0  tất cả khớp (hoặc --update xong không lỗi)
  1  có văn bản khác tệp đối chiếu
  2  dùng lệnh sai (tùy chọn sai, tệp hay thư mục không có)
  3  có trường hợp không sinh được văn bản (lỗi dữ liệu hoặc mẫu; với --strict: còn lỗi hay cảnh báo)
  4  thiếu tệp đối chiếu (tạo bằng --update)
Khi gặp nhiều loại, mã là của loại nặng nhất theo thứ tự 3, 4, 1.

\b
Các loại khác biệt bỏ qua được bằng --bo-qua:
{kinds}
"""


@main.command("check", help=_check_help())
@argument("files", metavar="TỆP...", nargs=-1, required=True, type=_EnglishPath(path_type=Path))
@option("--golden", "golden_dir", required=True, type=_EnglishPath(file_okay=False, path_type=Path),
              metavar="THƯ_MỤC", help="Thư mục tệp đối chiếu đã duyệt: <tên>.docx (và <tên>.md nếu có).")
@option("--update", is_flag=True, help="Tạo hoặc cập nhật tệp đối chiếu theo kết quả mới và báo những gì đã đổi.")
@option("-t", "--template", "template_name", metavar="TÊN", help="Tên mẫu (ví dụ: quy). Mặc định: trường 'mau' trong dữ liệu.")
@_TEMPLATES_OPTION
@_PROVINCE_OPTION
@option("--strict", is_flag=True,
              help="Trường hợp có lỗi hoặc cảnh báo khi kiểm tra số liệu là trường hợp hỏng (mã thoát 3); mặc định "
                   "chỉ in cảnh báo, như lệnh render.")
@option("--bo-qua", "ignore", multiple=True, callback=_ignored_kinds, metavar="LOẠI[,LOẠI]",
              help="Không báo các khác biệt thuộc loại này (xem danh sách ở trên; có thể lặp lại).")
@option("--junit", "junit_path", type=_EnglishPath(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Ghi kết quả dạng JUnit XML (mỗi tệp dữ liệu một testcase) cho hệ thống CI.")
@option("--json", "json_path", type=_EnglishPath(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Ghi kết quả dạng JSON.")
@option("--anh", "pictures_dir", type=_EnglishPath(file_okay=False, path_type=Path), metavar="THƯ_MỤC",
              help="Vẽ ảnh các trang đã đổi (tệp đối chiếu và văn bản mới cạnh nhau, vùng đổi đóng khung đỏ) và "
                   "trang THƯ_MỤC/index.html liệt kê mọi trường hợp; cần LibreOffice và pdftoppm (poppler-utils).")
def check_command(files, golden_dir: Path, update: bool, template_name, template_dirs, province, strict, ignore,
                  junit_path, json_path, pictures_dir):
    import shlex

    from cchc_docgen import batch
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.golden import check, report
    from cchc_docgen.templating.library import library_for

    try:
        inputs = check.unique_data_files(batch.expand_inputs(files, "để kiểm tra"))
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(check.EXIT_USAGE)
    absent = [path for path in inputs if not path.exists()]
    if absent:
        click.echo(f"Lỗi: không có tệp {absent[0]}", err=True)
        sys.exit(check.EXIT_USAGE)
    options = ["--golden", str(golden_dir)] + (["-t", template_name] if template_name else [])
    options += [arg for d in template_dirs for arg in ("--templates", str(d))]
    options += ["--tinh", province] if province else []
    update_command = shlex.join(["docgen", "check", *map(str, files), *options, "--update"])
    if not update and not golden_dir.is_dir():
        click.echo(f"Lỗi: chưa có thư mục tệp đối chiếu {golden_dir}; tạo các tệp đối chiếu bằng lệnh:\n"
                   f"  {update_command}", err=True)
        sys.exit(check.EXIT_CODES[check.MISSING])

    def run():
        results = check.run(inputs, golden_dir, library_for(template_dirs, province), template_name, update,
                            click.echo, update_command, strict, ignore, warn=lambda line: click.echo(line, err=True))
        if junit_path:
            report.write_junit(results, junit_path)
        if json_path:
            report.write_json(results, json_path)
        if pictures_dir:
            from cchc_docgen.golden import pictures

            for note in pictures.write_pictures(results, golden_dir, pictures_dir):
                click.echo(note, err=True)
            click.echo(f"Trang kết quả có ảnh: {pictures_dir / 'index.html'}", err=True)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            for line in report.github_annotations(results):
                click.echo(line)
        return check.exit_code(results)

    code = _guarded(run)
    sys.exit(code)


# --- authoring tools: validate, lint, new, schema ---------------------------------------------------------


@main.command("validate")
@argument("files", metavar="TỆP...", nargs=-1, required=True, type=_EnglishPath(path_type=Path))
@option("--strict", is_flag=True, help="Coi mọi cảnh báo là lỗi.")
@option("-t", "--template", "template_name", metavar="TÊN", help="Tên mẫu (ví dụ: quy). Mặc định: trường 'mau' trong dữ liệu.")
@_TEMPLATES_OPTION
@_PROVINCE_OPTION
@option("--sua-ma", "fix_encoding", is_flag=True,
              help="Chuyển chữ gõ bằng bảng mã cũ (TCVN3/ABC, VNI) trong tệp sang Unicode (ghi lại tệp), rồi kiểm tra.")
def validate_command(files, strict: bool, template_name, template_dirs, province, fix_encoding):
    """Kiểm tra các tệp dữ liệu TỆP mà không sinh văn bản: đúng mẫu dữ liệu, và số liệu không mâu thuẫn nhau.
    TỆP có thể là tệp, thư mục (mọi tệp .yaml trong đó) hoặc mẫu tên như 'du-lieu/*.yaml'.

    Báo từng lỗi và cảnh báo tại tệp:dòng:cột với tên trường: phần lớn hơn tổng (hồ sơ đã giải quyết, đúng
    hạn, trực tuyến, nhiệm vụ hoàn thành…), tổng ghi sẵn khác tổng các phần, tỷ lệ % viết trong bài khác tỷ lệ
    tính từ "x/y", ngày ngoài kỳ báo cáo, người ký "KT." không phải cấp phó, tỷ lệ trong Phụ lục vượt 100%.
    Mã thoát: 0 khi không có lỗi (cảnh báo vẫn được phép, trừ khi dùng --strict), 1 khi có lỗi, 2 khi dùng
    lệnh sai (thư mục không có tệp .yaml, mẫu tên không khớp tệp nào).
    """
    from cchc_docgen import batch
    from cchc_docgen.domain import checks
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.pipeline import Pipeline

    try:
        inputs = batch.expand_inputs(files, "để kiểm tra")
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(2)

    def run():
        pipeline = Pipeline(template_dirs, province)
        bad = False
        for data in inputs:
            if fix_encoding:
                from cchc_docgen.reading.validate import fix_legacy_text

                click.echo("\n".join(fix_legacy_text(data)))
            findings = pipeline.validate(data, template_name)
            for finding in findings:
                click.echo(str(finding))
            click.echo(f"{data}: {checks.summary(findings)}")
            bad = bad or checks.failed(findings, strict)
        return bad

    sys.exit(1 if _guarded(run) else 0)


@main.command("lint")
@argument("targets", nargs=-1, metavar="[MẪU]...")
@_TEMPLATES_OPTION
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Kiểm tra các mẫu như một đơn vị của tỉnh này sẽ dùng.")
def lint_command(targets, template_dirs, province):
    """Kiểm tra mẫu: tên mẫu (quy, ke-hoach…), đường dẫn tệp .md.j2 / .docx, thư mục (mọi tệp .md.j2 và .docx
    trong đó; thư mục mẫu có cau-hinh.yaml hoặc phu-luc/ thì như --templates THƯ_MỤC, kể cả cấu hình và biểu) hoặc
    mẫu tên như 'mau/*.md.j2'; không ghi gì: mọi mẫu.

    Báo lỗi cú pháp Jinja tại dòng của thẻ, khối chưa đóng, bộ lọc không có, biến không có trong dữ liệu; trong
    tệp bố cục .docx: đoạn văn hoặc ô bảng có thẻ hỏng (kèm chữ quanh thẻ), thẻ bị tách giữa các đoạn định dạng
    mà docxtpl không ghép được, biến không thuộc bố cục. Mã thoát: 0 khi không có lỗi, 1 khi có lỗi, 2 khi dùng
    lệnh sai (thư mục không có mẫu, mẫu tên không khớp tệp nào).
    """
    from cchc_docgen.authoring import lint
    from cchc_docgen.domain import checks
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.templating.library import builtin_templates_dir, library_for

    # A template folder named as a target (its cau-hinh.yaml, its phu-luc/) is also where its templates look for
    # their settings, as with --templates: a province's folder of settings and catalogs alone is linted whole.
    folders = [str(t) for t in targets if _template_folder(Path(t)) and str(t) not in template_dirs]
    named_folders = [Path(t) for t in targets if Path(t).is_dir()]
    template_dirs = (*template_dirs, *folders)
    try:
        targets = _lint_targets([t for t in targets if str(t) not in folders or _has_lintable(Path(t))])
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(2)

    def run():
        if targets or province or template_dirs:
            libraries = [library_for(template_dirs, province)]
        else:  # every built-in template: the national base and each province's overrides
            provinces = sorted(d.name for d in builtin_templates_dir().iterdir() if d.is_dir() and d.name != "quoc-gia")
            libraries = [library_for()] + [library_for((), p) for p in provinces]
        findings = lint.dedupe([f for library in libraries for f in lint.lint(library, targets)]
                               + lint.unread_files(named_folders, libraries[0].names))
        for finding in findings:
            click.echo(str(finding))
        names = sorted({n for library in libraries for n in library.names}) if not targets else list(targets)
        click.echo(f"Đã kiểm tra {', '.join(names)}: {checks.summary(findings)}")
        return checks.failed(findings)

    sys.exit(1 if _guarded(run) else 0)


TEMPLATE_SUFFIXES = (".md.j2", ".docx")


def _unread(folder: Path) -> bool:
    from cchc_docgen.authoring import lint

    return bool(lint.unread_files([folder]))


def _template_folder(path: Path) -> bool:
    from cchc_docgen.templating.library import SETTINGS_FILE

    return path.is_dir() and ((path / SETTINGS_FILE).is_file() or (path / "phu-luc").is_dir())


def _has_lintable(folder: Path) -> bool:
    return any(_lintable(p) for p in folder.iterdir())


def _lintable(path: Path) -> bool:
    """A template file a folder or pattern stands for. A part "_x.md.j2" is left out: it reads variables its
    including template sets, so it is linted through that template (named by its own path, it still is linted).
    So is "~$x.docx", the lock file Word keeps beside a document it has open (an author linting a form while
    editing it in Word), as the forms list leaves it out, and a file whose name no template can have ("Báo cáo
    tháng.docx": lint.unread_files says what to rename it)."""
    from cchc_docgen.templating.library import DEFAULT_LAYOUT, TEMPLATE_NAME

    name = path.name
    if not path.is_file() or not name.endswith(TEMPLATE_SUFFIXES) or name.startswith(("_", "~$")):
        return False
    stem = name[: -len(next(s for s in TEMPLATE_SUFFIXES if name.endswith(s)))]
    return name == DEFAULT_LAYOUT or bool(TEMPLATE_NAME.match(stem))


def _lint_targets(targets) -> list[str]:
    """Template names and files as given; a folder stands for its template files, a pattern not naming an
    existing file for the files it matches (as render and check take data files)."""
    import glob

    from cchc_docgen.errors import DocgenError

    out: list[str] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if _lintable(p))
            if not found and not _unread(path):  # (files meant as templates but misnamed: said by lint)
                raise DocgenError(f"không có tệp mẫu (.md.j2, .docx) nào trong thư mục {path}")
            out.extend(found)
        elif not path.exists() and glob.has_magic(target):
            found = sorted(p for p in glob.glob(target, recursive=True) if _lintable(Path(p)))
            if not found:
                raise DocgenError(f"không có tệp mẫu nào khớp mẫu tên '{target}'")
            out.extend(found)
        else:
            out.append(target)
    return out


@main.command("new")
@option("-t", "--template", "template_name", metavar="TÊN",
              help="Tên mẫu (ví dụ: quy, ke-hoach). Với --tu: mặc định là mẫu của kỳ tiếp theo.")
@option("--tu", "last_period", type=_EnglishPath(dir_okay=False, path_type=Path), metavar="KỲ_TRƯỚC.yaml",
              help="Lập khung cho kỳ tiếp theo từ tệp dữ liệu của kỳ trước: giữ đơn vị, người ký, nơi gửi, nơi nhận "
                   "và dàn ý; số liệu và lời văn kỳ trước để ở chú thích.")
@option("-o", "--output", type=_EnglishPath(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Ghi khung vào TỆP (tệp mới) thay vì in ra. Nên dùng trên Windows: PowerShell đổi mã chữ của "
                   "những gì chuyển hướng bằng '>'.")
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Tỉnh của đơn vị: dùng mẫu và biểu phụ lục của tỉnh.")
@_TEMPLATES_OPTION
@option("--nam", "year", type=click.IntRange(2000, 2100), metavar="NĂM", help="Năm của kỳ báo cáo. Mặc định: năm nay (báo cáo quý: quý hiện tại; năm khác: quý I).")
def new_command(template_name, last_period, output, province, template_dirs, year):
    """In ra khung tệp dữ liệu YAML cho mẫu TÊN, mỗi trường có chú thích tiếng Việt.

    Khung kiểm tra và sinh văn bản được ngay (chỗ chưa điền in ra để trống). Ví dụ:
    docgen new -t quy --tinh "Hà Tĩnh" > bao-cao-quy.yaml
    docgen new --tu bao-cao-quy-3.yaml -o bao-cao-quy-4.yaml
    """
    from cchc_docgen.authoring import scaffold
    from cchc_docgen.templating.library import library_for

    if last_period is None and not template_name:
        raise click.UsageError("cần -t TÊN_MẪU, hoặc --tu TỆP_KỲ_TRƯỚC.yaml để lập khung từ kỳ trước")
    if last_period is not None and year is not None:
        raise click.UsageError("--nam không dùng cùng --tu: năm của kỳ mới tính từ kỳ trước")
    if last_period is not None:
        made = lambda: scaffold.next_skeleton(library_for(template_dirs, province), last_period, template_name)  # noqa: E731
    else:
        made = lambda: scaffold.skeleton(library_for(template_dirs, province), template_name, province, year)  # noqa: E731
    if output is None:
        click.echo(_guarded(made), nl=False)
        return

    def write():
        from cchc_docgen.errors import DocgenError
        from cchc_docgen.output import write_output

        # A data file is the officer's work: a skeleton never replaces one (last period's least of all).
        if output.exists():
            raise DocgenError(f"tệp {output} đã có; docgen new không ghi đè tệp: chọn tên khác")
        write_output(output, made().encode("utf-8"))
        return f"Đã tạo {output}. Kiểm tra: docgen validate {output}"

    click.echo(_guarded(write))


@main.command("schema")
@option("-t", "--template", "template_name", metavar="TÊN", help="Chỉ giữ các mục nội dung (noi_dung) mẫu này dùng.")
@option("--tinh", "province", metavar="TỈNH", callback=_known_province,
              help="Dùng mẫu của tỉnh này.")
@_TEMPLATES_OPTION
def schema_command(template_name, province, template_dirs):
    """In ra JSON Schema của tệp dữ liệu (để trình soạn thảo gợi ý và kiểm tra khi gõ; xem README)."""
    import json

    from cchc_docgen.authoring import scaffold
    from cchc_docgen.templating.library import library_for

    def run():
        library = library_for(template_dirs, province)
        if template_name:
            template = library.get(template_name)
            schema = scaffold.narrowed_schema(scaffold.template_usage(template), template.schema)
        else:
            schema = scaffold.narrowed_schema(None, library.schema())
        return json.dumps(schema, ensure_ascii=False, indent=1)

    click.echo(_guarded(run))


if __name__ == "__main__":
    main()
