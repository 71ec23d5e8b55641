from django import template

from core.admin_search import is_search_token

register = template.Library()

register.filter("is_search_token", is_search_token)
