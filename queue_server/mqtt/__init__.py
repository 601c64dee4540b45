"""The server on MQTT: the state publisher and the RPC server (over :class:`hall_contract.link.DeviceLink`)."""
