"""The credit back office: standards, the credit file, rating runs and ratings, and the
workflows of objections, repair, the key-management list and supervision.

Admin classes arrange the interface; every write goes through `credit.services`. Importing
the modules registers their admin classes."""

from . import (  # noqa: F401
    events,
    management,
    objections,
    opinions,
    pledges,
    ratings,
    rectification,
    reports,
    runs,
    standards,
)
