"""Pipelines: stage categories, per-job stages from company templates, the transition table, moves.

- ``categories``: the seven categories reports, emails and the candidate's tracker use.
- ``definitions``: checking a list of stages (templates and jobs) and the default pipeline.
- ``transitions``: THE transition table, as data, and the moves it allows from a stage.
- ``job_stages``: a job's own copy of its stages, and editing it.
- ``templates``: a company's named pipeline templates.
- ``rejection_reasons``: a company's standard reasons to reject.
- ``moves``: the use cases that change an application's stage (move, undo, withdraw).
"""
