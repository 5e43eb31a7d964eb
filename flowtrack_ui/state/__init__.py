"""Reflex state: the signed-in session and the data each page shows. Handlers stay thin."""
