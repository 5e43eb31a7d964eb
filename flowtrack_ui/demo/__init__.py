"""Demo data for `make run`: a company, its jobs and candidates, made through the domain core.

It sits outside the core: the core holds rules, and demo data is one of its callers.
"""
