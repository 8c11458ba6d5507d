"""Outbox events, webhooks and e-mail digests."""
