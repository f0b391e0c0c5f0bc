"""Mail deliveries: one per edition and recipient, with their state."""

from __future__ import annotations

from datetime import datetime

from digest.store.base import StoreBase
from digest.store.records import Delivery, DeliveryStatus, delivery_row, iso


class DeliveryStore(StoreBase):
    # --- deliveries -------------------------------------------------------------------------

    def deliveries(self, edition_id: int | None = None) -> list[Delivery]:
        query, params = "SELECT * FROM deliveries", tuple[int, ...]()
        if edition_id is not None:
            query, params = query + " WHERE edition_id = ?", (edition_id,)
        rows = self.db.execute(query + " ORDER BY edition_id, recipient", params)
        return [delivery_row(row) for row in rows]

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt <= ?"
            " ORDER BY edition_id, recipient",
            (iso(now),),
        )
        return [delivery_row(row) for row in rows]

    def set_delivery(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        now: datetime,
        *,
        error: str = "",
        retry_at: datetime | None = None,
    ) -> None:
        """Record one step of a delivery; `retry_at` counts an attempt and sets the next one."""
        attempts = delivery.attempts + (1 if retry_at is not None else 0)
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, next_attempt = ?, error = ?,"
                " updated = ? WHERE edition_id = ? AND recipient = ?",
                (
                    status.value,
                    attempts,
                    iso(retry_at or delivery.next_attempt),
                    error,
                    iso(now),
                    delivery.edition_id,
                    delivery.recipient,
                ),
            )

    def interrupted_deliveries(self, now: datetime) -> list[Delivery]:
        """Mark deliveries left 'sending' by a process that died as 'unknown'; return them."""
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM deliveries WHERE status = 'sending'").fetchall()
            db.execute(
                "UPDATE deliveries SET status = 'unknown', updated = ?,"
                " error = 'interrupted while sending' WHERE status = 'sending'",
                (iso(now),),
            )
        return [delivery_row(row) for row in rows]
