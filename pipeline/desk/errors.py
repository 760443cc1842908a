"""What can go wrong at the desk, in words a clerk can act on (Vietnamese, then English)."""

from __future__ import annotations


class DeskError(Exception):
    """A request the desk cannot carry out; ``status`` is the HTTP status the page answers with."""

    status = 400

    def __init__(self, vi: str, en: str) -> None:
        self.vi = vi
        self.en = en
        super().__init__(f"{vi} / {en}")


class DocumentNotFound(DeskError):
    status = 404

    def __init__(self, doc_id: str) -> None:
        super().__init__(
            f"Không có văn bản mã {doc_id} trong kho (có thể đã được đọc lại thành văn bản khác)",
            f"no document {doc_id} in the store (a re-read may have made it another document)",
        )


class TaskNotFound(DeskError):
    status = 404

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Không có nhiệm vụ mã {task_id}", f"no task {task_id}")


class SourceUnavailable(DeskError):
    """The file a document was read from cannot be shown (moved, deleted, no longer readable)."""

    status = 404

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(
            f"Không mở được tệp nguồn {path}: {reason}. Biểu mẫu vẫn dùng được; đối chiếu với bản giấy",
            f"cannot open the source file {path}: {reason}; the form still works: check against the paper",
        )


class FormInvalid(DeskError):
    """Fields the clerk typed that cannot be saved; ``fields`` maps a field name to its message."""

    status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__(
            f"Có {len(fields)} ô chưa đúng, xem ghi chú đỏ bên cạnh",
            f"{len(fields)} field(s) cannot be saved; see the notes beside them",
        )
