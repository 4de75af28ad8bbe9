"""The article HTML allow-list (nh3): scripts, styles, handlers and foreign elements go."""

from __future__ import annotations

import pytest

from jiangxin.portal.sanitize import html_to_text, is_empty_html, sanitize_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>正文</p><script>alert(1)</script>", "<p>正文</p>"),
        ('<p onclick="alert(1)">正文</p>', "<p>正文</p>"),
        ('<p style="color:red">正文</p>', "<p>正文</p>"),
        ('<img src="x" onerror="alert(1)">正文', "正文"),
        ('<iframe src="https://example.com"></iframe>正文', "正文"),
        ("<style>p{}</style><p>正文</p>", "<p>正文</p>"),
        ("<svg><script>alert(1)</script></svg>正文", "正文"),
        ("<form><input name=x><button>提交</button></form>", "提交"),
        ("<h1>大标题</h1>", "大标题"),
        ("<!-- 注释 --><p>正文</p>", "<p>正文</p>"),
    ],
)
def test_sanitiser_removes_what_is_not_allowed(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x"]
)
def test_dangerous_link_schemes_are_dropped(href: str) -> None:
    cleaned = sanitize_html(f'<a href="{href}">链接</a>')
    assert "href" not in cleaned
    assert "链接" in cleaned


def test_links_are_kept_with_noopener() -> None:
    cleaned = sanitize_html('<a href="https://www.acftu.org/" target="_blank">全总</a>')
    assert cleaned == '<a href="https://www.acftu.org/" rel="noopener noreferrer">全总</a>'


def test_structure_is_kept() -> None:
    html = (
        "<h2>一、总体目标</h2><p><strong>加粗</strong><em>强调</em></p>"
        '<ul><li>一</li></ul><ol start="3"><li>三</li></ol><blockquote><p>引文</p></blockquote>'
        '<table><caption>表</caption><tbody><tr><th scope="row">甲</th><td colspan="2">乙</td>'
        "</tr></tbody></table>"
    )
    assert sanitize_html(html) == html


def test_class_and_id_attributes_go() -> None:
    assert sanitize_html('<p class="x" id="y" data-z="1">正文</p>') == "<p>正文</p>"


def test_plain_text_of_html() -> None:
    assert html_to_text("<p>第一段</p><p>第二&amp;段</p>") == "第一段 第二&段"
    assert is_empty_html("<p> </p><script>x</script>")
    assert not is_empty_html("<p>字</p>")
