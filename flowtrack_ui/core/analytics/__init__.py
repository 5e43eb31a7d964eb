"""Hiring analytics, computed in SQL from the history table.

- ``sources``: where an application came from, recorded when it is created.
- ``report``: the funnel, conversion, time in stage, time to hire and fill, rejection reasons, sources.
- ``csv_export``: the same figures as CSV.
"""
