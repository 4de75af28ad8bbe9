"""The read-only browse pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["hebei_clerk"])
    return client


def test_pages_require_login(client: Client) -> None:
    response = client.get(reverse("reference:regions"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "reference:index",
        "reference:regions",
        "reference:industries",
        "reference:occupations",
        "reference:skill_levels",
    ],
)
def test_pages_render(client_in: Client, name: str) -> None:
    response = client_in.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="results"' in html
    assert "breadcrumb" in html


def test_pages_are_get_only(client_in: Client) -> None:
    assert client_in.post(reverse("reference:regions")).status_code == 405


def test_index_shows_counts_and_links(client_in: Client) -> None:
    html = client_in.get(reverse("reference:index")).content.decode()
    for name in ("regions", "industries", "occupations", "skill_levels"):
        assert reverse(f"reference:{name}") in html
    assert "372" in html
    assert "117" in html


def test_region_list_filters_by_province(client_in: Client) -> None:
    response = client_in.get(reverse("reference:regions"), {"province": "130000"})
    html = response.content.decode()
    assert "石家庄市" in html
    assert "Shijiazhuang" in html
    assert "郑州市" not in html
    assert response.context["page_obj"].paginator.count == 12  # Hebei and its 11 cities


def test_region_list_search(client_in: Client) -> None:
    response = client_in.get(reverse("reference:regions"), {"q": "深圳"})
    assert [r.code for r in response.context["page_obj"]] == ["440300"]
    response = client_in.get(reverse("reference:regions"), {"q": "urumqi"})
    assert [r.code for r in response.context["page_obj"]] == []  # the English name is Ürümqi
    response = client_in.get(reverse("reference:regions"), {"q": "4101"})
    assert [r.code for r in response.context["page_obj"]] == ["410100"]


def test_region_list_paginates(client_in: Client) -> None:
    response = client_in.get(reverse("reference:regions"))
    page = response.context["page_obj"]
    assert page.paginator.count == 372
    assert len(page.object_list) == 50
    assert "page=2" in response.content.decode()


def test_industry_list_filter_and_search(client_in: Client) -> None:
    response = client_in.get(reverse("reference:industries"), {"section": "C"})
    page = response.context["page_obj"]
    assert page.paginator.count == 32  # section C and divisions 13–43
    assert page.object_list[0].code == "C"
    html = response.content.decode()
    assert "汽车制造业" in html
    assert "Manufacture of Automobiles" in html
    response = client_in.get(reverse("reference:industries"), {"q": "电气机械"})
    assert [i.code for i in response.context["page_obj"]] == ["38"]


def test_industry_list_orders_sections_before_their_divisions(client_in: Client) -> None:
    codes = [i.code for i in client_in.get(reverse("reference:industries")).context["page_obj"]]
    assert codes[:7] == ["A", "01", "02", "03", "04", "05", "B"]


def test_invalid_filter_shows_nothing(client_in: Client) -> None:
    response = client_in.get(reverse("reference:regions"), {"province": "999999"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def test_skill_levels_page(client_in: Client) -> None:
    html = client_in.get(reverse("reference:skill_levels")).content.decode()
    assert html.index("学徒工") < html.index("首席技师")
    assert "Chief technician" in html


def test_english_language_shows_english_names(client_in: Client) -> None:
    client_in.cookies["jiangxin_language"] = "en"
    response = client_in.get(reverse("reference:regions"), {"province": "130000"})
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Shijiazhuang" in html
    # Province column and filter choices use the name in the active language.
    assert "130000 Hebei" in html
    assert ">Hebei</td>" in html
    response = client_in.get(reverse("reference:occupations"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Professional and technical personnel" in response.content.decode()


def test_chinese_language_shows_chinese_province(client_in: Client) -> None:
    client_in.cookies["jiangxin_language"] = "zh-hans"
    html = client_in.get(reverse("reference:regions"), {"province": "130000"}).content.decode()
    assert "130000 河北省" in html
    assert ">河北省</td>" in html
