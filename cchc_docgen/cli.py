"""`docgen` command line. Messages in Vietnamese; exit codes: 0 ok, 1 data/template error, 2 usage error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cchc_docgen import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="docgen %(version)s")
def main():
    """Sinh văn bản hành chính (báo cáo cải cách hành chính…) theo Nghị định 30/2020/NĐ-CP từ dữ liệu YAML."""


@main.command("render")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-t", "--template", "template_name", metavar="TÊN", help="Tên mẫu (ví dụ: quy). Mặc định: trường 'mau' trong dữ liệu.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="TỆP",
              help="Tệp kết quả. Mặc định: tên tệp dữ liệu với đuôi của định dạng, trong thư mục hiện tại.")
@click.option("-f", "--format", "fmt", type=click.Choice(["docx", "md"]), default="docx", show_default=True,
              help="Định dạng kết quả.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              metavar="THƯ_MỤC", help="Thư mục mẫu riêng, được ưu tiên trước mẫu có sẵn (có thể lặp lại).")
@click.option("--tinh", "province", metavar="TỈNH", help="Dùng mẫu của tỉnh này (mặc định: trường 'tinh' trong dữ liệu).")
def render_command(data: Path, template_name, output: Path | None, fmt: str, template_dirs, province):
    """Sinh văn bản từ tệp dữ liệu DATA (YAML)."""
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.pipeline import render, write_atomically
    from cchc_docgen.templates import library_for

    output = output or Path.cwd() / f"{data.stem}.{fmt}"
    try:
        if output.resolve() == data.resolve():
            raise DocgenError(f"tệp kết quả trùng với tệp dữ liệu: {output}")
        result = render(data, library_for(template_dirs, province), template_name, fmt)
        write_atomically(output, result.content)
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}" if "\n" not in str(exc) else f"Lỗi:\n{exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug of ours: say so plainly; DOCGEN_DEBUG=1 shows the traceback
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        click.echo(f"Lỗi nội bộ của docgen ({type(exc).__name__}: {exc}). Đặt DOCGEN_DEBUG=1 để xem chi tiết "
                   "và báo lỗi cho nhóm phát triển.", err=True)
        sys.exit(1)
    notes = len(result.document.notes())
    click.echo(f"Đã tạo {output} (mẫu {result.template_name}, {notes} chú thích).")


@main.command("templates")
@click.option("--tinh", "province", metavar="TỈNH", help="Xem các mẫu như một đơn vị của tỉnh này sẽ dùng.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              metavar="THƯ_MỤC", help="Thư mục mẫu riêng, được ưu tiên trước mẫu có sẵn (có thể lặp lại).")
def templates_command(province, template_dirs):
    """Liệt kê các mẫu và nơi lấy từng phần của mỗi mẫu (nội dung, bố cục, biểu phụ lục, thiết lập)."""
    from cchc_docgen.errors import DocgenError
    from cchc_docgen.templates import describe_templates, library_for

    try:
        click.echo(describe_templates(library_for(template_dirs, province)))
    except DocgenError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
