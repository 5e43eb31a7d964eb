"""The hiring team on one application: notes with mentions, interviews, scorecards, the activity feed."""
