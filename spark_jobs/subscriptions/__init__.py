"""The subscriptions domain: app events, subscriptions and marketing spend."""
