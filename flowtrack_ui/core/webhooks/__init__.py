"""Signed webhooks: a company's endpoints (``endpoints``), the events queued in the transaction of
each change (``events``), which targets may be called (``targets``), the signature (``signing``)
and the sender's pass that delivers, retries and disables (``delivery``)."""
