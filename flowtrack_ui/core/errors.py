"""Typed domain errors. The UI and the REST API map them to messages and HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the domain core makes on purpose."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    status_code = 422


class Unauthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    """Also raised for another company's objects, so their existence never leaks."""

    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    """A move the transition table does not list; the message names the moves it does list."""

    def __init__(self, current: str, target: str, allowed: list[str], final: bool = False):
        self.current, self.target, self.allowed = current, target, allowed
        if not allowed:
            hint = f"{current} is final; no further moves are allowed"
        elif final:
            back = ", ".join(allowed)
            hint = f"{current} is final; the only allowed move is a correction back to {back}, with a reason"
        else:
            hint = f"allowed next stages: {', '.join(allowed)}"
        super().__init__(f"Cannot move from {current} to {target}; {hint}.")


class ConcurrentUpdate(Conflict):
    def __init__(self, current: str):
        self.current = current
        super().__init__(f"This application was changed by someone else meanwhile; it is now in {current}.")


class TooManyAttempts(DomainError):
    """Sign-in throttled; ``retry_after`` is in whole seconds (HTTP's Retry-After)."""

    status_code = 429

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        minutes = -(-self.retry_after // 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(f"Too many failed sign-in attempts for this email. Try again in {when}.")


class TooLarge(DomainError):
    status_code = 413


class UnsupportedFile(DomainError):
    status_code = 415
