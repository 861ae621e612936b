"""cchc_docgen: Vietnamese administrative reports (báo cáo CCHC) from YAML, laid out per Decree 30/2020/NĐ-CP.

The pipeline, one module per stage:
    loader (YAML with positions) → validate (JSON Schema) → compute (derived figures)
    → compose (text templates → document model) → writers (docx, md).
"""

__version__ = "0.1.0"
