"""Serving an uploaded attachment (profile attachments and nomination evidence alike).

The caller finds the attachment through a scoped selector first (`attachments_visible_to`,
or the nominations app's own evidence selector); this module only builds the response.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, Http404

from jiangxin.people.models import Attachment

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\-\[\] ]")


def _ascii_fallback(name: str, suffix: str) -> str:
    """A plain-ASCII file name for clients that ignore ``filename*``."""
    stem = PurePosixPath(name).stem if name.lower().endswith(suffix) else name
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE_ASCII.sub("_", folded).strip(" ._")
    return f"{stem or 'attachment'}{suffix}"


def content_disposition(name: str, suffix: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the UTF-8 original in ``filename*``
    (RFC 6266 / RFC 5987). Control characters, quotes and path separators cannot get in."""
    clean = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    clean = clean.replace("/", "_").replace("\\", "_").strip() or f"attachment{suffix}"
    fallback = _ascii_fallback(clean, suffix)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(clean, safe='')}"


def attachment_response(attachment: Attachment) -> FileResponse:
    """A download of `attachment`: its stored content type, never sniffed, the original
    file name. Raises Http404 if the file is missing from storage."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    suffix = PurePosixPath(attachment.file.name).suffix.lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_ascii_fallback(attachment.original_name, suffix),
        content_type=attachment.content_type,
    )
    # Django writes only one of filename / filename*; send both, the UTF-8 name in the second.
    response["Content-Disposition"] = content_disposition(attachment.original_name, suffix)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
