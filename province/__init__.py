"""The province tier: every hall's events from NATS JetStream into PostgreSQL, figures and pages."""
