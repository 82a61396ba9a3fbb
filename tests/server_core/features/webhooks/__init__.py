"""Tests of agent webhooks."""
