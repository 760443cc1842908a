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


class TooLarge(DirectivesError):
    """The file passes one of the limits (decompressed size, pages, text size) set in the settings."""

    reason_vi = "Tệp vượt quá giới hạn cho phép (dung lượng giải nén, số trang hoặc độ dài văn bản)"
    advice_vi = (
        "Kiểm tra đây có đúng là văn bản cần xử lý không; nếu đúng, tách văn bản thành các tệp nhỏ hơn "
        "hoặc báo bộ phận kỹ thuật nâng giới hạn trong cấu hình."
    )
    advice_en = (
        "Check this is the document you meant; if it is, split it into smaller files "
        "or ask IT support to raise the limit named above in the settings."
    )


class NotARegularFile(DirectivesError):
    """A symbolic link or a folder where a document was expected: never followed, never entered."""

    reason_vi = "Đây không phải là một tệp văn bản (là thư mục hoặc liên kết tắt)"
    advice_vi = "Chép chính tệp văn bản (không phải thư mục hay liên kết tắt) rồi gửi lại."
    advice_en = "Copy the document file itself (not a folder or a link to it) and drop it again."


class TimedOut(DirectivesError):
    """Reading the file took longer than the per-document time limit; its reader was stopped."""

    reason_vi = "Đọc tệp quá thời gian cho phép nên đã dừng"
    advice_vi = (
        "Mở thử tệp trên máy và lưu lại bản mới rồi gửi lại; nếu đây là bản quét rất dài, "
        "tách thành các tệp nhỏ hơn. Nếu vẫn lỗi, báo bộ phận kỹ thuật."
    )
    advice_en = (
        "Open the file on a computer, save a fresh copy and drop it again; if it is a very long scan, "
        "split it. If it fails again, tell IT support."
    )


class FileTooLarge(DirectivesError):
    """The file is bigger than the operator allows (``api_max_upload_mb``)."""

    reason_vi = "Tệp quá lớn"
    advice_vi = "Gửi bản PDF nhẹ hơn (quét 200-300 dpi, đen trắng) hoặc chia văn bản thành nhiều tệp."
    advice_en = "Send a lighter PDF (scan at 200-300 dpi, black and white) or split the document into several files."


class WorkerCannotSee(DirectivesError):
    """A worker of a work pool cannot see a batch's documents or its output folder."""

    reason_vi = "Máy xử lý (worker) không thấy tệp của lượt chạy"
    advice_vi = (
        "Mọi máy xử lý phải gắn (mount) cùng thư mục dùng chung; báo bộ phận kỹ thuật đặt shared_dir "
        "trên từng máy rồi chạy lại."
    )
    advice_en = (
        "Every worker must mount the same shared folder; set shared_dir on each machine and run the batch again."
    )


class ChunkLost(DirectivesError):
    """Every run of a batch's chunk ended before this document was read (its workers died, or it failed)."""

    reason_vi = "Chưa xử lý được: các máy xử lý không hoàn thành phần việc chứa tệp này"
    advice_vi = "Chạy lại lượt xử lý; nếu vẫn lỗi, báo bộ phận kỹ thuật kiểm tra các máy xử lý (worker)."
    advice_en = "Run the batch again; if it fails again, ask IT support to check the workers."
