"""The form pattern every Jiangxin page uses.

Forms built on `JiangxinForm` / `JiangxinModelForm` (or any form mixing in `JiangxinFormMixin`)
render with the includes "includes/form_errors.html" (the error summary) and
"includes/form_fields.html" (every field through "includes/field.html"), and get, with no
per-form code:

- Bootstrap classes on every widget (`form-control`, `form-select`, `form-check-input`) and
  `is-invalid` on a field with errors (radio and checkbox groups are styled by `.choice-list`);
- native date/time pickers for `DateField` / `TimeField` / `DateTimeField` widgets left as text;
- `aria-describedby` pointing at the help text (`<auto_id>_helptext`) and the error message
  (`<auto_id>_error`), as `includes/field.html` renders them, and `aria-invalid="true"` on a field
  with errors (for a group of radios or checkboxes, on the fieldset instead);
- no `required` attribute: validation is server-side only, so the browser never pre-empts the
  error summary with its own bubble. Required fields are plain; optional ones are labelled
  "(optional)" by `includes/field.html`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

TEXT_WIDGET_CLASS = "form-control"
SELECT_WIDGET_CLASS = "form-select"
CHECK_WIDGET_CLASS = "form-check-input"
INVALID_CLASS = "is-invalid"


def _add_class(attrs: dict[str, Any], css_class: str) -> None:
    classes = str(attrs.get("class", "")).split()
    if css_class not in classes:
        classes.append(css_class)
    attrs["class"] = " ".join(classes)


def widget_css_class(widget: forms.Widget) -> str | None:
    """The Bootstrap class a widget's input(s) need, or None for hidden inputs."""
    if widget.is_hidden or isinstance(widget, forms.RadioSelect):
        # Radio and checkbox groups (CheckboxSelectMultiple is a RadioSelect): Django puts the
        # class on the wrapping <div> too, so the options are styled by `.choice-list` instead.
        return None
    if isinstance(widget, forms.CheckboxInput):
        return CHECK_WIDGET_CLASS
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return SELECT_WIDGET_CLASS
    return TEXT_WIDGET_CLASS


def style_widget(widget: forms.Widget) -> None:
    """Give one widget (and the parts of a MultiWidget) its class and native input type."""
    if isinstance(widget, forms.MultiWidget):
        for sub in widget.widgets:
            style_widget(sub)
        return
    css_class = widget_css_class(widget)
    if css_class:
        _add_class(widget.attrs, css_class)
    # Native pickers: the value must then be in ISO form whatever the active language.
    if type(widget) is forms.DateInput and widget.input_type == "text":
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"
    elif type(widget) is forms.TimeInput and widget.input_type == "text":
        widget.input_type = "time"
        widget.format = "%H:%M"
    elif type(widget) is forms.DateTimeInput and widget.input_type == "text":
        widget.input_type = "datetime-local"
        widget.format = "%Y-%m-%dT%H:%M"


class JiangxinBoundField(BoundField):
    """A bound field whose widget is marked invalid for Bootstrap as well as for assistive tech.

    Django 5.2 already adds `aria-invalid="true"` and `aria-describedby` (help text and error
    ids) to the widget; this adds the `is-invalid` class on top of the widget's own classes.
    """

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden and not isinstance(widget, forms.RadioSelect):
            # Extra attrs replace the widget's own on render, so start from its classes.
            attrs.setdefault("class", widget.attrs.get("class", ""))
            _add_class(attrs, INVALID_CLASS)
        return attrs


class JiangxinFormMixin:
    """Mix into a Django form (before `forms.Form` / `forms.ModelForm`) to get the pattern."""

    use_required_attribute = False
    bound_field_class: type[BoundField] | None = JiangxinBoundField
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_widget(field.widget)

    @property
    def error_count(self) -> int:
        """How many messages the error summary lists (field and non-field)."""
        errors = getattr(self, "errors", None) or {}
        return sum(len(messages) for messages in errors.values())


class JiangxinForm(JiangxinFormMixin, forms.Form):
    """A plain form with the Jiangxin widget classes, ARIA links and server-side validation."""


class JiangxinModelForm(JiangxinFormMixin, forms.ModelForm):
    """A model form with the Jiangxin widget classes, ARIA links and server-side validation."""


class LabelledModelChoiceField(forms.ModelChoiceField):
    """A model choice whose option text is one attribute of the object (e.g. `display_name`,
    the name in the active language) instead of its `__str__`."""

    def __init__(self, *args: Any, label_attr: str = "display_name", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_attr = label_attr

    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, self.label_attr))
