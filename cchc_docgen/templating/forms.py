"""Word forms: a province's own .docx with docxtpl tags, used as a report template of its own.

The rule (docs/mau-word.md): a file `TEN.docx` in a template folder is the Word form `TEN` when no text template
`TEN.md.j2` exists anywhere along the search path (then `TEN.docx` is that text template's layout, as before),
and it is not the shared layout `bo-cuc.docx`. Dropping the file in the folder is enough; the folder's
cau-hinh.yaml may describe it under `mau_word`, and declare the fields of its own that the data may then hold
under `truong_rieng`:

    mau_word:
      bao-cao-thang:
        mo_ta: Báo cáo tháng về giải quyết thủ tục hành chính
        ky_hieu: BC-UBND
        truong_rieng:
          chu_ky: {mo_ta: Ảnh chữ ký của người ký, kieu: anh, rong_mm: 35}
          chi_tiet: {mo_ta: Tệp Word chèn vào nguyên thân, kieu: van_ban}   # printed with {{p truong_rieng.chi_tiet }}

A declared form without its .docx is an error naming the declaration. Rendering is writers/form.py.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import ClassVar

from cchc_docgen.errors import TemplateError

FORMS_KEY = "mau_word"
OWN_FIELDS = "truong_rieng"  # the data's group for the fields a form declares
FORM_SUFFIX = ".docx"
# kieu of a declared field → (what it holds, the JSON Schema of its value)
FIELD_KINDS = {
    "chu": ("một đoạn chữ", {"type": "string"}),
    "so": ("một số", {"type": "number"}),
    "anh": ("đường dẫn một ảnh .png hoặc .jpg, tính từ thư mục của tệp dữ liệu", {"type": "string", "minLength": 1}),
    "danh_sach": ("danh sách các đoạn chữ", {"type": "array", "items": {"type": "string"}}),
    "bang": ("danh sách các dòng, mỗi dòng là các cột 'tên: giá trị'",
             {"type": "array", "items": {"type": "object", "additionalProperties": {"type": ["string", "number"]}}}),
    "van_ban": ("đường dẫn một tệp Word .docx, tính từ thư mục của tệp dữ liệu, in bằng {{p … }}",
                {"type": "string", "minLength": 1}),
}
_DECLARATION_KEYS = {"mo_ta": str, "ky_hieu": str, OWN_FIELDS: dict}
_FIELD_KEYS = {"mo_ta": str, "kieu": str, "rong_mm": (int, float)}


def check_declarations(value, loaded, here) -> None:
    """The `mau_word` group of a cau-hinh.yaml (library.read_settings calls this for its key): each form's
    mo_ta / ky_hieu / truong_rieng, each field's mo_ta / kieu / rong_mm. A problem is a TemplateError at the
    key's line."""
    def refuse(message, path, key=False):
        _refuse(loaded, message, path, key)

    if not isinstance(value, dict):
        refuse("phải là một nhóm: tên mẫu Word → {mo_ta: …, truong_rieng: {…}}", here)
    for name, declaration in value.items():
        at = here + (name,)
        if not isinstance(declaration, dict):
            refuse("phải là một nhóm khóa (mo_ta, ky_hieu, truong_rieng)", at)
        for key, item in declaration.items():
            if key not in _DECLARATION_KEYS:
                refuse(f"khóa '{key}' không có trong khai báo mẫu Word; các khóa: {', '.join(_DECLARATION_KEYS)}",
                       at + (key,), key=True)
            if not isinstance(item, _DECLARATION_KEYS[key]):
                refuse("phải là một nhóm các trường" if key == OWN_FIELDS else "phải là một chuỗi chữ", at + (key,))
        check_own_fields(declaration.get(OWN_FIELDS, {}), loaded, at + (OWN_FIELDS,))


def check_own_fields(value, loaded, here) -> None:
    """A form's `truong_rieng` declaration (under mau_word or mau): each field's mo_ta / kieu / rong_mm."""
    def refuse(message, path, key=False):
        _refuse(loaded, message, path, key)

    if not isinstance(value, dict):
        refuse("phải là một nhóm các trường", here)
    for field_name, spec in value.items():
        where = here + (field_name,)
        if not isinstance(spec, dict):
            refuse("phải là một nhóm khóa (mo_ta, kieu, rong_mm)", where)
        for key, item in spec.items():
            if key not in _FIELD_KEYS:
                refuse(f"khóa '{key}' không có trong khai báo trường; các khóa: {', '.join(_FIELD_KEYS)}",
                       where + (key,), key=True)
            if not isinstance(item, _FIELD_KEYS[key]) or isinstance(item, bool):
                refuse("phải là một số" if key == "rong_mm" else "phải là một chuỗi chữ", where + (key,))
        if spec.get("kieu", "chu") not in FIELD_KINDS:
            refuse(f"kiểu '{spec['kieu']}' không có; các kiểu: {', '.join(FIELD_KINDS)}", where + ("kieu",))


def _refuse(loaded, message: str, path, key: bool = False):
    """A declaration problem, at the line of the key (`key`) or of its value in cau-hinh.yaml."""
    raise TemplateError(message, loaded.location(path, key=key), path)


class WordForm:
    """A Word form found by name: its .docx and its declaration (empty when it has none). The pipeline asks
    `kind` which composer and writer to use; rendering is writers/form.py. (A plain class, as
    templating.library.ReportTemplate.)"""

    kind: ClassVar[str] = "form"

    def __init__(self, name: str, path: Path, library, declaration: dict | None = None):
        self.name = name
        self.path = path
        self.library = library
        self.declaration = {} if declaration is None else declaration

    @property
    def layout_path(self) -> Path:
        return self.path

    @property
    def schema(self) -> dict:
        """The data's schema (the package's, with what the template folders declare of this name)."""
        return self.library.schema(self.name)

    @property
    def description(self) -> str:
        return self.declaration.get("mo_ta", "")

    @property
    def own_fields(self) -> dict:
        """Declared field name → {mo_ta, kieu, rong_mm}."""
        return self.declaration.get(OWN_FIELDS, {})

    @cached_property
    def reads_period(self) -> bool:
        """Whether the form names ky_bao_cao (a plan does not report on a period): read in its patched parts."""
        from cchc_docgen.writers.form import load_form

        return any("ky_bao_cao" in source for source in load_form(self.path).sources.values())


def find_form(library, name: str) -> WordForm | None:
    """The Word form NAME of the library (see the module docstring), or None."""
    from cchc_docgen.templating.library import DEFAULT_LAYOUT, TEXT_SUFFIX

    if "/" in name or name.startswith("_") or name + FORM_SUFFIX == DEFAULT_LAYOUT:
        return None
    declared = library.settings.get(FORMS_KEY, {})
    if library.find_file(name + TEXT_SUFFIX) is not None:
        if name in declared:
            raise TemplateError(f"mẫu '{name}' vừa là mẫu nội dung {name}{TEXT_SUFFIX} vừa được khai báo là mẫu Word "
                                f"trong {FORMS_KEY} của cau-hinh.yaml: đổi tên một trong hai")
        return None
    path = library.find_file(name + FORM_SUFFIX)
    if path is None:
        if name in declared:
            renamed = [p for p, proper in library.misnamed() if proper == name + FORM_SUFFIX]
            raise TemplateError(f"mẫu Word '{name}' được khai báo trong {FORMS_KEY} của cau-hinh.yaml nhưng không có "
                                f"tệp {name}{FORM_SUFFIX} trong các thư mục mẫu"
                                + (f": đổi tên tệp {renamed[0]} thành {name}{FORM_SUFFIX}" if renamed else ""))
        return None
    # Declared like any report kind (`mau: {name: …}`, merged along the search path and through ke_thua), or
    # under mau_word; the latter's keys win.
    return WordForm(name, path, library, {**library.declaration(name), **declared.get(name, {})})


def form_names(library) -> list[str]:
    """The names of the library's Word forms: every TEN.docx along the path that is no text template's layout."""
    from cchc_docgen.templating.library import DEFAULT_LAYOUT, TEXT_SUFFIX

    found = set(library.settings.get(FORMS_KEY, {}))
    for root in library.search_path:
        if root.is_dir():
            found.update(p.name[: -len(FORM_SUFFIX)] for p in root.glob("*" + FORM_SUFFIX)
                         if p.name != DEFAULT_LAYOUT and not p.name.startswith(("_", "~$")))
    return sorted(n for n in found if library.find_file(n + TEXT_SUFFIX) is None)


def merged_schema(form: WordForm | None) -> dict:
    """The data schema with the form's declared fields in place of the open `truong_rieng` group (closed: a
    field the form does not declare is unknown), each with its description, and the header and signature lines
    under the names the form sees them by (writers/form.py): `kinh_gui` and `noi_nhan` are lines there, the data
    itself is `du_lieu`."""
    import copy

    from cchc_docgen.reading.validate import load_schema

    schema = copy.deepcopy(load_schema())
    if form is None:
        return schema
    properties = {}
    for name, spec in form.own_fields.items():
        what, shape = FIELD_KINDS[spec.get("kieu", "chu")]
        properties[name] = {**shape, "description": spec.get("mo_ta") or f"Trường riêng của mẫu {form.name}: {what}."}
    own = schema["properties"][OWN_FIELDS]
    schema["properties"][OWN_FIELDS] = {"type": "object", "description": own["description"],
                                        "properties": properties, "additionalProperties": False}
    from cchc_docgen.authoring.lint import LAYOUT_VARIABLES

    for name, description in LAYOUT_VARIABLES.items():
        if name != "noi_dung":
            schema["properties"][name] = {"description": description}
    schema["properties"]["du_lieu"] = {"type": "object", "description": "Toàn bộ dữ liệu (kể cả số liệu tính sẵn)."}
    return schema
