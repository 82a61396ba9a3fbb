"""Agent webhooks: subscriptions to platform events, delivered by signed HTTP POST."""
