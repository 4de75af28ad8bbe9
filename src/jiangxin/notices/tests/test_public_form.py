"""The public objection form, as a visitor uses it: one question group per page, errors keep
what was typed (personal numbers only masked), uploads checked, the captcha, the check page,
the receipt and the private status page; the rate limits answer 429."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from jiangxin.notices.models import Objection, ObjectionFile
from jiangxin.notices.public_views import COOKIE
from tests.factories import OBJECTOR_PHONE, file_objection, tiny_pdf, valid_id_number

from .conftest import captcha_answer

pytestmark = pytest.mark.usefixtures("campaign_day")

RECEIPT = re.compile(r"\b\d{2}-[2-9A-HJKMNP-Z]{8}\b")
MZ = b"MZ\x90\x00" + b"\x00" * 60


def _step(name: str) -> str:
    return reverse("notices:object_step", args=[name])


def _kept(html: str, name: str) -> str:
    match = re.search(rf'name="{name}__kept" value="([^"]+)"', html)
    assert match, f"no kept value for {name}"
    return match.group(1)


def _begin(client, notice, entry):  # type: ignore[no-untyped-def]
    url = reverse("notices:object_start", args=[notice.pk, entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert entry.public_name in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == _step("who")
    assert response.cookies[COOKIE]["httponly"]
    return response


def _fill_person(client) -> str:  # type: ignore[no-untyped-def]
    """Answer who and details as a person; returns the ID number used."""
    assert client.post(_step("who"), {"kind": "person"})["Location"] == _step("details")
    id_number = valid_id_number()
    response = client.post(
        _step("details"), {"name": "赵举报", "phone": OBJECTOR_PHONE, "id_number": id_number}
    )
    assert response["Location"] == _step("facts")
    return id_number


FACTS = "该同志申报的两项专利实际为他人发明，相关证明材料附后。"


def test_a_visitor_files_an_objection_page_by_page(en_client, notice):
    client = en_client
    entry = notice.public_entries().first()
    _begin(client, notice, entry)

    # Who: nothing chosen is an error on the same page.
    response = client.post(_step("who"), {})
    assert response.status_code == 200
    assert "Choose whether you object as a person or as a unit." in response.content.decode()
    assert client.post(_step("who"), {"kind": "person"})["Location"] == _step("details")

    # Details: a wrong ID number keeps the name and the phone (masked, sealed alongside).
    good = valid_id_number()
    bad_id = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = client.post(
        _step("details"), {"name": "赵举报", "phone": OBJECTOR_PHONE, "id_number": bad_id}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "check digit" in html
    assert 'value="赵举报"' in html
    assert "139****5678" in html and OBJECTOR_PHONE not in html
    # Sent again untouched (masked value + sealed token), the phone is kept as typed.
    id_number = valid_id_number()
    response = client.post(
        _step("details"),
        {
            "name": "赵举报",
            "phone": "139****5678",
            "phone__kept": _kept(html, "phone"),
            "id_number": id_number,
        },
    )
    assert response["Location"] == _step("facts")

    # Facts: too short is refused, the text stays.
    response = client.post(_step("facts"), {"facts": "不属实"})
    assert "at least 10 characters" in response.content.decode()
    assert "不属实" in response.content.decode()
    assert client.post(_step("facts"), {"facts": FACTS})["Location"] == _step("evidence")

    # Evidence: a renamed executable is refused by its content; a real PDF is kept.
    fake = SimpleUploadedFile("证据.pdf", MZ, content_type="application/pdf")
    response = client.post(_step("evidence"), {"action": "upload", "file": fake})
    assert response.status_code == 200
    assert "is not a PDF file" in response.content.decode()
    pdf = SimpleUploadedFile("专利证明.pdf", tiny_pdf(), content_type="application/pdf")
    assert client.post(_step("evidence"), {"action": "upload", "file": pdf}).status_code == 302
    assert "专利证明.pdf" in client.get(_step("evidence")).content.decode()
    assert client.post(_step("evidence"), {"action": "continue"})["Location"] == _step("check")

    # Check: every answer with a change link; numbers masked.
    page = client.get(_step("check"))
    html = page.content.decode()
    assert FACTS in html and "赵举报" in html and "139****5678" in html
    assert f"{_step('details')}?next=check" in html
    # A wrong captcha: an error, nothing lost, a new captcha drawn.
    answer = captcha_answer(html)
    response = client.post(
        _step("check"), {"declaration": "on", "captcha_0": answer["captcha_0"], "captcha_1": "0"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The digits do not match" in html
    assert FACTS in html and re.search(r'<input[^>]*name="declaration"[^>]*checked', html)
    assert captcha_answer(html)["captcha_0"] != answer["captcha_0"]
    # The right answer files it.
    response = client.post(_step("check"), {"declaration": "on", **captcha_answer(html)})
    assert response["Location"] == reverse("notices:object_done")

    objection = Objection.objects.get()
    assert RECEIPT.fullmatch(objection.receipt_number)
    assert (objection.complainant_name, objection.phone, objection.id_number) == (
        "赵举报",
        OBJECTOR_PHONE,
        id_number,
    )
    assert objection.files.get().kind == ObjectionFile.Kind.EVIDENCE
    assert not objection.is_late
    with connection.cursor() as cursor:  # sealed at rest
        cursor.execute(
            "SELECT complainant_name, phone, id_number FROM notices_objection WHERE id = %s",
            [objection.pk],
        )
        assert all(value.startswith("v1:") for value in cursor.fetchone())

    done = client.get(reverse("notices:object_done")).content.decode()
    assert objection.receipt_number in done
    link = re.search(r'href="(http://testserver/notices/status/[^"]+)"', done)
    assert link
    status = client.get(link.group(1))
    assert status.status_code == 200 and status["Cache-Control"] == "no-store"
    assert objection.receipt_number in status.content.decode()
    assert "赵举报" not in status.content.decode()
    assert client.get(reverse("notices:objection_status", args=["wrong"])).status_code == 404


def test_a_unit_needs_its_sealed_letter(en_client, notice):
    client = en_client
    entry = notice.public_entries().first()
    _begin(client, notice, entry)
    client.post(_step("who"), {"kind": "unit"})
    data = {"unit_name": "某某机械厂", "contact_name": "钱联系", "phone": "0311-86012345"}
    response = client.post(_step("details"), data)
    assert "Upload the letter under the unit&#x27;s seal." in response.content.decode()
    assert 'value="某某机械厂"' in response.content.decode()
    letter = SimpleUploadedFile("盖章函.pdf", tiny_pdf(), content_type="application/pdf")
    assert client.post(_step("details"), {**data, "seal_letter": letter})["Location"] == (
        _step("facts")
    )
    # Back on the page, the letter is there and need not be sent again.
    page = client.get(_step("details")).content.decode()
    assert "盖章函.pdf" in page
    assert client.post(_step("details"), data)["Location"] == _step("facts")


def test_going_back_to_change_an_answer_returns_to_the_check_page(client, notice):
    _begin(client, notice, notice.public_entries().first())
    _fill_person(client)
    client.post(_step("facts"), {"facts": FACTS})
    client.post(_step("evidence"), {"action": "continue"})
    page = client.get(_step("facts") + "?next=check").content.decode()
    assert FACTS in page and 'name="next" value="check"' in page
    response = client.post(
        _step("facts") + "?next=check", {"facts": FACTS + "补充。", "next": "check"}
    )
    assert response["Location"] == _step("check")


def test_without_a_draft_the_steps_say_to_start_again(en_client, notice):
    client = en_client
    response = client.get(_step("facts"))
    assert response.status_code == 200
    assert "Start the objection again" in response.content.decode()
    assert client.get(_step("nothing")).status_code == 404


def test_too_many_submissions_from_one_address_answer_429(en_client, notice, settings):
    client = en_client
    settings.JIANGXIN_OBJECTION_RATE_LIMITS = {"submit_per_ip": (2, 3600)}
    _begin(client, notice, notice.public_entries().first())
    _fill_person(client)
    client.post(_step("facts"), {"facts": FACTS})
    for _ in range(2):  # wrong captchas count too
        response = client.post(_step("check"), {"declaration": "on", "captcha_1": "x"})
        assert response.status_code == 200
    response = client.post(_step("check"), {"declaration": "on", "captcha_1": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many objections in a short time" in response.content.decode()
    assert not Objection.objects.exists()


def test_too_many_objections_with_one_phone_answer_429(en_client, notice, settings):
    client = en_client
    settings.JIANGXIN_OBJECTION_RATE_LIMITS = {"submit_per_phone": (1, 86400)}
    entries = list(notice.public_entries())
    for i, entry in enumerate(entries[:2]):
        _begin(client, notice, entry)
        _fill_person(client)
        client.post(_step("facts"), {"facts": FACTS})
        page = client.get(_step("check")).content.decode()
        response = client.post(_step("check"), {"declaration": "on", **captcha_answer(page)})
        if i == 0:
            assert response.status_code == 302
        else:
            assert response.status_code == 429
            assert "with this telephone number" in response.content.decode()
    assert Objection.objects.count() == 1


def test_a_late_objection_is_received_and_marked(world, notice, time_machine):
    time_machine.move_to(notice.closes_at)
    objection, _token = file_objection(notice, notice.public_entries().first())
    assert objection.is_late


def test_the_captcha_has_a_spoken_alternative(client, notice):
    from jiangxin.notices import captcha

    _begin(client, notice, notice.public_entries().first())
    _fill_person(client)
    client.post(_step("facts"), {"facts": FACTS})
    html = client.get(_step("check")).content.decode()
    key = captcha_answer(html)["captcha_0"]
    assert f'src="/captcha/image/{key}@2/"' in html
    image = client.get(f"/captcha/image/{key}@2/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    if captcha.speech_program() is None:
        pytest.skip("no speech synthesiser (apt-get install espeak-ng)")
    audio_url = reverse("notices:captcha_audio", args=[key])
    assert audio_url in html
    audio = client.get(audio_url)
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert audio.content[:4] == b"RIFF"
    assert client.get(reverse("notices:captcha_audio", args=["0" * 40])).status_code == 404


def test_spoken_text_reads_the_digits_in_chinese():
    from jiangxin.notices.captcha import digits_challenge, spoken_text

    assert spoken_text("4827") == "四，八，二，七。"
    shown, expected = digits_challenge()
    assert shown == expected and len(shown) == 4 and shown.isdigit()


def test_the_form_is_refused_once_the_notice_takes_no_objections(client, world, notice):
    from jiangxin.notices.models import PublicNotice
    from jiangxin.programs.models import Campaign

    entry = notice.public_entries().first()
    PublicNotice.objects.filter(pk=notice.pk).update(status="closed")
    Campaign.objects.filter(pk=notice.campaign_id).update(status="published")
    url = reverse("notices:object_start", args=[notice.pk, entry.pk])
    assert client.post(url).status_code == 200
    assert COOKIE not in client.cookies
    assert BytesIO
