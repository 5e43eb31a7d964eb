"""The talent pool: every candidate a company ever received, searchable, tagged, re-usable."""
