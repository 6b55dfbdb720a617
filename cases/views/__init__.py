"""Pages, one module per area. Views read through selectors and write through services."""
