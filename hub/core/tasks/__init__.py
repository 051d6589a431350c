"""Background work: a durable task queue, leases that survive a crash, and the worker that runs it all."""
