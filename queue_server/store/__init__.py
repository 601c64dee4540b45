"""Persistence: SQLModel tables, Alembic migrations and the repository the service uses."""
from queue_server.store.ratings import RatingRecord, RatingStore
from queue_server.store.repo import Store, make_engine, normalise_url
from queue_server.store.staff import StaffAccount, StaffStore

__all__ = ["RatingRecord", "RatingStore", "StaffAccount", "StaffStore", "Store", "make_engine", "normalise_url"]
