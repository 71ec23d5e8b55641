"""`{{ enterprise.phone|tel_link }}`: a phone number residents can call with one tap."""

import re

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def tel_link(number: str):
    """A tel: link around the number as written ("0941-5121234", "139 0941 2222"); the
    number as text when it has too few digits to be called."""
    number = (number or "").strip()
    digits = re.sub(r"[^\d+]", "", number)
    if len(digits.lstrip("+")) < 7:
        return number
    return format_html('<a class="tel-link" href="tel:{}">{}</a>', digits, number)
