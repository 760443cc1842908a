"""``directives annotate``: the desk's document view of one file as a standalone page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.annotate import review_html
from pipeline.stages import read_and_extract
from tests.conftest import ROOT, SAMPLES
from tests.desk_support import browser


def _annotate(source: Path, out: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "annotate", str(source), "--html", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def _external(page: str) -> list[str]:
    """Every address the page would fetch from elsewhere (src, href, url(), @import)."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""", page)
    return [u for pair in found for u in pair if u and not u.startswith(("data:", "#"))]


def test_a_pdf_page_stands_alone_with_its_pages_and_boxes(tmp_path: Path) -> None:
    page = _annotate(SAMPLES / "cv-ubnd-tinh.pdf", tmp_path / "review.html")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "<title>Công văn 125/UBND-NC · Bàn văn thư</title>" in page and "displacy" not in page.lower()
    assert _external(page) == []
    assert page.count("data:image/jpeg;base64,") == 2  # both pages, inlined
    assert 'class="box b-task"' in page and 'class="box b-ref"' in page
    assert "NV 1.1 → Sở Nội vụ" in page
    assert 'name="task-0-lead"' in page and "readonly" in page and "Xác nhận và vào sổ" not in page


def test_a_docx_page_shows_the_laid_out_text_with_the_same_marks(tmp_path: Path) -> None:
    layout, record = read_and_extract(SAMPLES / "kh-tinh-uy.docx")
    page = review_html(layout, record)
    assert _external(page) == [] and "data:image" not in page
    assert 'class="columns header"' in page and 'class="columns closing"' in page
    assert page.count('class="tag tag-task"') == len(record.tasks)
    assert 'data-keys="ref:21-KL/TW"' in page


def test_the_standalone_page_works_in_a_browser_offline(tmp_path: Path) -> None:
    path = tmp_path / "review.html"
    _annotate(SAMPLES / "tb-deadline.pdf", path)
    with browser() as chromium:
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else errors.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_selector(".page img")
        page.get_by_role("tab", name="Văn bản đã đọc").click()
        text = page.locator(".tab.text").inner_text()
        if not text.strip():
            pytest.fail("the text tab is empty")
        assert "TỈNH ĐỒNG THÁP" in text
        assert errors == []
