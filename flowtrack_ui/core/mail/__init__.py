"""A company's email templates for what FlowTrack writes to candidates: stored per company, checked
at save, and rendered in a sandbox with documented variables only."""
