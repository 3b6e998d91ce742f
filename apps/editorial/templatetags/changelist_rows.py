"""``{% result_rows cl %}``: the admin's ``{% result_list cl %}`` with the rows written by
``RowsChangeList.rows`` (``admin/editorial/change_list.html``)."""

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


def result_rows(changelist):
    headers = list(result_headers(changelist))
    if changelist.formset:  # list_editable: Django's own rows, each with its form
        rows = list(results(changelist))
    else:
        rows = [ResultList(None, cells) for cells in changelist.rows()]
    return {
        "cl": changelist,
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
    }


@register.tag(name="result_rows")
def result_rows_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=result_rows, template_name="change_list_results.html", takes_context=False
    )
