"""A job's screening questions and the answers a candidate gives to them.

Kinds: short text, long text, yes/no, single choice. A required question must be answered; a
missing answer is refused with the question named, so the form can show it beside the field.

A yes/no or single-choice question may name answers that disqualify ("knockout" questions): an
application that gives one is still made, then rejected (``applying.knock_out``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from .. import validation
from ..errors import InvalidInput
from ..models import ApplicationAnswer, ScreeningQuestion

KINDS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "yes_no": "Yes / no",
    "single_choice": "Single choice",
}
MAX_QUESTIONS = 20
MAX_CHOICES = 20
ANSWER_LIMITS = {"short_text": 300, "long_text": 5_000}


@dataclass(frozen=True)
class QuestionView:
    id: int
    position: int
    kind: str
    prompt: str
    required: bool
    choices: tuple[str, ...]
    # The answers that disqualify (yes_no: "yes"/"no"; single_choice: some of the choices).
    disqualifying_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerView:
    question_id: int | None
    kind: str
    prompt: str
    answer: str


@dataclass(frozen=True)
class CheckedAnswer:
    """An answer that fits its question, checked before its application exists: what decides a
    knockout, stored with the application once it is made (``row``)."""

    question_id: int
    position: int
    kind: str
    prompt: str
    answer: str

    def row(self, application_id: int) -> ApplicationAnswer:
        """The answer as stored: it keeps the question's words and kind as they were."""
        return ApplicationAnswer(
            application_id=application_id,
            question_id=self.question_id,
            position=self.position,
            kind=self.kind,
            prompt=self.prompt,
            answer=self.answer,
        )


class MissingAnswers(InvalidInput):
    """Required questions left blank (or answers that do not fit); ``problems`` maps id -> message."""

    def __init__(self, problems: dict[int, str], prompts: dict[int, str]):
        self.problems = problems
        named = "; ".join(f"“{prompts[qid]}”: {msg}" for qid, msg in problems.items())
        super().__init__(f"Please complete the application: {named}")


def view(q: ScreeningQuestion) -> QuestionView:
    return QuestionView(
        id=q.id,
        position=q.position,
        kind=q.kind,
        prompt=q.prompt,
        required=q.required,
        choices=tuple(json.loads(q.choices or "[]")),
        disqualifying_answers=tuple(_disqualifying(q)),
    )


def _disqualifying(q: ScreeningQuestion) -> list[str]:
    return list(json.loads(q.disqualifying_answers or "[]"))


def _still_fitting(q: ScreeningQuestion, kind: str, choices: list[str]) -> list[str]:
    """A kept question's disqualifying answers that its new kind and choices still offer (none when
    they would now disqualify every answer)."""
    if q.id is None or kind not in ("yes_no", "single_choice"):
        return []
    allowed = ["yes", "no"] if kind == "yes_no" else choices
    kept = [a for a in _disqualifying(q) if a in allowed]
    return kept if len(kept) < len(allowed) else []


def for_job(s: Session, job_id: int) -> list[ScreeningQuestion]:
    return list(
        s.exec(
            select(ScreeningQuestion)
            .where(ScreeningQuestion.job_id == job_id)
            .order_by(ScreeningQuestion.position, ScreeningQuestion.id)
        ).all()
    )


def parse_definitions(raw: object) -> list[dict]:
    """Checked question definitions: [{id?, kind, prompt, required, choices}] in their order."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        raise InvalidInput("Questions must be a list.")
    if len(raw) > MAX_QUESTIONS:
        raise InvalidInput(f"A job has at most {MAX_QUESTIONS} questions.")
    parsed = []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(f"Question {n} must be an object with kind and prompt.")
        kind = item.get("kind")
        if kind not in KINDS:
            raise InvalidInput(f"Question {n}: kind must be one of {', '.join(KINDS)}.")
        prompt = validation.text(item.get("prompt"), f"Question {n}", max_len=300)
        choices: list[str] = []
        if kind == "single_choice":
            raw_choices = item.get("choices") or []
            if not isinstance(raw_choices, list | tuple):
                raise InvalidInput(f"Question {n}: choices must be a list.")
            for choice in raw_choices:
                text = validation.text(choice, f"Question {n} choice", max_len=100, required=False)
                if text and text not in choices:
                    choices.append(text)
            if not 2 <= len(choices) <= MAX_CHOICES:
                raise InvalidInput(
                    f"Question {n}: a single-choice question needs 2 to {MAX_CHOICES} choices."
                )
        qid = item.get("id")
        parsed.append(
            {
                "id": validation.object_id(qid, "Question id") if qid not in (None, "", 0) else None,
                "kind": kind,
                "prompt": prompt,
                "required": bool(item.get("required", False)),
                "choices": choices,
                # None (not given) keeps a kept question's own, so an editor that does not show
                # them does not drop them.
                "disqualifying_answers": None
                if item.get("disqualifying_answers") is None
                else _parse_disqualifying(n, kind, choices, item["disqualifying_answers"]),
            }
        )
    return parsed


def _parse_disqualifying(n: int, kind: str, choices: list[str], raw: object) -> list[str]:
    """The answers of question ``n`` that disqualify: yes/no or some of its choices, never all of
    them (every applicant would be rejected), and none for a text question."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput(f"Question {n}: disqualifying answers must be a list.")
    if not raw:
        return []
    if kind not in ("yes_no", "single_choice"):
        raise InvalidInput(f"Question {n}: only yes/no and single-choice questions can disqualify.")
    allowed = ["yes", "no"] if kind == "yes_no" else choices
    picked: list[str] = []
    for value in raw:
        if isinstance(value, bool):
            value = "yes" if value else "no"
        text = value.strip() if isinstance(value, str) else ""
        match = next((a for a in allowed if a.casefold() == text.casefold()), None)
        if match is None:
            raise InvalidInput(
                f"Question {n}: a disqualifying answer must be one of {', '.join(allowed)}; "
                f"{str(value)[:40]!r} is not."
            )
        if match not in picked:
            picked.append(match)
    if len(picked) == len(allowed):
        raise InvalidInput(f"Question {n}: at least one answer must not disqualify.")
    return picked


def replace_for_job(s: Session, job_id: int, definitions: list[dict]) -> None:
    """Make the job's questions these: kept by id, added, removed (answers keep their own copy)."""
    existing = {q.id: q for q in for_job(s, job_id)}
    keep: set[int] = set()
    for position, d in enumerate(definitions):
        q = existing.get(d["id"]) if d["id"] else None
        if q is None:
            q = ScreeningQuestion(job_id=job_id, kind=d["kind"], prompt=d["prompt"])
        else:
            keep.add(q.id)
        q.position, q.kind, q.prompt, q.required = position, d["kind"], d["prompt"], d["required"]
        q.choices = json.dumps(d["choices"])
        knockouts = d.get("disqualifying_answers")
        if knockouts is None:  # kept as they were, as far as they still fit the question
            knockouts = _still_fitting(q, d["kind"], d["choices"])
        q.disqualifying_answers = json.dumps(knockouts)
        s.add(q)
    for qid, q in existing.items():
        if qid not in keep:
            for answer in s.exec(select(ApplicationAnswer).where(ApplicationAnswer.question_id == qid)):
                answer.question_id = None
                s.add(answer)
            s.flush()
            s.delete(q)
    s.flush()


def _normalise(q: ScreeningQuestion, value: object) -> tuple[str | None, str | None]:
    """(answer text or None when blank, problem)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if not value:
        return None, None
    if q.kind == "yes_no":
        lowered = value.lower()
        if lowered in ("yes", "true", "y"):
            return "yes", None
        if lowered in ("no", "false", "n"):
            return "no", None
        return None, "answer yes or no"
    if q.kind == "single_choice":
        choices = json.loads(q.choices or "[]")
        return (value, None) if value in choices else (None, f"choose one of {', '.join(choices)}")
    limit = ANSWER_LIMITS[q.kind]
    try:
        value = validation.text(value, "Answer", max_len=limit, multiline=q.kind == "long_text")
    except InvalidInput as exc:
        return None, exc.message.replace("Answer ", "").lower()
    return value, None


def _question_id(key: object) -> int:
    """The question id an answer names (a number, or its digits as text)."""
    if isinstance(key, str | int | float):
        try:
            return int(key)
        except (ValueError, OverflowError):
            pass
    raise InvalidInput("Each answer needs the question_id it answers.")


def check_answers(questions: list[ScreeningQuestion], raw: object) -> list[CheckedAnswer]:
    """The answers to store once the application is made, or MissingAnswers naming each problem."""
    given: dict[int, object] = {}
    if raw:
        items: list[tuple[object, object]] = []
        if isinstance(raw, dict):
            items = list(raw.items())
        elif isinstance(raw, list | tuple):
            for entry in raw:
                if not isinstance(entry, dict):
                    raise InvalidInput("Each answer must be an object with question_id and answer.")
                items.append((entry.get("question_id"), entry.get("answer")))
        else:
            raise InvalidInput("Answers must be a list of {question_id, answer}.")
        for key, value in items:
            given[_question_id(key)] = value
    known = {q.id for q in questions}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(f"Question {unknown[0]} is not a question of this job.")
    answers: list[CheckedAnswer] = []
    problems: dict[int, str] = {}
    for q in questions:
        value, problem = _normalise(q, given.get(q.id))
        if problem:
            problems[q.id] = problem
        elif value is None and q.required:
            problems[q.id] = "this question is required"
        elif value is not None:
            answers.append(
                CheckedAnswer(
                    question_id=q.id, position=q.position, kind=q.kind, prompt=q.prompt, answer=value
                )
            )
    if problems:
        raise MissingAnswers(problems, {q.id: q.prompt for q in questions})
    return answers


def disqualified_by(questions: list[ScreeningQuestion], answers: list[CheckedAnswer]) -> list[AnswerView]:
    """The answers that disqualify the application, in the questions' order (none: it goes on)."""
    knockouts = {q.id: _disqualifying(q) for q in questions}
    return [
        AnswerView(question_id=a.question_id, kind=a.kind, prompt=a.prompt, answer=a.answer)
        for a in sorted(answers, key=lambda a: a.position)
        if a.answer in knockouts.get(a.question_id, ())
    ]


def answer_view(a: ApplicationAnswer) -> AnswerView:
    return AnswerView(question_id=a.question_id, kind=a.kind, prompt=a.prompt, answer=a.answer)
