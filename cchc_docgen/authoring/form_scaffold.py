"""`docgen new -t FORM` for a Word form: a data skeleton with the fields the form reads.

What a form reads is found in its tags (the patched XML parts, parsed once with Jinja): the data's groups and
fields named in them (`so_lieu.ho_so.tong`, `noi_dung.ket_qua`, `truong_rieng.chu_ky`), and the header and
signature lines, which need Kính gửi or Nơi nhận. Each field gets its description from the schema, a declared
field the one its declaration gives. As `docgen new` for a text template, the skeleton validates and renders as
it is (see scaffold.py); an image field is left commented out until the clerk names the picture.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import meta, nodes

from cchc_docgen.authoring import scaffold
from cchc_docgen.authoring.lint import attribute_chain
from cchc_docgen.templating.forms import OWN_FIELDS, merged_schema

BLANK = scaffold.BLANK
# What each kind of declared field starts as in the skeleton.
_STARTS = {"chu": BLANK, "so": 0, "danh_sach": [], "bang": []}


def fields_read(form) -> tuple[set, set]:
    """(top-level names, dotted paths of the data's fields) that the form's tags read."""
    from cchc_docgen.writers.form import form_environment, load_form

    env = form_environment(form.library)
    names, paths = set(), set()
    for source in load_form(form.path).sources.values():
        tree = env.parse(source)
        names |= meta.find_undeclared_variables(tree)
        for node in tree.find_all(nodes.Getattr):
            chain = attribute_chain(node)
            if chain is not None:
                paths.add(".".join([chain[0], *chain[1]]))
    return names, paths


def usage(form) -> scaffold.Usage:
    """What `docgen schema -t FORM` narrows the schema by: the sections and figure groups the form's tags read."""
    _, paths = fields_read(form)
    sections = [p.split(".")[1] for p in sorted(paths) if p.startswith("noi_dung.") and p.count(".") == 1]
    figures = sorted({p.split(".")[1] for p in paths if p.startswith("so_lieu.")} & set(scaffold.SAMPLE_FIGURES))
    return scaffold.Usage(form.name, "quy" if form.reads_period else None, sections, figures)


def skeleton(library, form, province: str | None = None, year: int | None = None) -> str:
    year = year or dt.date.today().year
    from cchc_docgen.reading.validate import load_schema

    schema, own = load_schema(), merged_schema(form)["properties"][OWN_FIELDS]
    names, paths = fields_read(form)
    w = scaffold.SkeletonWriter(schema)
    P = lambda *path: scaffold.schema_properties(schema, *path)  # noqa: E731
    w.lines += [f"# yaml-language-server: $schema={scaffold.schema_file().as_uri()}",
                f"# {schema['title']} — mẫu Word {form.name}" + (f": {form.description}." if form.description else "."),
                "# Khung do 'docgen new' tạo từ các thẻ của mẫu Word: mỗi trường mẫu đọc có chú thích; điền vào chỗ "
                "\"……\".",
                "# Tệp này sinh được văn bản ngay (chỗ chưa điền in ra để trống). Xem docs/mau-word.md.",
                "# Kiểm tra: docgen validate TỆP.yaml    Sinh văn bản: docgen render TỆP.yaml -o TỆP.docx", ""]
    scaffold.organ_fields(w, P, form.name, province)
    w.group("van_ban", P("van_ban"))
    w.field("so", None, P("van_ban", "so"), 2)
    w.field("dia_danh", BLANK, P("van_ban", "dia_danh"), 2)
    w.field("ngay", None, P("van_ban", "ngay"), 2)
    w.field("trich_yeu", BLANK, P("van_ban", "trich_yeu"), 2)
    w.lines.append("")
    w.group("ky_bao_cao", P("ky_bao_cao"), note="" if form.reads_period else
            "Mẫu này không in kỳ báo cáo: khối này chỉ cho biết năm in ở dòng ngày tháng khi văn bản chưa có ngày.")
    w.field("loai", "quy", P("ky_bao_cao", "loai"), 2)
    w.field("so", 1, P("ky_bao_cao", "so"), 2)
    w.field("nam", year, P("ky_bao_cao", "nam"), 2)
    if names & {"kinh_gui", "kinh_gui_doan"}:
        w.lines.append("")
        w.field("kinh_gui", [BLANK], P("kinh_gui"))
    if "noi_nhan" in names:
        w.lines.append("")
        w.group("noi_nhan", P("noi_nhan"))
        w.field("danh_sach", ["Như trên" if names & {"kinh_gui", "kinh_gui_doan"} else BLANK],
                P("noi_nhan", "danh_sach"), 2)
        w.field("luu", "VT", P("noi_nhan", "luu"), 2)
    scaffold.signer_fields(w, P)
    groups = sorted({p.split(".")[1] for p in paths if p.startswith("so_lieu.") and p.count(".") >= 1}
                    & set(schema["$defs"]["so_lieu"]["properties"]))
    if groups:
        w.lines.append("")
        start = len(w.lines)
        scaffold.write_figures(w, schema, groups)
        # The form reads these groups: they are switched on (scaffold writes them commented out), not the example
        # of a figure of the ward's own that ends the block.
        own_example = max(i for i, line in enumerate(w.lines) if line.startswith("#   # "))
        w.lines[start:own_example] = [line[2:] for line in w.lines[start:own_example]]
    sections = [p.split(".")[1] for p in sorted(paths) if p.startswith("noi_dung.") and p.count(".") == 1]
    if sections:
        w.lines.append("")
        noi_dung = schema["properties"]["noi_dung"]
        w.group("noi_dung", noi_dung)
        w.comment("Mỗi mục là một danh sách đoạn văn; trong đoạn được dùng **đậm**, *nghiêng*, ^[chú thích cuối "
                  "trang], {=nhom.truong} (số liệu).", 2)
        for key in sections:
            if key in noi_dung["properties"]:
                w.field(key, [], noi_dung["properties"][key], 2)
    if form.own_fields:
        w.lines.append("")
        start = w.group(OWN_FIELDS, own, note=f"Khai báo trong cau-hinh.yaml (mau_word.{form.name}).")
        for name, spec in form.own_fields.items():
            node = own["properties"][name]
            kind = spec.get("kieu", "chu")
            if kind == "anh":
                w.field(name, "anh/ten-anh.png", node, 2, off=True,
                        note="Bỏ '# ' và ghi đường dẫn ảnh khi có; để trống thì không in ảnh.")
            elif kind == "van_ban":
                w.field(name, "tep-chen.docx", node, 2, off=True,
                        note="Bỏ '# ' và ghi đường dẫn tệp Word khi có; để trống thì không chèn gì.")
            else:
                w.field(name, _STARTS[kind], node, 2)
        if all(spec.get("kieu") in ("anh", "van_ban") for spec in form.own_fields.values()):
            w.disable(start, 0)  # nothing switched on: an empty group would be no group
    return "\n".join(w.lines) + "\n"
