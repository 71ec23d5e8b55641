"""`{% statutory_days "acceptance" %}`: a page states a complaint limit from
`complaints.limits`, never a number typed into its text."""

from django import template

from ..limits import statutory_days as limits

register = template.Library()


@register.simple_tag
def statutory_days(name: str) -> int:
    return limits()[name]
