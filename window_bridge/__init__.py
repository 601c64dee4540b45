"""The window-device bridge: each window's RS-485 LED screen, caller keypad and 好差评 evaluator on MQTT.

A headless app of its own (``hallctl window-bridge``, ``hall-window-bridge.service``) on the
machine the RS-485 line is wired to. It imports the contract and the device layer, no other app.
"""
