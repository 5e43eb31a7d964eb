"""An answer's question_id is read as a number or its digits; anything else is a clear 4xx."""

from __future__ import annotations

import pytest

from flowtrack_ui.core.applications.questions import check_answers
from flowtrack_ui.core.errors import InvalidInput


@pytest.mark.parametrize("question_id", [None, "abc", "", [3], {"id": 3}, float("inf"), float("nan")])
def test_an_answer_without_a_readable_question_id_is_refused(question_id):
    # Infinity is what Python's JSON reader makes of `Infinity`: int() of it overflows.
    with pytest.raises(InvalidInput, match="needs the question_id it answers"):
        check_answers([], [{"question_id": question_id, "answer": "yes"}])


@pytest.mark.parametrize("question_id", [7, "7", " 7 ", 7.0, True])
def test_a_readable_question_id_names_the_question(question_id):
    # No such question on this job: the id was read, and it is the one named.
    expected = int(question_id if not isinstance(question_id, str) else question_id.strip())
    with pytest.raises(InvalidInput, match=f"Question {expected} is not a question of this job"):
        check_answers([], [{"question_id": question_id, "answer": "yes"}])
