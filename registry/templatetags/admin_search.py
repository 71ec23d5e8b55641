from django import template

from registry.admin_search import is_search_token

register = template.Library()

register.filter("is_search_token", is_search_token)
