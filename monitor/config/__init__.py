"""The monitor's configuration: YAML file -> frozen dataclasses, with every problem located."""

from monitor.config.auth import AUTH_KINDS, secret_refs
from monitor.config.durations import parse_duration
from monitor.config.load import load, load_text
from monitor.config.model import (
    ApiTokenAuth,
    Auth,
    Config,
    ConfigError,
    Defaults,
    Expect,
    InvalidTenant,
    ParseOutcome,
    Problem,
    TenantConfig,
)
from monitor.config.parse import parse
from monitor.config.secrets import Secret, SecretRef, SecretUnavailable
from monitor.config.subdomain import parse_subdomain
from monitor.config.validate import EXIT_INVALID, EXIT_OK, validate

__all__ = [
    "AUTH_KINDS",
    "EXIT_INVALID",
    "EXIT_OK",
    "ApiTokenAuth",
    "Auth",
    "Config",
    "ConfigError",
    "Defaults",
    "Expect",
    "InvalidTenant",
    "ParseOutcome",
    "Problem",
    "Secret",
    "SecretRef",
    "SecretUnavailable",
    "TenantConfig",
    "load",
    "load_text",
    "parse",
    "parse_duration",
    "parse_subdomain",
    "secret_refs",
    "validate",
]
