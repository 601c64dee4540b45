"""Prometheus metrics of the hall, fed by the service's events."""
from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from queue_server.devices import DeviceRegistry
from queue_server.engine import TicketState
from queue_server.mqtt.rpc import RpcServer
from queue_server.service import Event, HallService
from queue_server.uplink.status import UplinkGauges

WAIT_BUCKETS = (60, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)


class _HallGauges(Collector):
    def __init__(self, service: HallService) -> None:
        self.service = service

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily("hall_waiting", "tickets waiting per queue", labels=["queue"])
        open_w = GaugeMetricFamily("hall_windows_open", "windows open", labels=["kind"])
        gauges = self.service.gauges()
        for code, n in gauges.waiting.items():
            waiting.add_metric([code], n)
        for kind, n in gauges.open_windows.items():
            open_w.add_metric([kind], n)
        yield waiting
        yield open_w


class _DeviceGauges(Collector):
    def __init__(self, devices: DeviceRegistry) -> None:
        self.devices = devices

    def collect(self) -> Iterator[GaugeMetricFamily]:
        states = GaugeMetricFamily("hall_devices", "devices by kind and state", labels=["kind", "state"])
        faults = GaugeMetricFamily("hall_device_faults", "faults a device reports now", labels=["device", "fault"])
        counts: dict[tuple[str, str], int] = {}
        for d in self.devices.all():
            counts[(d.kind, d.state)] = counts.get((d.kind, d.state), 0) + 1
            for f in d.faults:
                faults.add_metric([d.device_id, f], 1)
        for (kind, state), n in counts.items():
            states.add_metric([kind, state], n)
        yield states
        yield faults


class HallMetrics:
    def __init__(self, service: HallService, devices: DeviceRegistry | None = None,
                 rpc: RpcServer | None = None) -> None:
        self.registry = CollectorRegistry()
        self.issued = Counter("hall_tickets_issued", "tickets issued", ["queue"], registry=self.registry)
        self.calls = Counter("hall_calls", "calls and recalls", ["queue"], registry=self.registry)
        self.outcomes = Counter("hall_ticket_outcomes", "tickets ended, by outcome", ["queue", "outcome"],
                                registry=self.registry)
        self.wait = Histogram("hall_wait_seconds", "wait from issue to first call", ["queue"],
                              buckets=WAIT_BUCKETS, registry=self.registry)
        self.service_time = Histogram("hall_service_seconds", "window time from call to finish", ["queue"],
                                      buckets=WAIT_BUCKETS, registry=self.registry)
        self.rpc_latency = Histogram("hall_rpc_seconds", "RPC handling time", ["method"], registry=self.registry)
        self.rpc_refused = Counter("hall_rpc_refused", "RPC requests refused before handling (a flood, an oversized "
                                   "or malformed request, no reply topic)", ["reason"], registry=self.registry)
        self.registry.register(_HallGauges(service))
        self.registry.register(UplinkGauges(service))
        if devices is not None:
            self.registry.register(_DeviceGauges(devices))
        if rpc is not None:
            rpc.observers.append(lambda method, seconds: self.rpc_latency.labels(method).observe(seconds))
            rpc.refusal_observers.append(lambda reason: self.rpc_refused.labels(reason).inc())
        service.listeners.append(self.on_event)

    def on_event(self, ev: Event) -> None:
        if ev.action is None:
            return
        if ev.action == "issue":
            for t in ev.tickets:
                if t.state is TicketState.WAITING and t.hop == 0:
                    self.issued.labels(t.queue).inc()
        call = ev.call
        if call is not None:
            self.calls.labels(call.queue).inc()
            if call.attempt == 1:
                first = next((t for t in ev.tickets if t.id == call.ticket_id), None)
                if first is not None and first.called_at is not None:
                    self.wait.labels(first.queue).observe(first.waited_s(first.called_at))
        for t in ev.tickets:
            if not t.state.active and t.ended_at is not None and ev.action != "issue":
                if t.state is TicketState.DONE and t.called_at is not None:
                    self.service_time.labels(t.queue).observe((t.ended_at - t.called_at).total_seconds())
                self.outcomes.labels(t.queue, t.state.value).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
