"""vn-directives: read Vietnamese official documents into structured records.

>>> from pipeline import extract
>>> record = extract("samples/cv-ubnd-tinh.pdf")   # doctest: +SKIP
>>> record.issuer.name, record.code                   # doctest: +SKIP
"""

from pipeline.errors import DirectivesError
from pipeline.extract import extract, extract_layout
from pipeline.layout import Layout, Paragraph
from pipeline.readers import read

__all__ = ["DirectivesError", "Layout", "Paragraph", "extract", "extract_layout", "read"]
