"""Screenshots of the clerk's desk for the README, taken by Debian's chromium under Playwright.

    .venv/bin/python docs/screenshots.py          # writes docs/desk-*.png

Reads every sample (PDF, DOCX and text: the forms of one directive become one document) into a
fresh store through the real sinks, confirms one document through the desk's form as a clerk
would (a lead corrected), marks a task done, then photographs the inbox, a document page, the
register and the deadlines.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.desk.app import create_app  # noqa: E402
from tests.desk_support import browser, desk_settings, fill, serve  # noqa: E402

SAMPLES = [
    "cv-ubnd-tinh.pdf",
    "cv-ubnd-tinh.docx",
    "kh-tinh-uy.pdf",
    "tb-deadline.pdf",
    "cv-khan.docx",
    "cv-mat.pdf",
    "qd-ubnd.txt",
    "ct-chu-tich.pdf",
    "cv-two-level.pdf",
]


def main() -> int:
    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        settings = desk_settings(Path(tmp), desk_office="Sở Nội vụ tỉnh Thái Nguyên")
        fill(settings, SAMPLES)
        with serve(create_app(settings)) as base, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            # a clerk confirms the Kế hoạch of the Tỉnh ủy, then one task of it is done
            page.goto(base + "/?q=33-KH")
            page.get_by_role("link", name="33-KH/TU").click()
            page.wait_for_selector(".panel .page img")
            page.get_by_role("button", name="Xác nhận và vào sổ").click()
            page.wait_for_selector(".notice.ok")
            page.goto(base + "/tasks?show=open")
            page.locator("table.tasks button", has_text="Đã xong").first.click()

            page.goto(base + "/")
            page.screenshot(path=str(out / "desk-inbox.png"))
            page.get_by_role("link", name="125/UBND-NC").click()
            page.wait_for_selector(".panel .page img")
            # the first page's image is rendered on the server on its first request: wait for it
            page.wait_for_function(
                "() => { const i = document.querySelector('.page img'); return i.complete && i.naturalWidth > 0; }"
            )
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "desk-document.png"))
            page.locator('textarea[name="task-1-lead"]').focus()  # its boxes light up on the page
            page.wait_for_timeout(800)
            page.screenshot(path=str(out / "desk-document-task.png"))
            page.get_by_role("tab", name="Văn bản đã đọc").click()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "desk-document-text.png"))
            page.goto(base + "/register")
            page.screenshot(path=str(out / "desk-register.png"))
            page.goto(base + "/tasks")
            page.screenshot(path=str(out / "desk-tasks.png"))
    for name in ("inbox", "document", "document-task", "document-text", "register", "tasks"):
        print(out / f"desk-{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
