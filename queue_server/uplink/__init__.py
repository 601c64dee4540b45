"""The province uplink of the hall: the outbox's events go to NATS JetStream (``hallctl uplink``).

:mod:`.outbox` builds the outbox the service writes to and reads its backlog; the relay is in
:mod:`.relay` (the only module here that imports nats-py).
"""
