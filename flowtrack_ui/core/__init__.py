"""FlowTrack's domain core: models, rules and use cases. Plain Python and SQLModel, no UI imports."""
