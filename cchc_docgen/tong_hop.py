"""`docgen tong-hop`: a province's report compiled from its units' reports.

    units' data files ──(each, in worker processes: read → check → compute → domain checks)──> plain records
    records ──(domain/rollup.py: sums, recomputed ratios, targets, rankings, missing units)──> roll-up
    the province's own data file + roll-up ──(the one Pipeline, template `tong-hop`)──> .docx / .md
    roll-up ──(writers/xlsx.py)──> .xlsx

A unit file with an error is reported at its place and left out (with `strict`, it stops the run); units of
another period or report kind stop the run, since adding them up would give a wrong total.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cchc_docgen.domain import formatting as fmt
from cchc_docgen.domain import rollup
from cchc_docgen.errors import DataError, DocgenError

DEFAULT_TEMPLATE = "tong-hop"
UNIT_LIST_FILE = "don-vi.yaml"
FORMATS = ("docx", "md", "pdf", "html", "xlsx")
_LISTED = 5  # files named in a message before "…"


@dataclass(frozen=True)
class UnitJob:
    data: Path
    template_dirs: tuple[Path, ...]
    province: str | None


@dataclass(frozen=True)
class UnitOutcome:
    job: UnitJob
    record: dict | None = None  # rollup.unit_record
    error: str | None = None
    name: str = ""  # the unit's name when its file could be read that far


def read_unit(job: UnitJob) -> UnitOutcome:
    """One unit's report read, checked and computed, as a plain record; never raises (a worker must report)."""
    from cchc_docgen.pipeline import Pipeline

    loaded = None
    try:
        pipeline = Pipeline(job.template_dirs, job.province)
        loaded = pipeline.read(job.data)
        prepared = pipeline.prepare(loaded)
        return UnitOutcome(job, rollup.unit_record(str(job.data), prepared.context, pipeline.findings(prepared)))
    except DocgenError as exc:
        return UnitOutcome(job, None, str(exc), _name_of(loaded))
    except Exception as exc:  # a bug of ours, reported like any failure so the others go on
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        return UnitOutcome(job, None, f"lỗi nội bộ của docgen ({type(exc).__name__}: {exc})", _name_of(loaded))


def _name_of(loaded) -> str:
    co_quan = loaded.data.get("co_quan") if loaded is not None else None
    return rollup.unit_name(co_quan) if isinstance(co_quan, dict) else ""


@dataclass
class Compiled:
    """What a compilation made: the file's bytes and what the command reports about it."""

    content: bytes
    template: str
    units: int
    listed: int | None
    refused: list[UnitOutcome]
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _listed(files) -> str:
    files = [str(f) for f in files]
    return ", ".join(files[:_LISTED]) + (f" và {len(files) - _LISTED} tệp khác" if len(files) > _LISTED else "")


def _period_key(ky) -> tuple | None:
    """(loai, so, nam) of a report's period as written (the last one of several); so only for a quarter."""
    if isinstance(ky, list):
        ky = ky[-1] if ky else None
    if not isinstance(ky, dict):
        return None
    loai = ky.get("loai")
    return (loai, ky.get("so") if loai == "quy" else None, ky.get("nam"))


def _period_name(key) -> str:
    if key is None or None in (key[0], key[2]):
        return "không có kỳ báo cáo"
    try:
        return fmt.period_phrase(*key)
    except fmt.FormattingError:
        return f"{key[0]} {key[1] or ''} {key[2]}"


def check_same_period_and_kind(records: list[dict], province_period, province_file) -> None:
    """Units of another period or report kind would be added to the wrong total: refuse, naming the files."""
    by_period: dict = {}
    for record in records:
        by_period.setdefault(tuple(record["ky"]) if record["ky"][0] else None, []).append(record["tep"])
    other = {key: files for key, files in by_period.items() if key != province_period}
    if other:
        lines = [f"  - {_period_name(key)}: {_listed(files)}" for key, files in other.items()]
        raise DataError(f"các tệp không cùng kỳ báo cáo với {province_file} ({_period_name(province_period)}), nên "
                        "không cộng chung được:\n" + "\n".join(lines))
    by_kind: dict = {}
    for record in records:
        by_kind.setdefault(record["mau"], []).append(record["tep"])
    if len(by_kind) > 1:
        lines = [f"  - mẫu '{kind}': {len(files)} tệp ({_listed(files)})" for kind, files in by_kind.items()]
        raise DataError("các tệp không cùng loại báo cáo (mau), nên không cộng chung được:\n" + "\n".join(lines))


def check_one_file_per_unit(records: list[dict]) -> None:
    seen: dict[str, str] = {}
    for record in records:
        key = rollup.normalized(record["ten"])
        if key in seen:
            raise DataError(f"hai tệp cùng là báo cáo của {record['ten']}: {seen[key]} và {record['tep']}; số liệu "
                            "sẽ bị cộng hai lần: bỏ một tệp")
        seen[key] = record["tep"]


def merge_figures(loaded, summed: dict) -> None:
    """The summed figures become the province's so_lieu; a summed figure the province's file writes itself would
    be silently replaced: refuse it at its place."""
    own = loaded.data.get("so_lieu")
    if own is not None and not isinstance(own, dict):
        return  # the schema check names it
    merged = dict(own or {})
    for group, figures in summed.items():
        mine = merged.get(group)
        if isinstance(mine, dict):
            for name in figures:
                if name in mine:
                    path = ("so_lieu", group, name)
                    raise DataError("số liệu này được cộng từ báo cáo của các đơn vị (khai báo tong_hop.cong của mẫu); "
                                    "bỏ trường này khỏi tệp của tỉnh", loaded.location(path, key=True), path,
                                    at_key=True)
            merged[group] = {**mine, **figures}
        else:
            merged[group] = figures
    loaded.data["so_lieu"] = merged


def _documents_in_folders(inputs) -> list[str]:
    """A commune that sent its report as Word (or Excel, PDF) in the folder of data files: not read, and said,
    with how to read it; else it would only be "chưa gửi báo cáo"."""
    from cchc_docgen.reading.loader import what_document_file

    said = []
    for folder in (Path(i) for i in inputs):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith(("~$", ".")) and path.suffix.lower() in _DOCUMENT_SUFFIXES:
                what = what_document_file(path)
                if what:
                    said.append(f"{path}: không được tổng hợp: {what}")
    return said


_DOCUMENT_SUFFIXES = (".docx", ".doc", ".odt", ".rtf", ".xlsx", ".xls", ".pdf")


def compile_report(inputs, province_file: Path, template_name: str | None = None, fmt_name: str = "docx",
                   template_dirs=(), province: str | None = None, strict: bool = False, workers: int = 1,
                   on_done=lambda outcome: None) -> Compiled:
    """Compile the province's report from its units' data files; raise DocgenError for what stops it."""
    from cchc_docgen import batch
    from cchc_docgen.pipeline import Pipeline, located

    if fmt_name not in FORMATS:
        raise DocgenError(f"không có định dạng '{fmt_name}'; các định dạng: {', '.join(FORMATS)}")
    pipeline = Pipeline(template_dirs, province)
    loaded = pipeline.read(province_file)
    name = template_name or (loaded.data["mau"] if isinstance(loaded.data.get("mau"), str) else DEFAULT_TEMPLATE)
    _, template = pipeline.choose_template(loaded, name)
    declaration = rollup.read_declaration(template)
    unit_list_file = Path(province_file).parent / UNIT_LIST_FILE
    unit_list = rollup.read_unit_list(unit_list_file) if unit_list_file.is_file() else None

    # The province's own files may sit in the folder given as DATA: they are not units' reports.
    own = {Path(province_file).resolve(), unit_list_file.resolve()}
    files = [f for f in batch.expand_inputs(inputs) if f.resolve() not in own]
    if not files:
        raise DocgenError("không có tệp báo cáo nào của các đơn vị để tổng hợp")
    jobs = [UnitJob(f, tuple(template_dirs), province) for f in files]
    outcomes = batch.run(jobs, workers, on_done, work=read_unit)
    refused = [o for o in outcomes if o.record is None]
    if refused and strict:
        raise DocgenError(f"--strict: chưa tổng hợp vì {len(refused)} tệp có lỗi:\n"
                          + "\n".join(f"  - {o.job.data}:\n      " + o.error.replace("\n", "\n      ") for o in refused))
    records = [o.record for o in outcomes if o.record is not None]
    if not records:
        raise DocgenError(f"không có báo cáo hợp lệ nào để tổng hợp ({len(refused)} tệp đều có lỗi)")
    check_same_period_and_kind(records, _period_key(loaded.data.get("ky_bao_cao")), province_file)
    check_one_file_per_unit(records)

    result = rollup.roll_up(records, declaration, unit_list, [{"tep": str(o.job.data), "ten": o.name} for o in refused])
    tong_hop = result["tong_hop"]
    tong_hop["tieu_de_phu_luc"] = f"{declaration.title} {_period_name(_period_key(loaded.data.get('ky_bao_cao')))}"
    warnings = _documents_in_folders(inputs)
    warnings += [finding for record in records for finding in record["phat_hien"]]
    warnings += [f"{o.job.data}: bỏ qua tệp này (không tổng hợp) vì có lỗi:\n    " + o.error.replace("\n", "\n    ")
                 for o in refused]
    if unit_list is not None:
        warnings += [f"{record['tep']}: {record['ten']} không có trong danh sách đơn vị {unit_list_file}; số liệu vẫn "
                     "được tổng hợp" for record in records if record["ten"] in tong_hop["ngoai_danh_sach"]]
    with located(loaded):
        merge_figures(loaded, result["so_lieu"])
    extra = {"tong_hop": tong_hop}
    if fmt_name == "xlsx":
        from cchc_docgen.writers import xlsx

        pipeline.prepare(loaded, name, extra)  # the province's file is checked as for a report
        content = xlsx.rollup_workbook(tong_hop)
    else:
        rendered = pipeline.render(loaded, name, fmt_name, strict, extra)
        content = rendered.content
        # The province's checks of the summed figures are left out: the checks are sums and bounds, which a sum of
        # consistent units keeps, so a contradiction in a sum is a unit's, reported above at the unit's file.
        warnings += [str(finding) for finding in rendered.findings
                     if not (len(finding.path) > 1 and finding.path[0] == "so_lieu" and finding.path[1] in result["so_lieu"])]
    return Compiled(content, name, tong_hop["so_don_vi"], tong_hop["so_don_vi_danh_sach"], refused, warnings,
                    tong_hop["chua_nop"])
