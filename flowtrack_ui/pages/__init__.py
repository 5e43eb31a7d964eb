"""One module per page; each composes components and binds them to a state."""
