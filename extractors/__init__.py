"""Extractors: one module per part of the document, each a pure function of the layout.

Language data (agency gazetteer, document types, abbreviations) lives in ``extractors/data``
and is loaded once.
"""
