"""The site shell: the form pattern, the style guide, landmarks, and the no-inline-code guard."""

from __future__ import annotations

import datetime
import re
from html import unescape
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from jiangxin.core.forms_base import JiangxinForm, JiangxinModelForm
from jiangxin.orgs.models import Organization

SRC = Path(settings.BASE_DIR) / "src"
STYLEGUIDE = "/styleguide/"
REQUIRED_FIELDS = ["full_name", "trade", "started_on", "confirmed"]


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "page has no <title>"
    return unescape(" ".join(match.group(1).split()))


@pytest.fixture
def officer_client(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.users["hebei_officer"])
    return client


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- The style guide: the "form with errors" page --------------------------------------------


def test_styleguide_requires_login(client, db):
    response = client.get(STYLEGUIDE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_styleguide_renders_for_any_signed_in_user(client, world):
    client.force_login(world.users["craftsman"])
    response = client.get(STYLEGUIDE)
    assert response.status_code == 200
    html = response.content.decode()
    assert not _title(html).startswith(("错误", "Error"))
    assert "data-error-summary" not in html
    assert 'id="results"' in html


def test_empty_post_shows_error_summary_linking_to_each_field(officer_client):
    response = officer_client.post(STYLEGUIDE, {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-error-summary" in html
    summary = html[
        html.index("data-error-summary") : html.index("</ul>", html.index("data-error-summary"))
    ]
    for name in REQUIRED_FIELDS:
        assert f'href="#id_{name}"' in summary, name
        # The link target exists on the page, and the input is described by its error.
        assert f'id="id_{name}"' in html
        assert f'id="id_{name}_error"' in html
    assert 'href="#id_workplace"' not in summary  # optional and valid
    # Server-side validation only: no browser "required" bubble pre-empts the summary.
    assert re.search(r"<input[^>]*\srequired[\s>]", html) is None
    assert re.search(r'<input[^>]*name="full_name"[^>]*>', html)
    full_name = re.search(r'<input[^>]*name="full_name"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in full_name
    assert "id_full_name_helptext" in full_name and "id_full_name_error" in full_name
    assert "is-invalid" in full_name and "form-control" in full_name


def test_error_title_prefix_in_chinese_by_default(officer_client):
    html = officer_client.post(STYLEGUIDE, {}).content.decode()
    assert _title(html).startswith("错误")
    assert '<html lang="zh-CN">' in html


def test_error_title_prefix_in_english(officer_client, english):
    html = officer_client.post(STYLEGUIDE, {}).content.decode()
    assert _title(html).startswith("Error:")
    assert '<html lang="en">' in html
    assert "There is a problem" in html


def test_title_prefix_matches_the_active_translation(officer_client):
    html = officer_client.post(STYLEGUIDE, {}).content.decode()
    with translation.override("zh-hans"):
        prefix = translation.gettext("Error:")
    assert _title(html).startswith(prefix)


def test_everything_typed_is_kept(officer_client):
    future = timezone.localdate() + datetime.timedelta(days=30)
    response = officer_client.post(
        STYLEGUIDE,
        {
            "full_name": "",
            "workplace": "石家庄钢铁有限责任公司",
            "trade": "welder",
            "started_on": future.isoformat(),
            "contact": "email",
            "remarks": "备注<b>内容</b>",
        },
    )
    html = response.content.decode()
    assert 'value="石家庄钢铁有限责任公司"' in html
    assert re.search(r'<option value="welder"[^>]*selected', html)
    assert f'value="{future.isoformat()}"' in html
    assert re.search(r'<input[^>]*value="email"[^>]*checked', html)
    assert "备注&lt;b&gt;内容&lt;/b&gt;</textarea>" in html
    # The future date is refused with its own message.
    assert 'href="#id_started_on"' in html
    assert 'type="date"' in html


def test_optional_fields_are_marked(officer_client, english):
    html = officer_client.get(STYLEGUIDE).content.decode()
    label = re.search(r'<label[^>]*for="id_workplace"[^>]*>(.*?)</label>', html, re.S)
    assert label and "(optional)" in label.group(1)
    required_label = re.search(r'<label[^>]*for="id_full_name"[^>]*>(.*?)</label>', html, re.S)
    assert required_label and "optional" not in required_label.group(1)
    # The radio group is a fieldset whose legend says it is optional.
    assert re.search(r"<legend[^>]*>[^<]*<span class=\"optional\">", html)


def test_optional_marker_in_chinese(officer_client):
    with translation.override("zh-hans"):
        marker = translation.gettext("(optional)")
    html = officer_client.get(STYLEGUIDE).content.decode()
    assert f'<span class="optional">{marker}</span>' in html


def test_valid_post_redirects_with_a_message(officer_client):
    response = officer_client.post(
        STYLEGUIDE,
        {
            "full_name": "王建国",
            "trade": "fitter",
            "started_on": "2001-09-01",
            "confirmed": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == STYLEGUIDE
    html = response.content.decode()
    assert "alert-success" in html
    assert "data-error-summary" not in html


def test_confirmed_delete_demo_changes_nothing(officer_client):
    response = officer_client.post(STYLEGUIDE, {"demo_action": "delete"}, follow=True)
    assert response.status_code == 200
    assert "alert-success" in response.content.decode()


def test_filter_and_pages(officer_client):
    html = officer_client.get(STYLEGUIDE, {"trade": "welder"}).content.decode()
    results = html[html.index('id="results"') :]
    assert "焊工" in results or "Welder" in results
    for other in ("钳工", "电工"):
        assert f"<td>{other}</td>" not in results
    page2 = officer_client.get(STYLEGUIDE, {"page": 2}).content.decode()
    assert 'rel="prev"' in page2 and 'rel="next"' in page2


def test_htmx_request_for_results_gets_only_the_partial(officer_client):
    response = officer_client.get(
        STYLEGUIDE, {"trade": "turner"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


# --- The form pattern -------------------------------------------------------------------------


class _Sample(JiangxinForm):
    name = forms.CharField(help_text="help")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    agree = forms.BooleanField(required=False)
    day = forms.DateField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


class _OrgForm(JiangxinModelForm):
    class Meta:
        model = Organization
        fields = ["name"]


def test_form_pattern_widget_classes_and_no_required_attribute():
    form = _Sample()
    assert form.use_required_attribute is False
    html = str(form["name"])
    assert 'class="form-control"' in html and "required" not in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert 'class="form-select"' in str(form["kind"])
    assert 'class="form-check-input"' in str(form["agree"])
    # Groups of checkboxes/radios: no class (Django would repeat it on the wrapping <div>).
    assert "class=" not in str(form["many"])
    assert 'type="date"' in str(form["day"])
    assert "class=" not in str(form["hidden"])


def test_form_pattern_marks_errors():
    form = _Sample(data={"kind": "zzz"})
    assert not form.is_valid()
    name = str(form["name"])
    assert 'aria-invalid="true"' in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert 'class="form-control is-invalid"' in name
    assert 'class="form-select is-invalid"' in str(form["kind"])
    assert form.error_count == 3
    # A template's own classes are kept next to is-invalid.
    assert 'class="wide is-invalid"' in form["name"].as_widget(attrs={"class": "wide"})


def test_model_form_gets_the_pattern(db):
    form = _OrgForm(data={})
    assert not form.is_valid()
    html = str(form["name"])
    assert "form-control" in html and "is-invalid" in html and 'aria-invalid="true"' in html
    assert "required" not in html


# --- Shell: landmarks, skip link, menus -------------------------------------------------------


def test_shell_has_skip_link_and_landmarks(officer_client):
    html = officer_client.get(reverse("core:dashboard")).content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(
        r"<(a|button|input|select|textarea)\b[^>]*>", body[body.index(">") + 1 :]
    )
    assert first_link and 'class="skip-link" href="#main"' in first_link.group(0)
    assert '<main id="main" class="app-main" tabindex="-1">' in html
    assert re.search(r"<header\b", html) and re.search(r"<footer\b", html)
    assert re.search(r'<nav id="sidebar"[^>]*aria-label="[^"]+"', html)
    assert re.search(r'<nav aria-label="[^"]+">\s*<ol class="breadcrumb"', html)
    assert 'aria-current="page"' in html  # the current menu entry
    assert 'aria-controls="sidebar"' in html and 'aria-expanded="false"' in html
    # Language switch: a labelled group with a visible label; sign-out is a real POST button.
    assert re.search(r'role="group" aria-labelledby="language-switch-label"', html)
    assert 'id="language-switch-label"' in html
    assert re.search(r'<form method="post" action="{}">'.format(reverse("accounts:logout")), html)
    assert '<meta name="csrf-token"' in html
    for key in ("network-error", "server-error", "results-updated", "confirm"):
        assert f"data-msg-{key}=" in html


def test_dashboard_panels_and_figures(officer_client):
    html = officer_client.get(reverse("core:dashboard")).content.decode()
    assert 'class="panel"' in html and 'class="stat-grid"' in html
    assert re.search(r'<section class="panel" aria-labelledby="panel-1">', html)
    assert 'href="{}"'.format(reverse("orgs:list")) in html


# --- The CSP guard: no inline code in any template --------------------------------------------

COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(?P<body>.*?)</script\s*>", re.S | re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:-][\w:-]*)\s*=", re.I | re.S)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.html") if "node_modules" not in p.parts)


def inline_code_problems(text: str) -> list[str]:
    text = COMMENTS.sub("", text)
    problems = []
    for match in INLINE_SCRIPT.finditer(text):
        if match.group("body").strip():
            problems.append("inline <script> with content")
    if STYLE_ELEMENT.search(text):
        problems.append("<style> element")
    if m := STYLE_ATTRIBUTE.search(text):
        problems.append(f"style= attribute: {m.group(0)[-80:]!r}")
    if m := HANDLER_ATTRIBUTE.search(text):
        problems.append(f"{m.group(1)}= handler")
    if JAVASCRIPT_URL.search(text):
        problems.append("javascript: URL")
    return problems


def test_guard_catches_inline_code():
    assert inline_code_problems("<script>alert(1)</script>")
    assert inline_code_problems('<div class="x"\n     style="color:red">')
    assert inline_code_problems('<button type="button" onclick="go()">')
    assert inline_code_problems('<form hx-on::after-request="x()">')
    assert inline_code_problems("<style>p{}</style>")
    assert inline_code_problems('<a href="javascript:void(0)">')
    assert not inline_code_problems('<script src="/static/app.js" defer></script>')
    assert not inline_code_problems('{# style="x" onclick="y" #}<p>Click on the button</p>')
    assert not inline_code_problems('<span data-confirm="one=two">once=1</span>')


def test_no_template_has_a_multiline_short_comment():
    """`{# ... #}` cannot span lines: the text would appear on the page (and tags in it run)."""
    broken = [
        f"{path.relative_to(SRC)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not broken, broken


def test_no_template_has_inline_scripts_styles_or_handlers():
    templates = _templates()
    assert len(templates) > 10
    problems = {
        str(path.relative_to(SRC)): found
        for path in templates
        if (found := inline_code_problems(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems
