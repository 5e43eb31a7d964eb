"""A candidate's rights over their data: export it, erase it; a company's retention period."""
