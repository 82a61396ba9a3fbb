"""Autonomous flow: task timers, wake subscriptions and the inbound receiver."""
