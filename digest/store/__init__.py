"""The item store: one SQLite file in the archive, reached only through this package.

Every item is kept with a stable id and the moment digest first saw it; an edition records the
items it took, so an item is never new twice for the same digest. Each part of the store is a
module of its own; `Store` puts them together over one connection.
"""

from __future__ import annotations

from digest.store.base import StoreBase
from digest.store.deliveries import DeliveryStore
from digest.store.editions import EditionStore
from digest.store.fragments import FragmentStore
from digest.store.items import ItemStore
from digest.store.records import (
    Delivery,
    DeliveryStatus,
    EditionRecord,
    Fragment,
    SearchFilters,
    SearchHit,
)
from digest.store.schema import MIGRATIONS
from digest.store.search import SearchStore
from digest.store.sources import SourceStore

__all__ = [
    "MIGRATIONS",
    "Delivery",
    "DeliveryStatus",
    "EditionRecord",
    "Fragment",
    "SearchFilters",
    "SearchHit",
    "Store",
]


class Store(
    ItemStore, EditionStore, FragmentStore, SearchStore, SourceStore, DeliveryStore, StoreBase
):
    """The whole store: items, editions (and the kept pieces of their pages), search, sources
    and deliveries on one connection."""
