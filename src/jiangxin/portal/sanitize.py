"""The HTML allow-list of portal articles (nh3, the Rust `ammonia` sanitiser).

Editors' HTML is cleaned when it is saved and again when it is shown (defence in depth: a body
marked HTML that reached the table another way is still cleaned). Only structure survives:
paragraphs, headings below the page's h1, emphasis, lists, quotations, tables and links;
never scripts, styles, event handlers, frames, forms or images from elsewhere.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "blockquote", "ul", "ol", "li", "a", "hr",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Dropped with everything inside them (for the other tags only the tag goes, its text stays).
DROP_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})

_WHITESPACE = re.compile(r"\s+")


def sanitize_html(value: str) -> str:
    """The allow-listed HTML of `value`; links get rel="noopener noreferrer"."""
    return nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def html_to_text(value: str) -> str:
    """The words of an HTML fragment on one line (for summaries and the Description tag)."""
    text = nh3.clean(
        value.replace("<", " <"), tags=set(), clean_content_tags=set(DROP_WITH_CONTENT)
    )
    return _WHITESPACE.sub(" ", html.unescape(text)).strip()


def is_empty_html(value: str) -> bool:
    return not html_to_text(value)
