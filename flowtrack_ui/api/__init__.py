"""FlowTrack's JSON REST API under /api: a thin layer over the domain core."""
