"""Normalization: one spelling for one word, without ever changing a letter."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import fold, normalize_text, strip_accents


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("CỘNG HOÀ XÃ HỘI", "CỘNG HÒA XÃ HỘI"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("thuỷ lợi", "thủy lợi"),
        ("HOẢ TỐC", "HỎA TỐC"),
        # not a final oa/oe/uy: the mark stays where it is
        ("hoặc", "hoặc"),
        ("ngoặc kép", "ngoặc kép"),
        ("hoàng hôn", "hoàng hôn"),
        ("quý I", "quý I"),
        ("khuya", "khuya"),
        # spaces, zero-width characters, Latin eth from legacy fonts
        ("Sở\u00a0Tài\u200bchính", "Sở Tàichính"),
        ("\u00d0ảng", "Đảng"),
        # decomposed input (Word, some PDFs) comes out composed
        (unicodedata.normalize("NFD", "Nguyễn Tuấn Anh"), "Nguyễn Tuấn Anh"),
    ],
)
def test_normalize_text(raw: str, normal: str) -> None:
    assert normalize_text(raw) == normal


vietnamese = st.text(alphabet="aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐhkngqc \u0300\u0301\u0303\u0309\u0323", max_size=40)


@given(vietnamese)
def test_normalize_is_idempotent_and_keeps_every_letter(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert strip_accents(once) == strip_accents(unicodedata.normalize("NFC", text))


def test_fold_ignores_case_space_and_trailing_punctuation() -> None:
    assert fold("  Sở  Nội vụ; ") == fold("sở nội vụ") == "sở nội vụ"
