"""The craftsman pages (工匠风采): shown only with consent and only what was consented; the
photo, highlights and stories officers add; filters, scope and query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from jiangxin.accounts.models import Role
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.cultivation.models import CraftsmanProfile, ProfileHighlight
from jiangxin.orgs.models import Organization
from jiangxin.portal import craftsmen
from jiangxin.reference.models import Region
from tests.factories import make_article, make_noticed_campaign, make_user, publish

pytestmark = pytest.mark.usefixtures("campaign_day")

NAMES = ["张伟", "李娜", "王芳", "马超", "尹东"]
STROKE_ORDER = ["马超", "王芳", "尹东", "李娜", "张伟"]


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    """A published national list: 王芳 did not agree to her name, 李娜 only to her name."""
    campaign, nominations = make_noticed_campaign(
        world,
        people=[{"name": n} for n in NAMES],
        consent={"王芳": ["gender", "unit", "occupation"], "李娜": ["name"]},
    )
    publish(world, campaign)
    return campaign, {n.person.name: n for n in nominations}


def _page(client: Client, name: str) -> str:
    response = client.get(name)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def _person_url(nominations, name: str, view: str = "portal:craftsman") -> str:  # type: ignore[no-untyped-def]
    return reverse(view, args=[nominations[name].person_id])


# --- Public pages -----------------------------------------------------------------------------


def test_the_list_shows_the_named_craftsmen_in_stroke_order(client, published):
    _, nominations = published
    html = _page(client, reverse("portal:craftsmen"))
    shown = [name for name in STROKE_ORDER if name != "王芳"]
    assert [html.index(name) for name in shown] == sorted(html.index(name) for name in shown)
    # No consent to the name: no card, no page.
    assert "王芳" not in html
    assert client.get(_person_url(nominations, "王芳")).status_code == 404


def test_a_page_shows_only_what_was_consented(client, published):
    _, nominations = published
    full = _page(client, _person_url(nominations, "张伟"))
    assert "石家庄钢铁有限责任公司" in full and "焊工" in full
    assert "从事焊接工作二十年" in full  # the deeds summary, consented
    only_name = _page(client, _person_url(nominations, "李娜"))
    assert "李娜" in only_name
    for withheld in ("石家庄钢铁有限责任公司", "焊工", "从事焊接工作二十年"):
        assert withheld not in only_name
    # Never the birth date, ID number or phone, whatever the consent.
    person = nominations["张伟"].person
    for private in (person.id_number, person.id_number[-4:], person.birth_date.isoformat()):
        assert private not in full
    assert "1978" not in full


def test_no_page_before_publication(client, world):
    _, nominations = make_noticed_campaign(world)
    n = nominations[0]
    assert client.get(reverse("portal:craftsman", args=[n.person_id])).status_code == 404
    assert n.person.name not in _page(client, reverse("portal:craftsmen"))


def test_a_consent_recorded_in_the_notice_governs_the_page(client, world):
    from jiangxin.notices.models import NoticeEntry, PublicNotice

    campaign, nominations = make_noticed_campaign(world, people=[{"name": "马超"}])
    NoticeEntry.objects.create(
        notice=PublicNotice.objects.get(campaign=campaign),
        nomination=nominations[0],
        rank=1,
        consent_fields=["name", "occupation"],
        public_summary="公示中的事迹简介。",
    )
    publish(world, campaign)
    html = _page(client, reverse("portal:craftsman", args=[nominations[0].person_id]))
    assert "焊工" in html
    assert "石家庄钢铁有限责任公司" not in html
    assert "从事焊接工作二十年" not in html and "公示中的事迹简介" not in html


def test_filters(client, world, published):
    shijiazhuang = Region.objects.get(code="130100")
    Organization.objects.filter(pk=world.hebei_enterprise.pk).update(region=shijiazhuang)
    url = reverse("portal:craftsmen")

    def names(**params: str) -> list[str]:
        html = _page(client, url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
        return [n for n in NAMES if n in html and n != "王芳"]

    everyone = ["张伟", "李娜", "马超", "尹东"]
    assert sorted(names(tier="national")) == sorted(everyone)
    assert names(tier="provincial") == []
    assert sorted(names(year="2026")) == sorted(everyone)
    assert sorted(names(province="130000")) == sorted(everyone)
    # Only provinces with published craftsmen are offered.
    assert craftsmen.filter_choices()["provinces"] == [("130000", "河北省")]
    assert sorted(names(occupation="焊")) == sorted(everyone)
    assert names(occupation="钳工") == []
    assert names(q="马") == ["马超"]
    html = _page(client, url + "?q=欧阳")
    assert "没有" in html or "No craftsman matches" in html


def test_the_list_needs_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign, _ = make_noticed_campaign(world, people=[{"name": f"工匠{i:02d}"} for i in range(10)])
    publish(world, campaign)
    _page(client, reverse("portal:craftsmen"))  # the page cache's first use sets it up
    counts = {}
    for query, shown in (("工匠01", 1), ("工匠0", 10)):
        with CaptureQueriesContext(connection) as context:
            html = _page(client, reverse("portal:craftsmen") + f"?q={query}")
        assert html.count('class="craftsman-card"') == shown
        counts[shown] = len(context)
    assert counts[1] == counts[10] <= 22


# --- The editor -------------------------------------------------------------------------------


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1600, 2000), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0132] = "2026:06:01 10:00:00"  # DateTime
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo: where it was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_officer_adds_a_photo_without_its_metadata(
    client, world, published, django_capture_on_commit_callbacks
):
    _, nominations = published
    officer = world.users["program_officer"]
    person_id = nominations["张伟"].person_id
    content = _jpeg_with_exif()
    assert Image.open(io.BytesIO(content)).getexif()
    with pytest.raises(DomainError) as exc:
        craftsmen.do_save_craftsman_photo(
            acting_user=officer,
            person_id=person_id,
            name="a.jpg",
            stream=io.BytesIO(content),
            size=len(content),
            consent_on=dt.date(2026, 7, 1),
        )
    assert exc.value.rule == "craftsman.photo_consent_future"
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    with pytest.raises(DomainError) as exc:
        craftsmen.do_save_craftsman_photo(
            acting_user=officer,
            person_id=person_id,
            name="a.pdf",
            stream=io.BytesIO(pdf),
            size=len(pdf),
            consent_on=dt.date(2026, 6, 1),
        )
    assert exc.value.rule == "craftsman.photo_type"

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:craftsman_photo_save", args=[person_id]),
            {
                "photo": _upload("zhang.jpg", content),
                "consent_on": "2026-06-10",
            },
        )
    assert response.status_code == 302
    profile = CraftsmanProfile.objects.get(person_id=person_id)
    assert profile.photo.name.startswith("private/craftsmen/")
    client.logout()
    served = client.get(reverse("portal:craftsman_photo", args=[person_id]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()
    assert max(image.size) == craftsmen.PHOTO_MAX_SIDE
    assert reverse("portal:craftsman_photo", args=[person_id]) in _page(
        client, _person_url(nominations, "张伟")
    )

    # Removed: gone from the page and no longer served.
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:craftsman_photo_remove", args=[person_id]))
    client.logout()
    assert client.get(reverse("portal:craftsman_photo", args=[person_id])).status_code == 404


def _upload(name: str, content: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_no_photo_is_served_for_a_craftsman_without_a_page(world, published):
    _, nominations = published
    officer = world.users["program_officer"]
    out = io.BytesIO()
    Image.new("RGB", (40, 40)).save(out, format="PNG")
    person_id = nominations["王芳"].person_id
    craftsmen.do_save_craftsman_photo(
        acting_user=officer,
        person_id=person_id,
        name="w.png",
        stream=io.BytesIO(out.getvalue()),
        size=len(out.getvalue()),
        consent_on=dt.date(2026, 6, 1),
    )
    assert Client().get(reverse("portal:craftsman_photo", args=[person_id])).status_code == 404


def test_highlights_appear_only_once_saved_and_with_the_deeds_consent(
    client, world, published, django_capture_on_commit_callbacks
):
    _, nominations = published
    officer = world.users["program_officer"]
    zhang = nominations["张伟"]
    client.force_login(officer)
    edit = _page(client, _person_url(nominations, "张伟", "portal:craftsman_edit"))
    suggestion = craftsmen.suggested_highlight("长期扎根生产一线，" * 15)
    assert suggestion in edit and len(suggestion) <= craftsmen.SUGGESTION_CHARS
    client.logout()
    assert "craftsman-highlights" not in _page(client, _person_url(nominations, "张伟"))

    dimensions = list(zhang.campaign.policy_version.dimensions.order_by("order"))
    form = {f"dimension_{d.pk}": "" for d in dimensions}
    form[f"dimension_{dimensions[0].pk}"] = "带领班组攻克关键焊接工艺难题。"
    client.force_login(officer)
    too_long = client.post(
        reverse("portal:craftsman_highlights_save", args=[zhang.person_id]),
        {**form, f"dimension_{dimensions[1].pk}": "长" * 151},
    )
    assert too_long.status_code == 200 and not ProfileHighlight.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            reverse("portal:craftsman_highlights_save", args=[zhang.person_id]), form
        )
    assert saved.status_code == 302
    assert ProfileHighlight.objects.count() == 1
    client.logout()
    page = _page(client, _person_url(nominations, "张伟"))
    assert "带领班组攻克关键焊接工艺难题" in page and dimensions[0].name_zh in page

    # 李娜 did not agree to publish her deeds: her highlights stay off the page.
    li = nominations["李娜"]
    craftsmen.do_save_craftsman_highlights(
        acting_user=officer, person_id=li.person_id, texts={dimensions[0].pk: "不应公开的亮点"}
    )
    assert "不应公开的亮点" not in _page(client, _person_url(nominations, "李娜"))


def test_stories_are_linked_to_pages(client, world, published, django_capture_on_commit_callbacks):
    _, nominations = published
    officer = world.users["program_officer"]
    story = make_article(officer, category="stories", title="焊花里的匠心人生")
    notice = make_article(officer, category="notice", title="一则通知")
    person_id = nominations["张伟"].person_id
    client.force_login(officer)
    refused = client.post(
        reverse("portal:craftsman_story_link", args=[person_id]), {"article": notice.pk}
    )
    assert refused.status_code == 200
    with pytest.raises(DomainError):
        craftsmen.do_link_craftsman_story(
            acting_user=officer, person_id=person_id, article_id=notice.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        linked = client.post(
            reverse("portal:craftsman_story_link", args=[person_id]), {"article": story.pk}
        )
    assert linked.status_code == 302
    client.logout()
    page = _page(client, _person_url(nominations, "张伟"))
    assert "焊花里的匠心人生" in page
    assert reverse("portal:article", args=[story.pk]) in page
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:craftsman_story_unlink", args=[person_id, story.pk]))
    client.logout()
    assert "焊花里的匠心人生" not in _page(client, _person_url(nominations, "张伟"))


def test_the_editor_is_scoped(client, world, published):
    _, nominations = published
    person_id = nominations["张伟"].person_id
    henan_program = make_user("hnprog", role=Role.PROGRAM_OFFICER, org=world.henan)
    urls = [
        reverse("portal:craftsman_edit", args=[person_id]),
    ]
    posts = [
        reverse("portal:craftsman_photo_save", args=[person_id]),
        reverse("portal:craftsman_photo_remove", args=[person_id]),
        reverse("portal:craftsman_highlights_save", args=[person_id]),
        reverse("portal:craftsman_story_link", args=[person_id]),
    ]
    for user in (world.users["hebei_officer"], world.users["hebei_clerk"], henan_program):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url).status_code == 404, (user, url)
        with pytest.raises(PermissionDenied):
            craftsmen.do_remove_craftsman_photo(acting_user=user, person_id=person_id)
    # The Henan officer has an (empty) list; the recommending officer none at all.
    client.force_login(henan_program)
    assert "张伟" not in _page(client, reverse("portal:craftsmen_manage"))
    client.force_login(world.users["hebei_officer"])
    assert client.get(reverse("portal:craftsmen_manage")).status_code == 404
    client.force_login(world.users["program_officer"])
    html = _page(client, reverse("portal:craftsmen_manage"))
    assert all(name in html for name in NAMES)


def test_suggested_highlights_keep_whole_sentences():
    text = "第一句话说明成绩。" * 5 + "第二部分很长" * 30
    short = craftsmen.suggested_highlight(text, limit=40)
    assert short.endswith("。") and len(short) <= 40
    assert craftsmen.suggested_highlight("短句。") == "短句。"
    assert craftsmen.suggested_highlight("无标点" * 50, limit=20).endswith("…")
