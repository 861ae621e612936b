"""The order in which WordprocessingML's schema puts the children of the property elements that we and
template authors write most (table, paragraph, run, section, cell and row properties), and a check of it.

Microsoft Word refuses, or offers to "repair", a file whose property children are out of this order, while
LibreOffice opens it silently: a layout drawn in one and opened in the other can hide the problem until a clerk
sees "Word found unreadable content". Writers insert children with `put_child` instead of appending them, and
`docgen lint` reports what `misordered` finds in a layout or Word form.

The sequences are ECMA-376 Part 1 (transitional, wml.xsd) as the Open XML SDK reads it (what openxml-audit, the
tests' validator, checks against): CT_TblPr(Base), CT_TblPrEx, CT_PPr(Base) with CT_ParaRPr's tracked-change
marks, CT_RPr, CT_SectPr, CT_TcPr and CT_TrPr. Only children in the w: namespace are ranked; an extension element
(w14:…, mc:AlternateContent) is left where it is. This is not a schema validator: which children a parent may
have, and their attributes, are openxml-audit's to check in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"

# Each parent's children in schema order. A tuple groups children that share one place in the sequence and may
# come in any order among themselves (an xsd:choice); every other child may appear at most once.
_TRACKED = ("ins", "del", "moveFrom", "moveTo")
SEQUENCES: dict[str, tuple] = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "tblPrEx": ("tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblPrExChange"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    # A run's properties (CT_RPr) and a paragraph mark's (CT_ParaRPr, which starts with its tracked-change marks
    # and has oMath): one sequence serves both.
    "rPr": (*_TRACKED, "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color",
            "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
            "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange"),
    "sectPr": (("headerReference", "footerReference"), "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", ("cellIns", "cellDel", "cellMerge"),
             "tcPrChange"),
    # CT_TrPrBase is an unbounded choice: a row's own properties come in any order, the tracked changes after.
    "trPr": (("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
              "tblHeader", "tblCellSpacing", "jc", "hidden"), "ins", "del", "trPrChange"),
}
# The schema's name for each parent's type, for messages.
TYPE_NAMES = {"tblPr": "CT_TblPr", "tblPrEx": "CT_TblPrEx", "pPr": "CT_PPr", "rPr": "CT_RPr", "sectPr": "CT_SectPr",
              "tcPr": "CT_TcPr", "trPr": "CT_TrPr"}


def _ranks(sequence: tuple) -> dict[str, tuple[int, bool]]:
    """child name → (its place, whether it may repeat there)."""
    ranks = {}
    for place, entry in enumerate(sequence):
        for name in entry if isinstance(entry, tuple) else (entry,):
            ranks[name] = (place, isinstance(entry, tuple))
    return ranks


RANKS = {parent: _ranks(sequence) for parent, sequence in SEQUENCES.items()}


def _local(element) -> str | None:
    """The local name of a w: element; None for an element of another namespace, a comment or a PI."""
    tag = element.tag
    return tag[len(_W):] if isinstance(tag, str) and tag.startswith(_W) else None


def put_child(parent, child):
    """Put `child` (an lxml element) into `parent` (one of SEQUENCES) where the schema wants it: in place of a
    child of the same name that may not repeat, else right after the last child that comes before it (at the
    start when none does). Returns `child`."""
    ranks = RANKS[_local(parent)]
    name = _local(child)
    place, repeats = ranks[name]
    at = 0
    for index, existing in enumerate(parent):
        existing_name = _local(existing)
        if existing_name == name and not repeats:
            parent.replace(existing, child)
            return child
        existing_rank = ranks.get(existing_name)
        if existing_rank is not None and existing_rank[0] <= place:
            at = index + 1
    parent.insert(at, child)
    return child


def sequence_after(parent: str, name: str) -> tuple[str, ...]:
    """The children that come after `name` in `parent`'s sequence (for a writer that splices XML text)."""
    sequence = SEQUENCES[parent]
    index = next(i for i, entry in enumerate(sequence) if name == entry or (isinstance(entry, tuple) and name in entry))
    return tuple(n for entry in sequence[index + 1:] for n in (entry if isinstance(entry, tuple) else (entry,)))


@dataclass(frozen=True)
class OrderProblem:
    """`child` of `parent` stands after `after` (the names of its earlier siblings that the schema puts after
    it), or, with `repeated`, is the second child of its name where only one may be."""

    parent: object
    child: object
    after: tuple[str, ...] = ()
    repeated: bool = False

    @property
    def name(self) -> str:
        return _local(self.child)

    @property
    def parent_name(self) -> str:
        return _local(self.parent)


def misordered(root) -> list[OrderProblem]:
    """Every child of a property element under `root` (an lxml element: a part's root) that the schema's order
    does not allow where it stands, in document order."""
    problems = []
    for parent in root.iter(*(_W + name for name in SEQUENCES)):
        ranks = RANKS[_local(parent)]
        seen: list[tuple[str, int]] = []  # (name, place) of the ranked children so far
        for child in parent:
            name = _local(child)
            if name not in ranks:
                continue
            place, repeats = ranks[name]
            after = tuple(dict.fromkeys(n for n, p in seen if p > place))
            if after:
                problems.append(OrderProblem(parent, child, after))
            elif not repeats and any(n == name for n, _ in seen):
                problems.append(OrderProblem(parent, child, repeated=True))
            seen.append((name, place))
    return problems
