"""zendesk-monitor's Prometheus alert rules (alerts.yml) and their rendering (rules.py)."""
