"""The contact relay: members message each other through the hub without seeing addresses."""
