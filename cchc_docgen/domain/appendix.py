"""Phụ lục biểu số liệu: an indicator catalog (YAML, per province) plus the ward's values → an appendix table.

A catalog (`phu-luc/<bieu>.yaml` along the template search path) describes the statistical table of a report:

    tieu_de: Báo cáo nội dung triển khai công tác cải cách hành chính
    huong: ngang                     # landscape page (default: doc, portrait)
    chi_tieu:                        # indicators, nested; STT is numbered I / 1 / 1.1 / 1.1.1 from the nesting
      - ma: chi_dao                  # the id the ward gives values by
        ten: Công tác chỉ đạo, điều hành
        con:
          - ma: ty_le_ke_hoach
            ten: Tỷ lệ hoàn thành Kế hoạch CCHC năm
            giai_thich: Lũy kế đến thời điểm báo cáo      # printed in italics after the name
            don_vi: "%"
            ty_le: [nhiem_vu_hoan_thanh, nhiem_vu_de_ra]  # derived: a ratio of two rows, in %
            con:
              - {ma: nhiem_vu_de_ra, ten: Số nhiệm vụ đề ra, don_vi: Nhiệm vụ}
              - {ma: nhiem_vu_hoan_thanh, ten: Số nhiệm vụ đã hoàn thành, don_vi: Nhiệm vụ}
          - ma: tong_nhiem_vu_giao
            ten: Tổng số nhiệm vụ được giao
            tong: con                                     # derived: the sum of its children
            con:
              - {ma: nv_tinh_giao, ten: Nhiệm vụ UBND tỉnh giao, phu: true}   # a sub-row: italic, no STT

Derived rows are computed, never typed: a value given for one is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cchc_docgen.composing.header import so_ky_hieu
from cchc_docgen.composing.inline import InlineError, parse_inline
from cchc_docgen.domain import formatting as fmt
from cchc_docgen.errors import DataError, ErrorList, TemplateError
from cchc_docgen.model import Appendix, Cell, Table, Text
from cchc_docgen.reading import loader

CATALOG_FOLDER = "phu-luc"
HEADER = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
WIDTHS = [1.1, 6.4, 1.8, 1.6, 2.8]
_ROW_KEYS = {"ma", "ten", "giai_thich", "don_vi", "ty_le", "tong", "phu", "con"}


@dataclass
class Indicator:
    id: str
    name: str
    depth: int
    unit: str = ""
    explanation: str = ""
    ratio: tuple[str, str] | None = None
    sums_children: bool = False
    sub_row: bool = False
    children: list["Indicator"] = field(default_factory=list)

    @property
    def derived(self) -> bool:
        return self.ratio is not None or self.sums_children


@dataclass
class Catalog:
    name: str
    path: str
    title: str
    landscape: bool
    roots: list[Indicator]
    by_id: dict[str, Indicator]

    def inputs(self, indicator: Indicator) -> list[Indicator]:
        """The rows a derived row is computed from (none for a row the ward fills in)."""
        if indicator.sums_children:
            return indicator.children
        if indicator.ratio:
            return [self.by_id[i] for i in indicator.ratio]
        return []


def _catalog_error(loaded, path, message) -> TemplateError:
    return TemplateError(message, loaded.location(path), path)


def load_catalog(name: str, file_path) -> Catalog:
    """Read and check a catalog file; errors name the catalog file, line and field."""
    loaded = loader.load(file_path)
    data = loaded.data
    if not isinstance(data.get("chi_tieu"), list) or not data["chi_tieu"]:
        raise _catalog_error(loaded, ("chi_tieu",), "danh mục chỉ tiêu cần danh sách 'chi_tieu'")
    by_id: dict[str, Indicator] = {}
    paths: dict[str, tuple] = {}  # where each row is written, for the messages about its formula

    def build(items, path, depth) -> list[Indicator]:
        out = []
        for i, spec in enumerate(items):
            here = path + (i,)
            if not isinstance(spec, dict) or not isinstance(spec.get("ma"), str) or not isinstance(spec.get("ten"), str):
                raise _catalog_error(loaded, here, "mỗi chỉ tiêu cần 'ma' và 'ten' là chuỗi")
            unknown = set(spec) - _ROW_KEYS
            if unknown:
                raise _catalog_error(loaded, here + (sorted(unknown)[0],),
                                     f"trường không có trong danh mục chỉ tiêu; được phép: {', '.join(sorted(_ROW_KEYS))}")
            if spec["ma"] in by_id:
                raise _catalog_error(loaded, here + ("ma",), f"mã chỉ tiêu '{spec['ma']}' bị trùng")
            ratio = spec.get("ty_le")
            if ratio is not None and not (isinstance(ratio, list) and len(ratio) == 2 and all(isinstance(r, str) for r in ratio)):
                raise _catalog_error(loaded, here + ("ty_le",), "ty_le cần hai mã chỉ tiêu: [tử số, mẫu số]")
            if spec.get("tong") not in (None, "con"):
                raise _catalog_error(loaded, here + ("tong",), "tong chỉ nhận giá trị 'con' (tổng các chỉ tiêu con)")
            indicator = Indicator(spec["ma"], spec["ten"], depth, str(spec.get("don_vi", "")), str(spec.get("giai_thich", "")),
                                  tuple(ratio) if ratio else None, spec.get("tong") == "con", bool(spec.get("phu")))
            by_id[indicator.id] = indicator
            paths[indicator.id] = here
            indicator.children = build(spec.get("con") or [], here + ("con",), depth + 1)
            if indicator.sums_children and not indicator.children:
                raise _catalog_error(loaded, here + ("tong",), "chỉ tiêu tính tổng cần có chỉ tiêu con")
            out.append(indicator)
        return out

    roots = build(data["chi_tieu"], ("chi_tieu",), 0)
    for indicator in by_id.values():
        for k, ref in enumerate(indicator.ratio or ()):
            if ref not in by_id:
                raise _catalog_error(loaded, paths[indicator.id] + ("ty_le", k),
                                     f"danh mục '{name}': chỉ tiêu '{indicator.id}' tính tỷ lệ từ mã không có: '{ref}'")
    catalog = Catalog(name, str(file_path), str(data.get("tieu_de", "")), data.get("huong") == "ngang", roots, by_id)
    cycle = _find_cycle(catalog)
    if cycle:
        first = cycle[0]
        raise _catalog_error(loaded, paths[first.id] + ("tong" if first.sums_children else "ty_le",),
                             f"danh mục '{name}': công thức tính vòng {' → '.join(repr(i.id) for i in cycle)} "
                             "(dòng trước tính từ dòng sau); sửa ty_le hoặc tong để không dòng nào được tính từ "
                             "chính nó")
    return catalog


def _find_cycle(catalog: Catalog) -> list[Indicator] | None:
    """A chain of derived rows that leads back to its first row ([a, b, a]), or None.

    Depth-first with an explicit stack: a valid catalog may chain thousands of rows, deeper than Python recursion.
    """
    done: set[str] = set()
    for start in catalog.by_id.values():
        if start.id in done:
            continue
        path, pending, on_path = [start], [iter(catalog.inputs(start))], {start.id}
        while path:
            following = next(pending[-1], None)
            if following is None:
                on_path.discard(path[-1].id)
                done.add(path.pop().id)
                pending.pop()
            elif following.id in on_path:
                return path[[i.id for i in path].index(following.id):] + [following]
            elif following.id not in done:
                path.append(following)
                pending.append(iter(catalog.inputs(following)))
                on_path.add(following.id)
    return None


class FigureValues:
    """The ward's values with derived rows computed on demand (load_catalog has refused cycles)."""

    def __init__(self, catalog: Catalog, given: dict, context_path):
        self.catalog = catalog
        self.given = given
        self.path = context_path
        self.cache: dict[str, object] = {}

    def value(self, indicator: Indicator):
        if indicator.id in self.cache:
            return self.cache[indicator.id]
        # The rows it is computed from first, with an explicit stack rather than recursion: a catalog may chain
        # a ratio of a ratio of … thousands of rows deep.
        stack = [indicator]
        while stack:
            current = stack[-1]
            if current.id in self.cache:  # reached twice (two rows share an input)
                stack.pop()
                continue
            missing = [i for i in self.catalog.inputs(current) if i.id not in self.cache]
            if missing:
                stack.extend(missing)
            else:
                self.cache[stack.pop().id] = self._compute(current)
        return self.cache[indicator.id]

    def _compute(self, indicator: Indicator):
        """The value of one row whose inputs are all in the cache."""
        if indicator.sums_children:
            known = [p for p in (self.number(child) for child in indicator.children) if p is not None]
            return sum(known) if known else None
        if indicator.ratio:
            part, whole = (self.number(self.catalog.by_id[i]) for i in indicator.ratio)
            return None if part is None or not whole else fmt.percent_value(part, whole)
        return self.given.get(indicator.id)

    def number(self, indicator: Indicator):
        value = self.value(indicator)
        if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return value
        path = self.path + ("so_lieu", indicator.id)
        raise DataError(f"chỉ tiêu '{indicator.id}' được dùng để tính dòng khác nên phải là số (đang là '{value}')",
                        path=path)


def display_value(value, indicator: Indicator) -> str:
    if value is None:
        return ""
    if indicator.ratio:
        return fmt.format_percent(value, 100).rstrip("%")  # the unit column already says "%"
    if isinstance(value, str):
        return value
    return fmt.format_number(value)


def _stt(depth: int, counters: list[int]) -> str:
    if depth == 0:
        return fmt.to_roman(counters[0])
    return ".".join(str(c) for c in counters[1:depth + 1])


def numbered_rows(catalog: Catalog) -> list[tuple[Indicator, str]]:
    """The catalog's rows in print order with their STT (I / 1 / 1.1 from the nesting; "" for a sub-row): the
    Phụ lục table, its workbook and the reading of a filled workbook all number the rows alike."""
    rows: list[tuple[Indicator, str]] = []
    counters = [0] * 8
    pending = list(reversed(catalog.roots))
    while pending:  # depth first without recursion: a catalog may nest deeply
        indicator = pending.pop()
        if indicator.sub_row:
            stt = ""
        else:
            counters[indicator.depth] += 1
            for deeper in range(indicator.depth + 1, len(counters)):
                counters[deeper] = 0
            stt = _stt(indicator.depth, counters)
        rows.append((indicator, stt))
        pending.extend(reversed(indicator.children))
    return rows


def build_appendix(spec: dict, index: int, catalog: Catalog, attachment: str, label: str) -> Appendix:
    """The appendix table for one `phu_luc` entry of the data."""
    path = ("phu_luc", index)
    given = spec.get("so_lieu") or {}
    notes = spec.get("ghi_chu") or {}
    errors = []
    for group, values in (("so_lieu", given), ("ghi_chu", notes)):
        for key in values:
            where = path + (group, key)
            if key not in catalog.by_id:
                errors.append(DataError(f"biểu '{catalog.name}' không có chỉ tiêu mã '{key}'", path=where, at_key=True))
            elif group == "so_lieu" and catalog.by_id[key].derived:
                errors.append(DataError(f"chỉ tiêu '{key}' được tính tự động từ các dòng khác; không nhập giá trị",
                                        path=where, at_key=True))
    if errors:
        raise ErrorList(errors) if len(errors) > 1 else errors[0]
    values = FigureValues(catalog, given, path)

    def text(value: str, where) -> list:
        try:
            return parse_inline(value)
        except InlineError as exc:
            raise DataError(str(exc), path=where) from None

    rows = [[Cell([Text(h, bold=True)]) for h in HEADER]]
    for indicator, stt in numbered_rows(catalog):
        bold = indicator.depth <= 1 and not indicator.sub_row
        italic = indicator.sub_row
        name = [Text(indicator.name.upper() if indicator.depth == 0 else indicator.name, bold=bold, italic=italic)]
        if indicator.explanation:
            name.append(Text(f" ({indicator.explanation})", italic=True))
        value = values.value(indicator)
        note = text(notes[indicator.id], path + ("ghi_chu", indicator.id)) if indicator.id in notes else []
        value_cell = text(value, path + ("so_lieu", indicator.id)) if isinstance(value, str) else [Text(display_value(value, indicator))]
        for t in value_cell:
            t.bold, t.italic = t.bold or bold, t.italic or italic
        rows.append([
            Cell([Text(stt, bold=bold)], numeric=True),
            Cell(name),
            Cell([Text(indicator.unit, italic=italic)], numeric=True),
            Cell(value_cell, numeric=True),
            Cell(note),
        ])
    table = Table(rows, header_rows=1, widths=list(WIDTHS))
    return Appendix(label, (spec.get("tieu_de") or catalog.title).upper(), attachment, table, catalog.landscape)


def build_appendices(context: dict, library, header) -> list[Appendix]:
    """All appendices of the data, numbered "Phụ lục I, II, …" when there are two or more (Decree 30); each
    says which document it goes with (`header`: model.Header)."""
    specs = context.get("phu_luc") or []
    # A roll-up (docgen tong-hop, domain/rollup.py) brings its per-unit table: the first appendix.
    rolled_up = context.get("tong_hop")
    count = len(specs) + (1 if rolled_up else 0)
    if not count:
        return []
    ngay = fmt.format_date_short(header.ngay) if header.ngay else f"{' ' * 5}/{' ' * 5}/{header.nam}"
    attachment = (f"(Kèm theo {header.loai_van_ban.capitalize()} số {so_ky_hieu(header)} ngày {ngay} của "
                  f"{context['co_quan']['ten_goi']})")

    def label(index: int) -> str:
        return "Phụ lục" if count == 1 else f"Phụ lục {fmt.to_roman(index + 1)}"

    appendices = []
    if rolled_up:
        from cchc_docgen.domain.rollup import unit_table

        table, landscape = unit_table(rolled_up)
        appendices.append(Appendix(label(0), rolled_up["tieu_de_phu_luc"].upper(), attachment, table, landscape))
    for index, spec in enumerate(specs):
        file_path = library.find_file(f"{CATALOG_FOLDER}/{spec['bieu']}.yaml")
        if file_path is None:
            where = ("phu_luc", index, "bieu")
            raise DataError(library.unknown_catalog(spec["bieu"]), path=where)
        catalog = library.catalog(spec["bieu"], file_path)
        appendices.append(build_appendix(spec, index, catalog, attachment, label(len(appendices))))
    return appendices
