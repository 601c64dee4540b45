"""The server's MQTT side: the connection, the state publisher and the RPC server."""
from queue_server.mqtt.link import BrokerAddress, MqttLink
from queue_server.mqtt.publisher import StatePublisher
from queue_server.mqtt.rpc import RpcServer

__all__ = ["BrokerAddress", "MqttLink", "RpcServer", "StatePublisher"]
