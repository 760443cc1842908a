"""The spaCy pipeline: underthesea tokens with exact offsets, and the four rule labels."""

from __future__ import annotations

import pytest

from extractors.nlp import get_nlp


def test_tokenizer_segments_words_and_keeps_the_text() -> None:
    doc = get_nlp()("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính.")
    assert [t.text for t in doc][:6] == ["Giao", "Sở", "Nội vụ", "chủ trì", ",", "phối hợp"]
    assert doc.text == "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính."


@pytest.mark.parametrize("segment", [True, False])
def test_offsets_survive_odd_whitespace(segment: bool) -> None:
    text = "Thực hiện  Kế hoạch số 22-KH/TU\n\nngày 13/12/2025 của Ban Thường vụ Tỉnh ủy."
    doc = get_nlp(segment)(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


# (text, expected (entity text, label) in doc.ents)
ENTS = [
    (
        "Giao Sở Nội vụ chủ trì thực hiện Kế hoạch số 22-KH/TU ngày 13/12/2025 của Ban Thường vụ "
        "Tỉnh ủy, hoàn thành trước ngày 30/6/2026.",
        [
            ("Sở Nội vụ", "AGENCY"),
            ("Kế hoạch số 22-KH/TU", "INSTRUMENT"),
            ("13/12/2025", "DATE"),
            ("Ban Thường vụ Tỉnh ủy", "AGENCY"),
            ("hoàn thành trước ngày 30/6/2026", "DEADLINE"),  # extractors.deadlines keeps the verb
        ],
    ),
    (
        "Căn cứ Luật Tổ chức chính quyền địa phương; báo cáo UBND tỉnh Lào Cai.",
        [("UBND tỉnh Lào Cai", "AGENCY")],
    ),
]


@pytest.mark.parametrize("segment", [True, False])
@pytest.mark.parametrize(("text", "expected"), ENTS)
def test_entities(text: str, expected: list[tuple[str, str]], segment: bool) -> None:
    doc = get_nlp(segment)(text)
    assert [(e.text, e.label_) for e in doc.ents] == expected


def test_components_are_registered_by_name() -> None:
    assert get_nlp().pipe_names == ["vi_instruments", "vi_agencies", "vi_dates", "vi_deadlines", "vi_entities"]
    assert get_nlp().config["nlp"]["tokenizer"]["@tokenizers"] == "vi_underthesea"
