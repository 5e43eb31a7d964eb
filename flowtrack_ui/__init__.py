"""FlowTrack: an applicant tracking system."""
