"""The server's MQTT side: the connection (:mod:`.link`), the state publisher (:mod:`.publisher`)
and the RPC server (:mod:`.rpc`).

Only the connection is imported here: the kiosk and display use it without pulling in the
server's database layer.
"""
from queue_server.mqtt.link import BrokerAddress, MqttLink

__all__ = ["BrokerAddress", "MqttLink"]
