"""The Kivy side of the kiosk: the app, its screens (``kv/``) and a QR widget. Imports Kivy."""
