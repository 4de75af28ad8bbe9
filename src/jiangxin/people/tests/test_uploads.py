"""Upload checks: size, extension and the content itself; server-generated storage names."""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage

from jiangxin.core.errors import DomainError
from jiangxin.people import actions, uploads
from jiangxin.people.models import Attachment

from .conftest import (
    ELF_HEADER,
    MZ_HEADER,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.usefixtures("campaign_day")


def _upload(world, person, name: str, data: bytes, size: int | None = None):  # type: ignore[no-untyped-def]
    return actions.do_upload_attachment(
        acting_user=world.users["hebei_clerk"],
        person_id=person.pk,
        name=name,
        stream=BytesIO(data),
        size=len(data) if size is None else size,
        description="技能证书",
    )


def _stored_files() -> set[str]:
    root = PurePosixPath("private/attachments")
    found: set[str] = set()
    if not default_storage.exists(str(root)):
        return found
    years, _files = default_storage.listdir(str(root))
    for year in years:
        months, _ = default_storage.listdir(str(root / year))
        for month in months:
            _dirs, files = default_storage.listdir(str(root / year / month))
            found |= {str(root / year / month / f) for f in files}
    return found


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("高级技师证书.png", png_bytes(), "image/png"),
        ("获奖证明.PDF", pdf_bytes(), "application/pdf"),
        ("业绩材料.docx", docx_bytes(), uploads.ALLOWED[".docx"][0]),
        ("徒弟名单.xlsx", xlsx_bytes(), uploads.ALLOWED[".xlsx"][0]),
    ],
)
def test_real_files_are_accepted_under_a_server_generated_name(
    world, hebei_person, name, data, content_type
):
    attachment = _upload(world, hebei_person, name, data)
    attachment.refresh_from_db()
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    stored = PurePosixPath(attachment.file.name)
    assert stored.parts[:2] == ("private", "attachments")
    assert stored.suffix == PurePosixPath(name).suffix.lower()
    assert PurePosixPath(name).stem not in stored.name
    assert len(stored.stem) == 32  # a random uuid4 hex
    with attachment.file.open("rb") as handle:
        assert handle.read() == data


def test_the_uploaded_name_never_becomes_a_path(world, hebei_person):
    attachment = _upload(world, hebei_person, "../../../etc/passwd.png", png_bytes())
    assert attachment.original_name == "passwd.png"
    assert ".." not in attachment.file.name
    assert "passwd" not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("证书.pdf", ELF_HEADER),  # a Linux executable renamed
        ("证书.pdf", MZ_HEADER),  # a Windows executable renamed
        ("照片.png", pdf_bytes()),  # a PDF calling itself a PNG
        ("照片.jpg", b"<script>alert(1)</script>" * 10),
        ("材料.docx", zip_bytes({"hello.txt": b"hello"})),  # a plain zip
        ("表格.xlsx", docx_bytes()),  # a Word container calling itself Excel
        ("材料.docx", b"PK\x03\x04" + b"\x00" * 60),  # zip signature, broken archive
    ],
)
def test_renamed_or_disguised_files_are_refused(world, hebei_person, name, data):
    before = _stored_files()
    with pytest.raises(DomainError) as exc:
        _upload(world, hebei_person, name, data)
    assert exc.value.rule == "upload.content_mismatch"
    assert not Attachment.objects.exists()
    assert _stored_files() == before


@pytest.mark.parametrize(
    "name", ["setup.exe", "page.html", "script.sh", "noextension", "a.pdf.exe"]
)
def test_wrong_extensions_are_refused(world, hebei_person, name):
    with pytest.raises(DomainError) as exc:
        _upload(world, hebei_person, name, pdf_bytes())
    assert exc.value.rule == "upload.extension"


def test_too_large_and_empty_files_are_refused(world, hebei_person, english):
    with pytest.raises(DomainError) as exc:
        _upload(world, hebei_person, "大文件.pdf", pdf_bytes(), size=uploads.MAX_BYTES + 1)
    assert exc.value.rule == "upload.too_large"
    assert "at most 20 MB" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        _upload(world, hebei_person, "空.pdf", b"")
    assert exc.value.rule == "upload.empty"
    # Exactly the limit is allowed.
    checked = uploads.check_upload("ok.pdf", BytesIO(pdf_bytes()), uploads.MAX_BYTES)
    assert checked.size == uploads.MAX_BYTES


def test_a_refused_upload_after_the_file_was_written_leaves_nothing(
    world, hebei_person, monkeypatch
):
    from jiangxin.people import actions as people_actions

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit unavailable")

    before = _stored_files()
    monkeypatch.setattr(people_actions, "record_event", fail)
    with pytest.raises(RuntimeError):
        _upload(world, hebei_person, "证书.png", png_bytes())
    assert not Attachment.objects.exists()
    assert _stored_files() == before


def test_the_sha256_is_recorded(world, hebei_person):
    import hashlib

    data = png_bytes()
    attachment = _upload(world, hebei_person, "a.png", data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
