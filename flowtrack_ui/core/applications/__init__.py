"""Applications: how one is created, what it carries, and reading it.

- ``applying``: a candidate applies (the résumé snapshot, the answers, the first history row);
  ``new_application`` is the one place an application and its first history row are written.
- ``from_talent_pool``: a recruiter adds a past candidate of the company to another job.
- ``questions``: a job's screening questions and the checking of an application's answers.
- ``details``: reading one application (its company's staff, its candidate), its résumé and pages.
"""
