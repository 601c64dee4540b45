"""The province aggregator's settings, from ``PROVINCE_*`` (and the ``HALL_HTTP_*`` rules for its port)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hall_contract.uplink import ALL_HALLS_SUBJECTS, DEFAULT_STREAM


@dataclass(frozen=True)
class ProvinceSettings:
    database_url: str = "postgresql://postgres@127.0.0.1:5432/province"
    nats_url: str = "nats://127.0.0.1:4222"
    stream: str = DEFAULT_STREAM
    subjects: str = ALL_HALLS_SUBJECTS
    durable: str = "province"
    replicas: int = 1
    batch: int = 500
    ack_wait_s: float = 30.0
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    #: when set, the API and pages want ``Authorization: Bearer <token>`` (or the login cookie)
    api_token: str | None = None
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ProvinceSettings:
        d = cls()
        return cls(
            database_url=env.get("PROVINCE_DATABASE_URL", d.database_url),
            nats_url=env.get("PROVINCE_NATS_URL", d.nats_url),
            stream=env.get("PROVINCE_STREAM", d.stream),
            durable=env.get("PROVINCE_DURABLE", d.durable),
            replicas=int(env.get("PROVINCE_STREAM_REPLICAS", d.replicas)),
            batch=int(env.get("PROVINCE_BATCH", d.batch)),
            ack_wait_s=float(env.get("PROVINCE_ACK_WAIT_S", d.ack_wait_s)),
            http_host=env.get("PROVINCE_HTTP_HOST", env.get("HALL_HTTP_HOST", d.http_host)),
            http_port=int(env.get("PROVINCE_HTTP_PORT", env.get("HALL_HTTP_PORT", d.http_port))),
            api_token=env.get("PROVINCE_API_TOKEN") or None,
            timezone=env.get("PROVINCE_TIMEZONE", d.timezone),
        )

    def nats_servers(self) -> list[str]:
        """``PROVINCE_NATS_URL`` may list several servers of a cluster, comma-separated."""
        return [u.strip() for u in self.nats_url.split(",") if u.strip()]
