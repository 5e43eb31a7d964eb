"""Candidates: their profile and current résumé."""
