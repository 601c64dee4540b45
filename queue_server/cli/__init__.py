"""The queue server's ``hallctl`` commands (:mod:`.commands`, :mod:`.data`)."""
