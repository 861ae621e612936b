"""`docgen xem`: a preview of the report in the browser while the officer writes its YAML.

A small web server on the loopback address only (127.0.0.1: nothing outside this computer can reach it, and a
page elsewhere cannot reach it through another host name: the Host header must name the loopback) serves the
report as the HTML writer makes it, with the validate findings listed beside it, each linking to its line in the
editor. A thread watches the data file and every template file the report can use; on a change the report is
rendered again and the page, which asks for the version every 0.7 s, reloads itself. While the file is broken the
page shows the located errors instead of the document. Ctrl-C (or SIGTERM) stops the server.
"""

from __future__ import annotations

import os
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cchc_docgen.domain import checks
from cchc_docgen.errors import DocgenError

HOST = "127.0.0.1"
POLL_SECONDS = 0.5  # how often the files are looked at
SIDEBAR_STYLE = """
<style>
body { margin-right: 112mm; }
aside.xem { position: fixed; top: 0; right: 0; bottom: 0; width: 105mm; overflow: auto; box-sizing: border-box;
  padding: 6mm 5mm; background: #fafafa; border-left: 1px solid #bbb; font: 11pt/1.35 system-ui, sans-serif; }
aside.xem h2 { font-size: 12pt; margin: 0 0 3mm; }
aside.xem ol { margin: 0; padding-left: 5mm; }
aside.xem li { margin: 0 0 3mm; }
aside.xem .loi { color: #a00; }
aside.xem .canh-bao { color: #8a5a00; }
aside.xem a { color: inherit; text-decoration: underline; }
aside.xem pre { margin: 1mm 0 0; padding: 1mm 2mm; background: #eee; white-space: pre-wrap; font-size: 10pt; }
aside.xem .tep { color: #555; font-size: 10pt; margin-bottom: 3mm; word-break: break-all; }
main.hong { max-width: 190mm; margin: 0 auto; padding: 12mm; background: #fff; font: 12pt/1.4 system-ui, sans-serif; }
@media print { aside.xem { display: none; } body { margin-right: 0; } }
</style>
"""
# The page asks for the version; a new one (the files changed, the report was made again) reloads it.
RELOAD_SCRIPT = """<script>
(function () {
  var shown = "%s";
  setInterval(function () {
    fetch("/phien-ban", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (v) { if (v !== shown) { location.reload(); } }).catch(function () {});
  }, 700);
})();
</script>
"""


class Preview:
    """The report of one data file, made again whenever the data file or a template changes."""

    def __init__(self, data: Path, template_name=None, template_dirs=(), province=None):
        self.data = Path(data)
        self.template_name = template_name
        self.template_dirs = tuple(template_dirs)
        self.province = province
        self.version = 0
        self.page = b""
        self.lock = threading.Lock()
        self.seen = None

    def pipeline(self):
        # A fresh library each time: a template the officer just saved is read again (compiled code is cached by
        # its content, so an unchanged template costs nothing).
        from cchc_docgen.pipeline import Pipeline
        from cchc_docgen.templating.library import TemplateLibrary

        return Pipeline(library=TemplateLibrary(self.template_dirs, self.province))

    def watched_files(self, pipeline) -> list[Path]:
        files = [self.data]
        for root in pipeline.library.search_path:
            files.extend(p for p in Path(root).rglob("*") if p.is_file())
        return files

    def signature(self, files) -> tuple:
        marks = []
        for path in files:
            try:
                info = os.stat(path)
                marks.append((str(path), info.st_mtime_ns, info.st_size))
            except OSError:
                marks.append((str(path), None, None))
        return tuple(marks)

    def refresh(self) -> bool:
        """Make the page again if a watched file changed (or on the first call); whether it did."""
        pipeline = self.pipeline()
        files = self.watched_files(pipeline)
        mark = self.signature(files)
        if mark == self.seen:
            return False
        page = self.make_page(pipeline)
        with self.lock:
            self.seen = mark
            self.version += 1
            self.page = page.replace(b"%VERSION%", str(self.version).encode())
        return True

    def make_page(self, pipeline) -> bytes:
        findings = pipeline.validate(self.data, self.template_name)
        if checks.failed(findings):
            return self.broken_page(findings)
        try:
            result = pipeline.render(self.data, self.template_name, "html")
        except DocgenError as exc:
            return self.broken_page(checks.from_error(exc, str(self.data)))
        sidebar = self.sidebar(findings, "Kiểm tra số liệu")
        return result.content.replace(b"</head>", SIDEBAR_STYLE.encode() + b"</head>", 1).replace(
            b"</body>", (sidebar + RELOAD_SCRIPT % "%VERSION%").encode() + b"</body>", 1)

    def broken_page(self, findings) -> bytes:
        listed = self.sidebar(findings, "Tệp dữ liệu đang có lỗi")
        body = ('<main class="hong"><h1>Chưa sinh được văn bản</h1><p>Sửa các lỗi bên cạnh rồi lưu tệp: trang tự '
                'cập nhật.</p></main>')
        return ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>Lỗi: '
                f"{escape(self.data.name)}</title>{SIDEBAR_STYLE}</head><body>{body}{listed}"
                f"{RELOAD_SCRIPT % '%VERSION%'}</body></html>\n").encode("utf-8")

    def sidebar(self, findings, title: str) -> str:
        items = []
        lines = self.data_lines()
        for finding in findings:
            where = finding.location
            kind = "loi" if finding.level == checks.ERROR else "canh-bao"
            text = escape(str(finding))
            if where is not None and where.line:
                place = str(where)
                full = Path(where.file).resolve().as_posix()  # "/home/…" or "C:/Users/…"
                link = f"vscode://file{'' if full.startswith('/') else '/'}{full}:{where.line}:{where.column or 1}"
                text = text.replace(escape(place), f'<a href="{escape(link)}" title="Mở dòng này trong VS Code">'
                                                    f"{escape(place)}</a>", 1)
                if Path(where.file).resolve() == self.data.resolve() and 0 < where.line <= len(lines):
                    text += f"<pre>{escape(lines[where.line - 1])}</pre>"
            items.append(f'<li class="{kind}">{text}</li>')
        summary = escape(checks.summary(findings))
        listed = f"<ol>{''.join(items)}</ol>" if items else ""
        return (f'<aside class="xem"><h2>{escape(title)}: {summary}</h2>'
                f'<div class="tep">{escape(str(self.data))}</div>{listed}</aside>')

    def data_lines(self) -> list[str]:
        try:
            return self.data.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []

    def watch(self, stop: threading.Event) -> None:
        while not stop.wait(POLL_SECONDS):
            try:
                self.refresh()
            except Exception as exc:  # a bug of ours must not end the watching: say it on the page
                with self.lock:
                    self.version += 1
                    self.page = (f'<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><body><p>Lỗi nội bộ của '
                                 f"docgen ({escape(type(exc).__name__)}: {escape(str(exc))})</p>"
                                 f"{RELOAD_SCRIPT % self.version}</body></html>").encode("utf-8")


def _handler(preview: Preview, allowed_hosts: set[str]):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            # A page of another site may point a host name of its own at 127.0.0.1: only our own names pass.
            if self.headers.get("Host", "") not in allowed_hosts:
                return self.send(403, "text/plain", "Chỉ xem được từ chính máy này (127.0.0.1).".encode("utf-8"))
            with preview.lock:
                page, version = preview.page, preview.version
            if self.path in ("/", "/index.html"):
                return self.send(200, "text/html", page)
            if self.path == "/phien-ban":
                return self.send(200, "text/plain", str(version).encode())
            return self.send(404, "text/plain", "Không có trang này.".encode("utf-8"))

        def send(self, status: int, kind: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 (http.server's name): no line per request
            pass

    return Handler


def serve(preview: Preview, port: int, say, open_browser: bool) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt, which the CLI also makes of SIGTERM)."""
    preview.refresh()
    try:
        server = ThreadingHTTPServer((HOST, port), None)
    except OSError as exc:
        raise DocgenError(f"không mở được cổng {port} trên {HOST} ({exc.strerror or exc}): cổng đang được dùng? "
                          "chọn cổng khác bằng --cong, hoặc --cong 0 để lấy một cổng còn trống") from None
    port = server.server_address[1]
    server.RequestHandlerClass = _handler(preview, {f"{HOST}:{port}", f"localhost:{port}"})
    server.daemon_threads = True
    url = f"http://{HOST}:{port}/"
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), name="docgen-xem", daemon=True)
    watcher.start()
    try:  # from the announcement on: a Ctrl-C the moment it is read (before serving starts) stops cleanly too
        say(f"Đang xem trước {preview.data} tại {url} (tự cập nhật khi lưu tệp dữ liệu hoặc mẫu). Ctrl-C để dừng.")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    say("Đã dừng xem trước.")
