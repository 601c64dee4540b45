"""The hall's queue server: the pure queue engine, its store, and its HTTP and MQTT surfaces.

This package's top level imports nothing heavy: the kiosk and display import
``hall_contract.protocol`` (pydantic only) and the ``hallctl`` CLI, nothing else.
"""
