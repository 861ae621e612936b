"""Pictures of what changed: `docgen check … --anh DIR`.

For each case whose document differs from its golden, both are laid out by LibreOffice (the PDF writer's
conversion, one LibreOffice start for all of them) and drawn page by page with poppler's pdftoppm; each page that
changed is written as the golden's page and the new page side by side, the changed areas framed in red, and one
page, DIR/index.html, lists every case with its text differences and those pictures: the artifact a reviewer
opens from CI. The framing is computed here, on the pixels (no imaging library): the rows where the two pages
differ, grouped into bands, each band framed from its first to its last differing column.

Without LibreOffice or pdftoppm the page still lists every case with its text differences, and says what to
install for the pictures.
"""

from __future__ import annotations

import html
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from cchc_docgen.errors import DocgenError
from cchc_docgen.output import write_atomically

RESOLUTION = 60  # dots per inch: an A4 page is 496 × 702 pixels, enough to see which paragraph moved
BAND_GAP = 6  # rows alike between two changed rows that still frame them as one area
MARGIN = 3  # pixels around a changed area, so that a changed digit is framed, not covered
INSTALL_POPPLER = ("cần chương trình pdftoppm (gói poppler-utils) để vẽ ảnh trang: cài bằng "
                   "'apt-get install poppler-utils' (Linux) hoặc 'brew install poppler' (macOS)")


class Page:
    """One page drawn by pdftoppm: width × height pixels, 3 bytes (RGB) each, row after row."""

    __slots__ = ("width", "height", "pixels")

    def __init__(self, width: int, height: int, pixels: bytes):
        self.width, self.height, self.pixels = width, height, pixels

    def row(self, y: int) -> bytes:
        stride = self.width * 3
        return self.pixels[y * stride:(y + 1) * stride]

    def png(self) -> bytes:
        """The page as a PNG file (RGB, 8 bits, filter 0 on every row)."""
        stride = self.width * 3
        raw = b"".join(b"\x00" + self.pixels[y * stride:(y + 1) * stride] for y in range(self.height))

        def chunk(tag: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
                + chunk(b"IEND", b""))


def read_ppm(data: bytes) -> Page:
    """A binary PPM (P6, maxval 255), as pdftoppm writes it."""
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace() or data[position:position + 1] == b"#":
            if data[position:position + 1] == b"#":  # a comment, to the end of its line
                position = data.index(b"\n", position)
            position += 1
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("not a P6 picture with 8-bit samples")
    width, height = int(fields[1]), int(fields[2])
    start = position + 1
    return Page(width, height, data[start:start + width * height * 3])


def changed_areas(old: Page, new: Page) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) in pixels of the areas where the pages differ, over the size both share;
    a difference of size is the whole page."""
    if (old.width, old.height) != (new.width, new.height):
        return [(0, 0, max(old.width, new.width), max(old.height, new.height))]
    bands: list[list[int]] = []  # [top, bottom, left, right]
    for y in range(old.height):
        a, b = old.row(y), new.row(y)
        if a == b:
            continue
        left = _first_difference(a, b) // 3
        right = (len(a) - _first_difference(a[::-1], b[::-1])) // 3
        if bands and y - bands[-1][1] <= BAND_GAP:
            band = bands[-1]
            band[1], band[2], band[3] = y + 1, min(band[2], left), max(band[3], right)
        else:
            bands.append([y, y + 1, left, right])
    return [(max(0, left - MARGIN), max(0, top - MARGIN), min(old.width, right + MARGIN), min(old.height, bottom + MARGIN))
            for top, bottom, left, right in bands]


def _first_difference(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    while high - low > 64:  # halve the span that holds the first difference; rows are equal up to `low`
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    for i in range(low, high):
        if a[i] != b[i]:
            return i
    return high


def draw_pages(pdf: bytes, pdftoppm: str) -> list[Page]:
    with tempfile.TemporaryDirectory(prefix="docgen-anh-") as folder:
        source = Path(folder) / "van-ban.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-r", str(RESOLUTION), str(source), str(Path(folder) / "trang")],
                       check=True, capture_output=True, timeout=120)
        # pdftoppm numbers pages with as many digits as the last page needs: sort by the number itself
        pages = sorted(Path(folder).glob("trang-*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [read_ppm(path.read_bytes()) for path in pages]


def write_pictures(results, golden_dir: Path, folder: Path) -> list[str]:
    """Pictures of every changed case and DIR/index.html; returns the notes to print (what could not be drawn)."""
    from cchc_docgen.golden.check import DIFFERENT

    folder.mkdir(parents=True, exist_ok=True)
    changed = [r for r in results if r.status == DIFFERENT and r.new_docx is not None
               and (golden_dir / f"{r.data.stem}.docx").is_file()]
    notes: list[str] = []
    pictures: dict[Path, list[tuple]] = {}
    if changed:
        pictures, notes = _draw(changed, golden_dir, folder)
    write_atomically(folder / "index.html", _index(results, pictures, notes).encode("utf-8"))
    return notes


def _draw(changed, golden_dir: Path, folder: Path):
    from cchc_docgen.writers import pdf as pdf_writer

    pdftoppm = shutil.which("pdftoppm")
    try:
        pdf_writer.find_soffice()
    except DocgenError as exc:
        return {}, [f"không vẽ được ảnh trang: {exc}; chỉ có so sánh chữ"]
    if pdftoppm is None:
        return {}, [f"không vẽ được ảnh trang: {INSTALL_POPPLER}; chỉ có so sánh chữ"]
    documents = []
    for result in changed:
        documents += [(golden_dir / f"{result.data.stem}.docx").read_bytes(), result.new_docx]
    converted = pdf_writer.convert(documents)
    pictures, notes = {}, []
    for index, result in enumerate(changed):
        old_pdf, new_pdf = converted[2 * index], converted[2 * index + 1]
        if isinstance(old_pdf, DocgenError) or isinstance(new_pdf, DocgenError):
            failure = old_pdf if isinstance(old_pdf, DocgenError) else new_pdf
            notes.append(f"{result.data}: không vẽ được ảnh trang: {failure}")
            continue
        try:
            old_pages, new_pages = draw_pages(old_pdf, pdftoppm), draw_pages(new_pdf, pdftoppm)
        except (subprocess.SubprocessError, OSError, ValueError) as exc:
            notes.append(f"{result.data}: không vẽ được ảnh trang ({exc})")
            continue
        pictures[result.data] = _pages_that_changed(result.data.stem, old_pages, new_pages, folder)
    return pictures, notes


def _pages_that_changed(stem: str, old_pages: list[Page], new_pages: list[Page], folder: Path):
    """(page number, old picture's file name or None, new one's or None, framed areas, width, height) of each
    changed page."""
    out = []
    for number in range(1, max(len(old_pages), len(new_pages)) + 1):
        old = old_pages[number - 1] if number <= len(old_pages) else None
        new = new_pages[number - 1] if number <= len(new_pages) else None
        if old is not None and new is not None:
            if old.pixels == new.pixels:
                continue
            areas = changed_areas(old, new)
        else:
            page = old or new
            areas = [(0, 0, page.width, page.height)]
        names = []
        for side, page in (("cu", old), ("moi", new)):
            if page is None:
                names.append(None)
                continue
            name = f"{stem}-trang-{number}-{side}.png"
            write_atomically(folder / name, page.png())
            names.append(name)
        out.append((number, names[0], names[1], areas, (old or new).width, (old or new).height))
    return out


_STYLE = """
body { font-family: "Times New Roman", serif; margin: 1.5em; background: #f4f4f4; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
.trang-thai { font-weight: bold; } .khac, .loi, .thieu { color: #b00; } .khop { color: #070; }
pre { font-family: "Times New Roman", serif; background: #fff; border: 1px solid #ccc; padding: .6em; white-space: pre-wrap; font-size: .85em; }
.cap { display: flex; gap: 1.5em; align-items: flex-start; margin: 1em 0; }
figure { margin: 0; } figcaption { font-size: .9em; margin-bottom: .3em; }
.trang { position: relative; border: 1px solid #999; background: #fff; }
.trang img { display: block; }
.vung { position: absolute; border: 2px solid #e00; background: rgba(255, 0, 0, .08); box-sizing: border-box; }
"""


def _index(results, pictures: dict, notes: list[str]) -> str:
    from cchc_docgen.golden.check import DIFFERENT, ERROR, MATCH, MISSING, STATUS_TEXT

    css_class = {MATCH: "khop", DIFFERENT: "khac", ERROR: "loi", MISSING: "thieu"}
    parts = ["<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
             "<title>docgen check: kết quả so sánh</title>", f"<style>{_STYLE}</style></head><body>",
             "<h1>docgen check: kết quả so sánh với tệp đối chiếu</h1>"]
    counts: dict[str, int] = {}
    for result in results:
        counts[STATUS_TEXT[result.status]] = counts.get(STATUS_TEXT[result.status], 0) + 1
    parts.append("<p>" + html.escape(", ".join(f"{n} {status}" for status, n in counts.items())) + "</p>")
    parts += [f"<p class=\"loi\">{html.escape(note)}</p>" for note in notes]
    for result in results:
        status = STATUS_TEXT[result.status]
        parts.append(f"<h2>{html.escape(str(result.data))}: <span class=\"trang-thai "
                     f"{css_class.get(result.status, '')}\">{html.escape(status)}</span></h2>")
        if result.lines:
            parts.append("<pre>" + html.escape("\n".join(result.lines)) + "</pre>")
        for number, old_name, new_name, areas, width, height in pictures.get(result.data, []):
            parts.append(f"<p>Trang {number}:</p><div class=\"cap\">")
            for caption, name in (("Tệp đối chiếu", old_name), ("Văn bản mới", new_name)):
                if name is None:
                    parts.append(f"<figure><figcaption>{caption}: không có trang này</figcaption></figure>")
                    continue
                boxes = "".join(
                    f'<div class="vung" style="left:{left}px;top:{top}px;width:{right - left}px;'
                    f'height:{bottom - top}px"></div>' for left, top, right, bottom in areas)
                parts.append(f"<figure><figcaption>{caption}</figcaption><div class=\"trang\" style=\"width:{width}px;"
                             f"height:{height}px\"><img src=\"{html.escape(name)}\" width=\"{width}\" "
                             f"height=\"{height}\" alt=\"{caption}, trang {number}\">{boxes}</div></figure>")
            parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
