"""Checks on uploaded evidence: size, extension, and the content itself (magic bytes).

A file is accepted only when its extension is on the list *and* the bytes are of the type the
extension promises (`filetype` reads the signature), so a renamed executable or script is
refused whatever it is called. Office documents are ZIP containers: their signature is ZIP, and
the container must hold the part that makes it a Word or Excel file.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.utils.translation import gettext_lazy as _

from jiangxin.core.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: extension → (MIME type stored and served, the `filetype` signatures accepted). `filetype`
#: names an Office container by the parts it sees near the start, or plain ZIP when the
#: parts come later in the archive; the container check below decides in both cases.
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    ".pdf": ("application/pdf", ("application/pdf",)),
    ".jpg": ("image/jpeg", ("image/jpeg",)),
    ".jpeg": ("image/jpeg", ("image/jpeg",)),
    ".png": ("image/png", ("image/png",)),
    ".docx": (_DOCX, (_DOCX, "application/zip")),
    ".xlsx": (_XLSX, (_XLSX, "application/zip")),
}

#: The part an Office container must hold to be what its extension says.
_OFFICE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}

ALLOWED_LABEL = "PDF, JPG, PNG, DOCX, XLSX"


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _refuse(rule: str, message: str) -> DomainError:
    return DomainError(rule, message)


def check_upload(name: str, stream: IO[bytes], size: int) -> CheckedFile:
    """Check an upload; raise DomainError with the rule that refused it."""
    original = PurePath(name).name.strip()[:200] or "file"
    extension = PurePath(original).suffix.lower()
    if size <= 0:
        raise _refuse("upload.empty", str(_("The file is empty.")))
    if size > MAX_BYTES:
        raise _refuse(
            "upload.too_large",
            str(
                _("The file is %(size)s MB; files may be at most %(max)s MB.")
                % {"size": round(size / 1024 / 1024, 1), "max": MAX_BYTES // 1024 // 1024}
            ),
        )
    if extension not in ALLOWED:
        raise _refuse(
            "upload.extension",
            str(
                _("Files of this type cannot be uploaded. Allowed: %(allowed)s.")
                % {"allowed": ALLOWED_LABEL}
            ),
        )
    content_type, signatures = ALLOWED[extension]
    stream.seek(0)
    head = stream.read(8192)
    detected = filetype.guess_mime(head)
    if detected not in signatures:
        raise _refuse(
            "upload.content_mismatch",
            str(
                _(
                    "The content of “%(name)s” is not a %(ext)s file (renamed or damaged files "
                    "cannot be uploaded)."
                )
                % {"name": original, "ext": extension.lstrip(".").upper()}
            ),
        )
    if extension in _OFFICE_PART:
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                is_office = _OFFICE_PART[extension] in archive.namelist()
        except zipfile.BadZipFile:
            is_office = False
        if not is_office:
            raise _refuse(
                "upload.content_mismatch",
                str(
                    _(
                        "The content of “%(name)s” is not a %(ext)s file (renamed or damaged "
                        "files cannot be uploaded)."
                    )
                    % {"name": original, "ext": extension.lstrip(".").upper()}
                ),
            )
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(65536), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(
        original_name=original,
        extension=extension,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )
