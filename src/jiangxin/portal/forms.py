"""Input parsing for the portal's editor pages and the public search."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm, LabelledModelChoiceField
from jiangxin.orgs.models import Organization
from jiangxin.portal.actions import ArticleFields
from jiangxin.portal.models import DOCUMENT_NUMBER_RE, Article
from jiangxin.portal.selectors import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the site"), required=False, max_length=MAX_QUERY_LENGTH)
    category = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All channels")),
            *Article.Category.choices,
        ]
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        self.fields["category"].widget.attrs.update({"class": "form-select"})


class ArticleFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Channel"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All channels")),
            *Article.Category.choices,
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All")),
            *Article.Status.choices,
        ]


class ArticleForm(JiangxinForm):
    category = forms.ChoiceField(label=_("Channel"), choices=Article.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Article summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for lists and search engines."),
    )
    body = forms.CharField(
        label=_("Article text"),
        widget=forms.Textarea(attrs={"rows": 16, "data-rich-text": ""}),
        help_text=_(
            "Headings, emphasis, lists, quotations, tables and links are kept; other "
            "formatting, scripts and styles are removed when the article is saved."
        ),
    )
    source_org = LabelledModelChoiceField(
        label=_("Published by"), queryset=Organization.objects.none()
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Shown as 来源; the publishing organization's name if left empty."),
    )
    index_number = forms.CharField(
        label=_("Index number"),
        max_length=50,
        required=False,
        help_text=_("索引号 of the government information disclosure catalogue."),
    )
    issuing_authority = forms.CharField(
        label=_("Issuing authority"), max_length=200, required=False
    )
    document_number = forms.RegexField(
        label=_("Document number"),
        regex=DOCUMENT_NUMBER_RE,
        max_length=50,
        required=False,
        help_text=_("For example 总工发〔2025〕7号 (with the brackets 〔〕)."),
        error_messages={
            "invalid": _(
                "Write the document number as code〔year〕number号, e.g. 总工发〔2025〕7号."
            )
        },
    )
    written_on = forms.DateField(label=_("Date written"), required=False)

    #: Fields of the policy-document header, shown as their own group.
    POLICY_FIELDS = ("index_number", "issuing_authority", "document_number", "written_on")

    def __init__(
        self,
        *args: Any,
        source_orgs: list[Organization],
        fixed_category: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(LabelledModelChoiceField, self.fields["source_org"])
        field.queryset = Organization.objects.filter(pk__in=[o.pk for o in source_orgs])
        if len(source_orgs) == 1:
            field.initial = source_orgs[0].pk
        if fixed_category:
            self.fields["category"].disabled = True

    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.POLICY_FIELDS]

    def policy_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.POLICY_FIELDS]

    def to_fields(self) -> ArticleFields:
        data = self.cleaned_data
        return ArticleFields(
            category=data["category"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            source_org=data["source_org"],
            source=data["source"],
            index_number=data["index_number"],
            issuing_authority=data["issuing_authority"],
            document_number=data["document_number"],
            written_on=data["written_on"],
        )

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "category": article.category,
            "title": article.title,
            "summary": article.summary,
            "body": article.body
            if article.body_format == Article.BodyFormat.HTML
            else _text_as_html(article.body),
            "source_org": article.source_org_id,
            "source": article.source,
            "index_number": article.index_number,
            "issuing_authority": article.issuing_authority,
            "document_number": article.document_number,
            "written_on": article.written_on,
        }


def _text_as_html(text: str) -> str:
    """A plain-text body as paragraphs, for the editor (it is saved as HTML from then on)."""
    from django.utils.html import linebreaks

    return linebreaks(text, autoescape=True)


class PublishForm(JiangxinForm):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        help_text=_("Leave empty to publish now; a later time schedules the article."),
    )


class WithdrawForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(JiangxinForm):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, at most 20 MB."),
    )
