"""Requests whose address carries control characters are refused before any view runs.

A NUL byte in a path parameter or a query value (`/verify/%00/`) reaches PostgreSQL, which
refuses it (`A string literal cannot contain NUL`), and the visitor got a server error.
No address of the product legitimately contains a control character, so one check here
covers every URL pattern, present and future, instead of one fix per view. Form bodies are
left to the forms: Django's text fields refuse NUL with a form error.
"""

import re

from django.core.exceptions import BadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path) or any(
            has_control_characters(key) or any(has_control_characters(v) for v in values)
            for key, values in request.GET.lists()
        ):
            # Answered by Django's handler400: the project's 400 page, not a server error.
            raise BadRequest("control characters in the address")
        return self.get_response(request)
