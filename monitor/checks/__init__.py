"""Pure classification of what Zendesk answered into one closed vocabulary."""

from monitor.checks.categories import CATALOGUE, Category, Kind
from monitor.checks.result import CheckResult, Permission, RateLimit, Warning

__all__ = ["CATALOGUE", "Category", "CheckResult", "Kind", "Permission", "RateLimit", "Warning"]
