"""The project's own errors, with messages a clerk (văn thư) can act on.

Every message names the file and the reason, in Vietnamese and English, and says what to do.
"""

from __future__ import annotations

from pathlib import Path


class DirectivesError(Exception):
    """Base class: something about one input file that stops its record from being made."""

    reason_vi: str = "Không xử lý được tệp"
    advice_vi: str = "Kiểm tra tệp và thử lại."
    advice_en: str = "Check the file and try again."

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def for_clerk(self) -> str:
        """A few lines, Vietnamese first, saying what went wrong and what to do."""
        return (
            f"Tệp / File: {self.path}\n"
            f"Lỗi: {self.reason_vi}. {self.advice_vi}\n"
            f"Error: {self.reason}. {self.advice_en}\n"
        )


class UnsupportedFormat(DirectivesError):
    """Not a format any reader reads (the list comes from the readers' registry)."""

    advice_vi = "Lưu văn bản dưới dạng PDF hoặc DOCX rồi gửi lại."
    advice_en = "Save the document as PDF or DOCX and drop it again."

    # the list of formats comes from the readers' registry, read when asked
    @property
    def reason_vi(self) -> str:  # type: ignore[override]
        from pipeline.readers import formats

        return f"Định dạng tệp không được hỗ trợ (chỉ nhận {formats()})"


class UnreadableFile(DirectivesError):
    """The file is damaged, encrypted, empty, or cannot be opened."""

    reason_vi = "Tệp bị hỏng, bị khóa mật khẩu, rỗng hoặc không mở được"
    advice_vi = "Mở thử tệp trên máy; nếu mở được, lưu lại bản mới (không đặt mật khẩu) rồi gửi lại."
    advice_en = "Open the file on a computer; if it opens, save a fresh copy without a password and drop it again."


class NoText(DirectivesError):
    """The file opened but holds no text we can read (a scan OCR could not read, a blank page)."""

    reason_vi = "Không đọc được chữ trong tệp (bản quét mờ hoặc trang trắng)"
    advice_vi = "Quét lại văn bản rõ hơn (300 dpi, thẳng trang) hoặc xin bản điện tử gốc."
    advice_en = "Scan the paper again more clearly (300 dpi, straight) or ask for the born-digital file."


class NotAnOfficialDocument(DirectivesError):
    """Text was read but nothing in it looks like the header of an official document."""

    reason_vi = "Không tìm thấy phần đầu văn bản hành chính (cơ quan ban hành, số, ký hiệu)"
    advice_vi = "Kiểm tra đây có phải văn bản hành chính không; nếu phải, chuyển cho cán bộ xử lý thủ công."
    advice_en = "Check this is an official document; if it is, pass it to a person to register by hand."


class FileTooLarge(DirectivesError):
    """The file is bigger than the operator allows (``api_max_upload_mb``)."""

    reason_vi = "Tệp quá lớn"
    advice_vi = "Gửi bản PDF nhẹ hơn (quét 200-300 dpi, đen trắng) hoặc chia văn bản thành nhiều tệp."
    advice_en = "Send a lighter PDF (scan at 200-300 dpi, black and white) or split the document into several files."
