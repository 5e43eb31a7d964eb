"""Scheduling from real availability: working hours, calendars, suggested slots, booking links."""
