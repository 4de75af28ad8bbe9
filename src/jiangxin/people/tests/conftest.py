"""Fixtures of the people tests: profiles in Hebei (kept by the enterprise union's clerk) and
in Henan, and small real files for uploads."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib

import pytest

from jiangxin.people import actions
from tests.factories import make_person, valid_id_number

PHONE = "13812345678"


@pytest.fixture
def hebei_person(world):  # type: ignore[no-untyped-def]
    """A Hebei profile with a phone number, kept by the Hebei union's clerk."""
    clerk = world.users["hebei_clerk"]
    person = make_person(clerk, world.hebei_enterprise, union=world.hebei_union, name="张建华")
    return actions.do_update_person(
        acting_user=clerk, person_id=person.pk, changes={"phone": PHONE}
    )


@pytest.fixture
def henan_person(world):  # type: ignore[no-untyped-def]
    return make_person(
        world.users["henan_officer"],
        world.henan_enterprise,
        name="李卫东",
        id_number=valid_id_number(region="410102", birth=dt.date(1980, 2, 29), male=False),
    )


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    """A small but well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
        }
    )


ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
MZ_HEADER = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
)


def xlsx_bytes() -> bytes:
    """A real workbook, as Excel or WPS would save it (written by openpyxl)."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["姓名", "工种"])
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def en_client(client):  # type: ignore[no-untyped-def]
    """A test client whose pages come in English (to assert the English originals)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
