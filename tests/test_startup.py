"""What a one-shot `docgen render` pays for before and besides the render itself (bench/README.md: issue 14's
one-shot targets): the document model's classes built without @dataclass's compiling, and the modules only other
commands or other data need left unimported."""

import copy
import pickle

import pytest

from cchc_docgen import model


def _samples():
    text = model.Text("a", bold=True)
    table = model.Table([[model.Cell([text], 2)]], 1, [1.0], [model.Note([text], 3)])
    organ, signer = model.Organ(["Ủy ban nhân dân"]), model.Signer(["TM. Ủy ban nhân dân"], "Chủ tịch", "A")
    header = model.Header(organ, None, "BC-UBND", "Hà Tĩnh", None, 2024, "Báo cáo", "CCHC", "", ["x"], ["y"], "VT", signer)
    return [text, model.Note([text]), model.Heading(1, [text]), model.Paragraph([text], "dash"), model.Cell([text]),
            table, model.Appendix("Phụ lục", "T", "(Kèm theo)", table), organ, signer, header]


def test_model_classes_behave_as_their_dataclasses_did():
    """repr and == over the fields in the constructor's order (Table's cache of placed rows left out), no hash,
    slots: what @dataclass(slots=True) gave them."""
    samples = _samples()
    assert [repr(s) for s in samples[:3]] == [
        "Text(text='a', bold=True, italic=False, superscript=False)",
        "Note(content=[Text(text='a', bold=True, italic=False, superscript=False)], number=0)",
        "Heading(level=1, content=[Text(text='a', bold=True, italic=False, superscript=False)], numbered=True, "
        "number='', explicit=False, style='')"]
    table = samples[5]
    assert repr(table).startswith("Table(rows=[[Cell(content=") and repr(table).endswith(", number=3)])")
    assert "_placed" not in repr(table)
    placed = model.Table(table.rows, 1, [1.0], table.caption)
    placed.placed_rows()
    assert placed == table and table._placed is None and placed._placed is not None
    for sample, again in zip(samples, _samples()):
        assert sample == again and not sample != again
        assert sample != model.Text("b") and sample != "a"
        assert not hasattr(sample, "__dict__")
        with pytest.raises(TypeError):
            hash(sample)
        assert pickle.loads(pickle.dumps(sample)) == sample
    assert model.Text("a") != model.Text("a", italic=True)
    assert model.Table([]).widths == [] and model.Table([]).widths is not model.Table([]).widths


def test_the_other_records_a_render_makes_behave_as_their_dataclasses_did():
    """Location, Finding, LoadedData, Result, Prepared and Document (with writers/form.py's FormDocument, whose
    fields follow its base's) on record.py's base; LevelRule and ZipEntry, frozen, as named tuples."""
    from cchc_docgen.composing.numbering import LevelRule
    from cchc_docgen.domain.checks import Finding
    from cchc_docgen.errors import Location
    from cchc_docgen.pipeline import Prepared, Result
    from cchc_docgen.reading.loader import LoadedData
    from cchc_docgen.writers.docx import ZipEntry
    from cchc_docgen.writers.form import FormDocument

    location = Location("a.yaml", 3)
    assert repr(location) == "Location(file='a.yaml', line=3, column=None)" and str(location) == "a.yaml:3"
    finding = Finding("loi", "sai", location, ("x", 1), needle="y")
    assert repr(finding) == ("Finding(level='loi', message='sai', location=Location(file='a.yaml', line=3, "
                             "column=None), path=('x', 1), context='', at_key=False, needle='y', figures=False)")
    loaded = LoadedData({"a": 1}, "a.yaml")
    assert repr(loaded) == "LoadedData(data={'a': 1}, file='a.yaml', positions={}, key_positions={}, warnings=[])"
    assert loaded.positions is not LoadedData({}, "b").positions
    document = model.Document(_samples()[-1], [])
    result = Result(b"x", document, [finding], "quy", "docx")
    assert repr(result).startswith("Result(content=b'x', document=Document(header=Header(")
    assert result.footnote_count == 0
    form = FormDocument(document.header, [], package=b"PK", form="f")
    assert repr(form).endswith(", blocks=[], appendices=[], layout=None, package=b'PK', form='f')")
    samples = [location, finding, loaded, document, result, Prepared(loaded, "library", "template", {}), form]
    for sample in samples:
        assert sample == copy.deepcopy(sample) == pickle.loads(pickle.dumps(sample))
        assert not hasattr(sample, "__dict__")
        with pytest.raises(TypeError):
            hash(sample)
    assert Location("a.yaml", 3) != Location("a.yaml", 4) and finding != Finding("loi", "sai", location, ("x", 1))
    assert form != FormDocument(document.header, [], package=b"PK", form="g") and form != document
    rule, entry = LevelRule("so"), ZipEntry(b"a", 1, 2, b"d")
    assert repr(rule) == "LevelRule(style='so', restart=None)" and rule == LevelRule("so") and hash(rule)
    assert repr(entry) == "ZipEntry(name=b'a', crc=1, size=2, deflated=b'd')"
    assert pickle.loads(pickle.dumps(rule)) == rule and pickle.loads(pickle.dumps(entry)) == entry


def _full_walk(schema):
    """The schema walked everywhere, as _Compiled did at every start before: (declared, open maps)."""
    from cchc_docgen.reading import validate

    declared, open_maps = {}, []
    validate._walk_fields(schema, (), frozenset(), schema, lambda node, path: True, declared, open_maps)
    return declared, open_maps


def _library_schemas():
    from cchc_docgen.reading.validate import load_schema
    from cchc_docgen.templating.library import library_for

    schemas = [load_schema()]
    for province in (None, "Hà Tĩnh", "Quảng Ninh"):
        library = library_for((), province)
        schemas += [library.schema()] + [library.get(name).schema for name in library.names]
    return schemas


def test_the_schema_walks_of_validate_find_what_the_full_walk_finds():
    """_Compiled finds the mappings that take fields of any name by a walk that goes only where one can be
    reached, and _misplaced_keys the fields declared near a mapping by a walk along its data path: each finds
    what the full walk (every $ref expanded at every place it is used) finds there, in the same order."""
    from cchc_docgen.reading import validate

    for schema in _library_schemas():
        full_declared, full_open = _full_walk(schema)
        open_maps, names = validate._open_maps(schema)
        assert open_maps == full_open and len(open_maps) > 5
        assert names == set(full_declared)
        for map_path, _ in open_maps:
            # The mapping's place in data (a list index for a list item), and a field's place one level up or down.
            data_path = tuple(0 if step == validate._ITEM else "nhom_rieng" if isinstance(step, tuple) else step
                              for step in map_path)
            declared = validate._declared_fields(schema, map_path)
            for name, places in full_declared.items():
                def homes(found):
                    concrete = [validate._concrete(place[:-1], data_path) for place in found]
                    return [h for h in concrete if h is not None and abs(len(h) - len(data_path)) == 1]
                assert homes(declared.get(name, [])) == homes(places), (data_path, name)
        assert sum(map(len, full_declared.values())) > 1000  # what the guided walks spare


def test_the_quick_check_takes_the_package_schema_and_refuses_a_keyword_it_does_not_know():
    from cchc_docgen.reading import validate

    for schema in _library_schemas():
        assert validate._quick_check_usable(schema)
    for place, odd in ((("$defs", "o_bang"), {"oneOf": []}), (("$defs", "o_bang"), {"anyOf": [{"const": 1}]}),
                       ((), {"title": {"const": 1}})):
        schema = copy.deepcopy(validate.load_schema())
        where = schema
        for step in place:
            where = where[step]
        where.update(odd)
        assert not validate._quick_check_usable(schema), odd


# Modules a plain `docgen render` (a report without a Phụ lục, data that validates) has no use for, each imported
# where it is needed instead; a top-level import of one of them would silently put its cost back on every run.
NOT_FOR_A_PLAIN_RENDER = [
    "cchc_docgen.domain.appendix",  # a Phụ lục (composing/compose.py `appendices`, domain/checks.py)
    "cchc_docgen.writers.ooxml_order",  # only for a Phụ lục's section (writers/docx.py _after_page_numbers)
    "secrets",  # the composer's mark is drawn with random.SystemRandom, as secrets would
    "difflib",  # only for a message's hint (and docgen's parser takes -o without click's suggestions)
    "locale",  # only gettext's, which click asks for English words (cli.py: docgen's paths and help options do not)
    "dataclasses",  # the records a render makes are on record.py's base, or named tuples (no methods compiled)
    "jsonschema",  # only to explain data the quick check refused (reading/validate.py)
    "docxtpl",  # the built-in layouts ship patched (templating/prebuilt)
    "cchc_docgen.domain.rollup",  # only to check a folder's own tong_hop (templating/library.py _check_rollup)
]

RENDER_AND_LIST_MODULES = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules))))
sys.argv = ["docgen", "render", sys.argv[1], "-o", sys.argv[2]]
from cchc_docgen.command import main
main()
"""


def test_a_plain_render_does_not_import_what_it_does_not_use(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    example = root / "data_examples" / "uong-bi-ke-hoach-thi-dua-2024.yaml"
    assert "phu_luc:" not in example.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", RENDER_AND_LIST_MODULES, str(example), str(tmp_path / "out.docx")],
                            capture_output=True, text=True, env={"DOCGEN_CACHE_DIR": str(tmp_path / "cache"),
                                                                 "PATH": "", "PYTHONPATH": str(root)})
    assert result.returncode == 0 and (tmp_path / "out.docx").exists(), result.stderr
    imported = set(result.stderr.rsplit("MODULES ", 1)[1].split())
    assert "cchc_docgen.writers.docx" in imported  # (the list is the render's)
    assert [name for name in NOT_FOR_A_PLAIN_RENDER if name in imported] == []
