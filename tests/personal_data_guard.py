"""A guard on every response the tests see: no unmasked ID number or mobile number may appear.

Installed for the whole suite by the root conftest. A test that legitimately shows a full value
(the audited reveal action) marks itself ``@pytest.mark.reveals_personal_data``.
"""

from __future__ import annotations

import re
from typing import Any

from jiangxin.core.idnumbers import check_character

# Not part of a longer run of letters or digits (hashes, tokens and ids are not phone numbers).
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
PHONE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")


def unmasked_personal_data(text: str) -> list[str]:
    """Full ID numbers (with a valid check character) and mobile numbers found in `text`."""
    found = [
        m.group(1)
        for m in ID_CANDIDATE.finditer(text)
        if check_character(m.group(1)[:17]) == m.group(1)[17].upper()
    ]
    found += [m.group(1) for m in PHONE_CANDIDATE.finditer(text)]
    return found


def check_response(response: Any) -> None:
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        return
    if not any(t in content_type for t in ("text/", "json", "xml", "javascript")):
        return
    text = response.content.decode("utf-8", errors="replace")
    leaks = unmasked_personal_data(text)
    assert not leaks, f"unmasked personal data in a response: {leaks}"
