"""Records for the sink tests: valid ``models.Record`` objects with Vietnamese text, built by hand.

Not a pytest conftest (it is imported explicitly), so the sink tests do not depend on the
extractors: a sink bug shows up here even while the extractors are being rewritten.
"""

from __future__ import annotations

import hashlib

from models import Issuer, Record, Reference, Signer, Source, Task
from models.record import task_id


def make_record(
    name: str = "Công văn 100-UBND-NC.pdf",
    *,
    content: str = "công văn số 100",
    ordinals: tuple[str, ...] = ("1", "2.1", "2.2"),
    subject: str = "tiếp tục triển khai thực hiện Chỉ thị số 53-CT/TW của Bộ Chính trị",
) -> Record:
    """A công văn with tasks at ``ordinals`` and two references; ``content`` decides the sha256."""
    sha = hashlib.sha256(content.encode()).hexdigest()
    tasks = [
        Task(
            id=task_id(sha, ordinal),
            ordinal=ordinal,
            text=f"Nhiệm vụ {ordinal}: tham mưu Ủy ban nhân dân tỉnh tăng cường kiểm tra, "
            'giám sát việc "thực hiện"; báo cáo, đánh giá\nkết quả',
            lead=["Sở Nội vụ"] if ordinal != "1" else ["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"],
            support=["các cơ quan, đơn vị liên quan"],
            deadline="2026-06-30" if ordinal.startswith("2") else None,
            recurrence="định kỳ hằng quý" if ordinal == "1" else None,
            report_to="Ủy ban nhân dân tỉnh (qua Thanh tra tỉnh)",
        )
        for ordinal in ordinals
    ]
    return Record(
        source=Source(path=f"/srv/inbox/{name}", sha256=sha, media_type="application/pdf", pages=3),
        issuer=Issuer(name="Ủy ban nhân dân tỉnh Lào Cai"),
        doc_type="Công văn",
        number="100",
        symbol="UBND-NC",
        code="100/UBND-NC",
        place="Lào Cai",
        issued_date="2026-03",
        subject=subject,
        urgency="Hỏa tốc",
        recipients=["Công an tỉnh", "Bộ Chỉ huy quân sự tỉnh"],
        references=[
            Reference(doc_type="Chỉ thị", code="53-CT/TW", issuer="Bộ Chính trị", mentions=2),
            Reference(doc_type="Kế hoạch", code="33-KH/TU", issued_date="2026-01-16", mentions=1),
        ],
        tasks=tasks,
        signer=Signer(name="Nguyễn Tuấn Anh", title="Chủ tịch", authority="KT."),
        distribution=["Như trên", "TT Tỉnh ủy", "Lưu: VT, NC (Ng, D)"],
        warnings=["Trang 3 mờ, đọc bằng OCR"],
    )
