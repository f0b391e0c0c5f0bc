"""`digest serve` with short periods, and optionally death at a chosen moment of delivery:

    python tests/serve_launcher.py SECONDS [POINT] -- serve --config feeds.yaml

The only change to the real `digest serve` is the period: each digest's cron trigger is swapped
for one firing every SECONDS (the config's `publish` needs whole minutes), so a crash harness
sees a publication every few seconds. POINT (see tests/crash_points.py for the others):

- `sending`: a delivery marked `sending` (committed), the message not yet handed to the server;
- `delivered`: the server has answered OK, the delivery not yet marked `sent`.
"""

from __future__ import annotations

import sys
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from crash_points import die

from digest import jobs
from digest.config import Config, DigestSettings
from digest.delivery import dispatch as delivery
from digest.store import DeliveryStatus, Store


def short_periods(seconds: int) -> None:
    def trigger(config: Config, digest: DigestSettings) -> CronTrigger:
        return CronTrigger(second=f"*/{seconds}", timezone=config.zone)

    jobs.publish_trigger = trigger


def die_at(point: str) -> None:
    if point == "sending":
        real_set = Store.set_delivery

        def set_delivery(self: Store, item: Any, status: DeliveryStatus, *a: Any, **k: Any) -> None:
            real_set(self, item, status, *a, **k)
            if status == DeliveryStatus.SENDING:
                die()

        Store.set_delivery = set_delivery  # type: ignore[method-assign]
    elif point == "delivered":
        real_send = delivery.send

        def send(*args: Any, **kwargs: Any) -> None:
            real_send(*args, **kwargs)
            die()

        delivery.send = send
    else:
        raise SystemExit(f"unknown delivery crash point {point!r}")


def main() -> None:
    seconds, *rest = sys.argv[1:]
    split = rest.index("--")
    points, args = rest[:split], rest[split + 1 :]
    short_periods(int(seconds))
    for point in points:
        die_at(point)
    from digest.cli.app import main as digest_main

    sys.argv = ["digest", *args]
    digest_main()


if __name__ == "__main__":
    main()
