"""Offers: letter templates per company (``letters``), the letter as a PDF and its signed copy
(``pdf``), an offer's life from draft through its approval chain to sending and withdrawal
(``workflow``), the candidate's link (``links``) and what its holder may do (``responses``), the
emails they send (``mail``) and what analytics and My work read of them (``reading``)."""
