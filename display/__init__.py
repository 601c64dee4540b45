"""The hall wall display, Mandarin voice calling and the bridge to each window's LED screen."""
