"""The public careers site, served as plain HTML and XML by the server itself (no Reflex bundle):
the index of companies, each company's careers page, job pages with their JobPosting, the sitemap,
the feeds, the embeddable job list and the logo. It calls the core only."""
