"""The public careers site of each company: its address (slug), its look, and what it shows."""
