"""The desk driven in a real browser (Debian's chromium under Playwright), as a clerk would use it:
open the inbox, open a document, correct a lead and a deadline, confirm; then find the
correction in the store, in the register's .xlsx and in the sinks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from pipeline.desk.app import create_app
from pipeline.store import Store, store_url
from tests.desk_support import browser, desk_settings, fill, serve


def test_a_clerk_corrects_a_lead_and_a_deadline_and_confirms(tmp_path: Path) -> None:
    settings = desk_settings(tmp_path / "data")
    # the directive arrives as a PDF and as a DOCX (one document), with another one beside it
    fill(settings, ["cv-ubnd-tinh.pdf", "cv-ubnd-tinh.docx", "tb-deadline.pdf"])
    with serve(create_app(settings)) as base, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1500, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        external: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((base, "data:")) else external.append(r.url))

        page.goto(base + "/")
        rows = page.locator("table.inbox tbody tr")
        assert rows.count() == 2  # the PDF and the DOCX of 125/UBND-NC are one document
        row = page.locator("table.inbox tbody tr", has_text="125/UBND-NC")
        assert "Mới" in row.inner_text()
        row.get_by_role("link", name="125/UBND-NC").click()

        # the source: page images of the PDF with the boxes of the tasks drawn on them
        page.wait_for_selector(".panel .page img")
        assert page.locator(".page .box.b-task").count() >= 7
        assert page.locator(".page .box.b-ref").count() >= 3
        assert page.locator(".page .box.b-field").count() >= 5
        # focusing a task's row lights its boxes on the page
        lead = page.locator('textarea[name="task-0-lead"]')
        assert lead.input_value() == "Sở Nội vụ"
        lead.focus()
        key = page.locator("#task-row-0").get_attribute("data-key")
        assert key == "task:1.1"
        assert page.locator(f'.page .box.hl[data-keys~="{key}"]').count() >= 1

        lead.fill("Sở Tư pháp")
        page.locator('input[name="task-0-deadline"]').fill("15/7/2026")
        page.locator('input[name="routed_to"]').fill("Phòng Tổng hợp")
        page.get_by_role("button", name="Xác nhận và vào sổ").click()
        page.wait_for_selector(".notice.ok")
        assert "số đến 1/" in page.locator(".notice.ok").first.inner_text()
        # the corrected values are what the form shows now
        assert page.locator('textarea[name="task-0-lead"]').input_value() == "Sở Tư pháp"
        assert page.locator('input[name="task-0-deadline"]').input_value() == "15/07/2026"

        page.goto(base + "/")
        assert "Đã xác nhận" in page.locator("table.inbox tbody tr", has_text="125/UBND-NC").inner_text()

        # the register as Excel opens it
        download = page.request.get(base + "/register.xlsx")  # this year's, in the office's time zone
        assert download.ok
        sheet = openpyxl.load_workbook(io.BytesIO(download.body())).active
        values = [[c.value for c in r] for r in sheet.iter_rows(min_row=7)]
        assert len(values) == 1  # PDF and DOCX: one entry
        entry = dict(zip([c.value for c in sheet[5]], values[0], strict=True))
        assert entry["Số đến"] == 1
        assert entry["Số, ký hiệu văn bản"] == "125/UBND-NC"
        assert entry["Đơn vị hoặc người nhận"] == "Phòng Tổng hợp"
        assert entry["Tác giả"] == "Ủy ban nhân dân tỉnh Thái Nguyên"

        # the deadlines page lists the task under its new lead
        page.goto(base + "/tasks?agency=" + "Sở Tư pháp")
        assert "15/07/2026" in page.locator("table.tasks").inner_text()
        assert errors == [] and external == []

    # the store
    with Store(store_url(settings)) as store:
        led = store.query_tasks(lead="Sở Tư pháp").items
        assert [(t.ordinal, t.deadline, t.document.code) for t in led] == [("1.1", "2026-07-15", "125/UBND-NC")]
        assert store.query_tasks(lead="Sở Nội vụ").total == 1  # 1.2 still is Sở Nội vụ's
    # the other sinks: the JSON record of the file and the CSV of tasks
    records = [json.loads(p.read_text(encoding="utf-8")) for p in Path(settings.json_dir).glob("*.json")]
    confirmed = [r for r in records if any(t["lead"] == ["Sở Tư pháp"] for t in r["tasks"])]
    assert len(confirmed) == 1 and confirmed[0]["tasks"][0]["deadline"] == "2026-07-15"
    with Path(settings.csv_path).open(encoding="utf-8-sig") as fh:
        tasks = list(csv.DictReader(fh))
    assert any("Sở Tư pháp" in row["lead"] and row["deadline"] == "2026-07-15" for row in tasks)
