"""zendesk-monitor: health of Zendesk integration credentials, as Prometheus metrics."""

__version__ = "0.1.0"
