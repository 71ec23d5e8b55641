"""Search by name at scale: which lookup a search term uses.

PostgreSQL answers `icontains` (UPPER(name) LIKE UPPER('%term%')) with a trigram index
(registry migration 0013) for terms of three characters or more; shorter terms yield no
trigram and would read every row. Chinese names are often two characters (王芳), so a term
of one or two characters searches a model's `prefix_search_fields` by prefix instead
(UPPER(name) LIKE UPPER('王芳%')), which a b-tree index with text_pattern_ops answers
(registry migration 0015). Used by the admin's search (core.admin_scale) and the public
credit search (credit.selectors.enterprise_search).
"""

from django.db.models.constants import LOOKUP_SEP

# A trigram index answers `icontains` for terms of this many characters or more.
TRIGRAM_LENGTH = 3


def short_term_lookup(model, lookup: str, term: str) -> str:
    """`lookup` for `term`: a term too short for the trigram index (a two-character name,
    王芳) searches the model's `prefix_search_fields` by prefix, which their prefix index
    answers (registry migration 0015), instead of reading every row."""
    name, _, kind = lookup.partition(LOOKUP_SEP)
    if (
        kind == "icontains"
        and len(term) < TRIGRAM_LENGTH
        and name in getattr(model, "prefix_search_fields", ())
    ):
        return f"{name}{LOOKUP_SEP}istartswith"
    return lookup
