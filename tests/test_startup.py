"""What a one-shot `docgen render` pays for before and besides the render itself (bench/README.md: issue 14's
one-shot targets): the document model's classes built without @dataclass's compiling, and the modules only other
commands or other data need left unimported."""

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
