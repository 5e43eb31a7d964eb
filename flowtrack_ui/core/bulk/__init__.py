"""Bulk actions: a recruiter acts on many applications at once (move, reject, tag, add to a job),
each card through the same use case as a single one, and undoes a batch of moves with one undo.

- ``actions``: ``run_bulk`` and ``undo_batch``, the batch rows and their held emails.
"""
