"""edXML (QCVN 102:2016/BTTTT): the message e-office systems exchange documents in, built from a record.

    >>> message = edxml_message(record, organ_ids={"Ủy ban nhân dân tỉnh Thái Nguyên": "000.00.00.H55"})
    >>> message.xml          # bytes, UTF-8                                    # doctest: +SKIP
    >>> read_edxml(message.xml).document_id                                    # doctest: +SKIP
    '000.00.00.H55,2026/03/05,125/UBND-NC'

The layout follows the standard's envelope (``edXML > edXMLEnvelope > edXMLHeader > MessageHeader``,
``edXMLBody > edXMLManifest``, and the file itself base64 in ``AttachmentEncoded``) in the
namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``. How each header field is filled:

=========================  ====================================================================
MessageHeader element      from the record
=========================  ====================================================================
From/OrganId, OrganName    the issuer's mã định danh (``edxml_organ_ids`` setting) and name
From/OrganizationInCharge  the issuer's parent (cơ quan chủ quản)
To (one per recipient)     each Kính gửi line, with its mã định danh when the setting has it
Code/CodeNumber, Notation  số and ký hiệu
PromulgationInfo           địa danh, and the issued date as YYYY/MM/DD (empty when day or month is blank)
DocumentType/Type          1 (văn bản quy phạm pháp luật: the code carries a year, "12/2024/QĐ-UBND")
                           or 2 (văn bản hành chính); TypeName the type as printed
Subject                    trích yếu
SignerInfo                 Competence = quyền hạn (TM., KT., ...), Position = chức vụ, FullName
DueDate                    the earliest task deadline (its last day), if any
ToPlaces/Place             each Nơi nhận line
OtherInfo/Priority         độ khẩn: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc
OtherInfo/PageAmount       pages of the source
SteeringType               1 when the document assigns tasks (văn bản chỉ đạo), else 0
DocumentId                 "senderOrgCode,YYYY/MM/DD,number/notation"
=========================  ====================================================================

No copy of the standard's XSD was at hand when this was written: the element names follow
public implementations of QCVN 102:2016 and the code lists (Priority, Type, SteeringType) are
the values given above, so check them against the receiving system's documentation.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from models import Record
from pipeline.store.write import due_by

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
PRIORITY = {None: 0, "Khẩn": 1, "Thượng khẩn": 2, "Hỏa tốc": 3}
LEGAL_NORMATIVE, ADMINISTRATIVE = 1, 2


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass(frozen=True)
class Organ:
    """An agency in the header: its mã định danh (may be empty when unknown) and its name."""

    organ_id: str
    name: str
    in_charge: str = ""


@dataclass(frozen=True)
class EdxmlHeader:
    """The fields of a MessageHeader, as written or as read back."""

    sender: Organ
    receivers: list[Organ]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: str
    type: int
    type_name: str
    subject: str
    competence: str
    position: str
    full_name: str
    due_date: str
    to_places: list[str]
    priority: int
    page_amount: int
    steering_type: int
    document_id: str
    attachments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EdxmlMessage:
    """An edXML message and what could not be filled (Vietnamese then English, as record warnings)."""

    xml: bytes
    header: EdxmlHeader
    warnings: list[str]


def _slash_date(iso: str | None) -> str:
    """ "2026-03-05" → "2026/03/05"; "" for a date with a blank day or month."""
    return iso.replace("-", "/") if iso and len(iso) == 10 else ""


def document_type_code(record: Record) -> int:
    """1 for a văn bản quy phạm pháp luật (its code carries the year: "12/2024/QĐ-UBND"), else 2."""
    parts = (record.code or "").split("/")
    return LEGAL_NORMATIVE if len(parts) >= 3 and len(parts[1]) == 4 and parts[1].isdigit() else ADMINISTRATIVE


def header_of(record: Record, organ_ids: dict[str, str]) -> tuple[EdxmlHeader, list[str]]:
    """The MessageHeader fields of ``record`` (see the module table) and the warnings about gaps."""
    warnings: list[str] = []
    issuer = record.issuer.name or ""
    sender_id = organ_ids.get(issuer, "")
    if not sender_id:
        warnings.append(
            f"Chưa có mã định danh của cơ quan ban hành '{issuer}' (edxml_organ_ids) / "
            f"no organ id for the issuer '{issuer}': set it in edxml_organ_ids"
        )
    date = _slash_date(record.issued_date)
    if not date:
        warnings.append(
            "Ngày ban hành chưa đầy đủ, PromulgationDate để trống / "
            "the issued date lacks a day or month: PromulgationDate left empty"
        )
    deadlines = sorted(d for d in (due_by(t.deadline) for t in record.tasks) if d)
    header = EdxmlHeader(
        sender=Organ(sender_id, issuer, record.issuer.parent or ""),
        receivers=[Organ(organ_ids.get(name, ""), name) for name in record.recipients],
        code_number=record.number or "",
        code_notation=record.symbol or "",
        place=record.place or "",
        promulgation_date=date,
        type=document_type_code(record),
        type_name=record.doc_type or "",
        subject=record.subject or "",
        competence=record.signer.authority or "",
        position=record.signer.title or "",
        full_name=record.signer.name or "",
        due_date=_slash_date(deadlines[0]) if deadlines else "",
        to_places=list(record.distribution),
        priority=PRIORITY.get(record.urgency, 0),
        page_amount=record.source.pages or 0,
        steering_type=1 if record.tasks else 0,
        document_id=f"{sender_id},{date},{record.number or ''}/{record.symbol or ''}",
    )
    return header, warnings


def _add(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    child = etree.SubElement(parent, _q(name))
    if text is not None and text != "":
        child.text = str(text)
    return child


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    element = _add(parent, name)
    _add(element, "OrganId", organ.organ_id)
    _add(element, "OrganizationInCharge", organ.in_charge)
    _add(element, "OrganName", organ.name)


def build_xml(header: EdxmlHeader, attachment: Path | None, media_type: str, now: datetime) -> bytes:
    """Serialise ``header`` (and the file, base64, when given) as an edXML message."""
    root = etree.Element(_q("edXML"), nsmap={None: NS})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NS})
    head = _add(envelope, "edXMLHeader")
    message = _add(head, "MessageHeader")
    _organ(message, "From", header.sender)
    for receiver in header.receivers:
        _organ(message, "To", receiver)
    code = _add(message, "Code")
    _add(code, "CodeNumber", header.code_number)
    _add(code, "CodeNotation", header.code_notation)
    promulgation = _add(message, "PromulgationInfo")
    _add(promulgation, "Place", header.place)
    _add(promulgation, "PromulgationDate", header.promulgation_date)
    doc_type = _add(message, "DocumentType")
    _add(doc_type, "Type", header.type)
    _add(doc_type, "TypeName", header.type_name)
    _add(message, "Subject", header.subject)
    signer = _add(message, "SignerInfo")
    _add(signer, "Competence", header.competence)
    _add(signer, "Position", header.position)
    _add(signer, "FullName", header.full_name)
    _add(message, "DueDate", header.due_date)
    places = _add(message, "ToPlaces")
    for place in header.to_places:
        _add(places, "Place", place)
    other = _add(message, "OtherInfo")
    _add(other, "Priority", header.priority)
    _add(other, "PageAmount", header.page_amount)
    _add(message, "SteeringType", header.steering_type)
    _add(message, "DocumentId", header.document_id)
    trace = _add(head, "TraceHeaderList")
    hop = _add(trace, "TraceHeader")
    _add(hop, "OrganId", header.sender.organ_id)
    _add(hop, "Timestamp", now.strftime("%Y/%m/%d %H:%M:%S"))

    body = _add(envelope, "edXMLBody")
    manifest = _add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    if attachment is not None:
        content_id = f"{attachment.name}"
        reference = etree.SubElement(manifest, _q("Reference"), nsmap={"xlink": XLINK})
        reference.set(f"{{{XLINK}}}href", f"cid:{content_id}")
        reference.set(f"{{{XLINK}}}type", "simple")
        _add(reference, "AttachmentName", attachment.name)
        _add(reference, "ContentType", media_type)
        _add(reference, "ContentId", f"cid:{content_id}")
        encoded = _add(root, "AttachmentEncoded")
        item = _add(encoded, "Attachment")
        _add(item, "ContentType", media_type)
        _add(item, "ContentId", content_id)
        _add(item, "AttachmentName", attachment.name)
        _add(item, "ContentTransferEncoded", base64.b64encode(attachment.read_bytes()).decode("ascii"))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def edxml_message(
    record: Record, organ_ids: dict[str, str] | None = None, *, attach: bool = True, now: datetime | None = None
) -> EdxmlMessage:
    """The edXML message of ``record``, with its source file attached when ``attach`` and the file is there."""
    header, warnings = header_of(record, organ_ids or {})
    source = Path(record.source.path)
    attachment = source if attach and source.is_file() else None
    if attach and attachment is None:
        warnings.append(
            f"Không còn tệp nguồn {record.source.path}, gói tin không kèm tệp / "
            f"the source file {record.source.path} is gone: the message carries no attachment"
        )
    xml = build_xml(header, attachment, record.source.media_type, now or datetime.now(UTC))
    if attachment is not None:
        header = EdxmlHeader(**{**header.__dict__, "attachments": [attachment.name]})
    return EdxmlMessage(xml=xml, header=header, warnings=warnings)


def read_edxml(xml: bytes) -> EdxmlHeader:
    """Read the MessageHeader of an edXML message back (for tests and for systems importing ours)."""
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    message = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('MessageHeader')}")
    if message is None:
        raise ValueError("not an edXML message: no edXMLEnvelope/edXMLHeader/MessageHeader")

    def text(path: str, under: etree._Element = message) -> str:
        found = under.find("/".join(_q(p) for p in path.split("/")))
        return (found.text or "") if found is not None else ""

    def organ(element: etree._Element) -> Organ:
        return Organ(text("OrganId", element), text("OrganName", element), text("OrganizationInCharge", element))

    sender = message.find(_q("From"))
    manifest = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLBody')}/{_q('edXMLManifest')}")
    return EdxmlHeader(
        sender=organ(sender) if sender is not None else Organ("", ""),
        receivers=[organ(e) for e in message.findall(_q("To"))],
        code_number=text("Code/CodeNumber"),
        code_notation=text("Code/CodeNotation"),
        place=text("PromulgationInfo/Place"),
        promulgation_date=text("PromulgationInfo/PromulgationDate"),
        type=int(text("DocumentType/Type") or 0),
        type_name=text("DocumentType/TypeName"),
        subject=text("Subject"),
        competence=text("SignerInfo/Competence"),
        position=text("SignerInfo/Position"),
        full_name=text("SignerInfo/FullName"),
        due_date=text("DueDate"),
        to_places=[e.text or "" for e in message.findall(f"{_q('ToPlaces')}/{_q('Place')}")],
        priority=int(text("OtherInfo/Priority") or 0),
        page_amount=int(text("OtherInfo/PageAmount") or 0),
        steering_type=int(text("SteeringType") or 0),
        document_id=text("DocumentId"),
        attachments=[] if manifest is None else [text("AttachmentName", r) for r in manifest.findall(_q("Reference"))],
    )
