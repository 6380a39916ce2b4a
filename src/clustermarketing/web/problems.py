"""Errors as RFC 7807 problem details (``application/problem+json``), never a stack trace.

Every error the API returns is one JSON object::

    {"type": "urn:clustermarketing:invalid-input", "title": "Invalid input", "status": 422,
     "detail": "diffusion.p_strong: Input should be less than or equal to 1 (got 1.5)",
     "errors": [{"field": "diffusion.p_strong",
                 "message": "Input should be less than or equal to 1 (got 1.5)"}]}

``detail`` is the message the command line prints after ``error:`` for the same input (the
scenario loader's field-naming messages are reused, not rewritten); ``errors`` splits it into
one entry per problem, each naming the field. Unexpected exceptions are logged with their
traceback on the server and answered with a 500 problem that says only that (and a reference
to find the log entry).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from clustermarketing.errors import ClusterMarketingError

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "BodyLimit",
    "FieldError",
    "Problem",
    "ProblemError",
    "install",
    "only_form_fields",
    "problem_responses",
    "split_message",
]

log = logging.getLogger("clustermarketing.web")

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: problem types (``type`` member); documented in docs/web.md
TYPES = {
    400: "urn:clustermarketing:bad-request",
    404: "urn:clustermarketing:not-found",
    405: "urn:clustermarketing:method-not-allowed",
    409: "urn:clustermarketing:conflict",
    413: "urn:clustermarketing:too-large",
    415: "urn:clustermarketing:unsupported-media-type",
    422: "urn:clustermarketing:invalid-input",
    500: "urn:clustermarketing:internal-error",
    503: "urn:clustermarketing:busy",
}
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal error",
    503: "Server busy",
}


class FieldError(BaseModel):
    """One problem with one field (``field`` is a dotted path such as ``markets.0.size``)."""

    field: str | None = Field(None, description="dotted path of the field, if one is named")
    message: str


class Problem(BaseModel):
    """RFC 7807 problem details."""

    type: str = Field("about:blank", description="problem type (a URN, see docs/web.md)")
    title: str
    status: int
    detail: str = Field("", description="the message the command line prints for the same input")
    errors: list[FieldError] = Field(default_factory=list)


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem (status, detail, field errors)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.type = type_ or TYPES.get(status, "about:blank")
        self.errors = errors if errors is not None else split_message(detail)
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        body = Problem(
            type=self.type,
            title=self.title,
            status=self.status,
            detail=self.detail,
            errors=[FieldError(**e) for e in self.errors],
        )
        return JSONResponse(
            body.model_dump(),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=self.headers,
        )


_FIELD = re.compile(r"^(?:--set )?([A-Za-z_][\w\-]*(?:\.[\w\-]+)*(?:\[\d+\])?): (.+)$")


def split_message(message: str) -> list[dict[str, Any]]:
    """One ``{"field", "message"}`` per line of a CLI-style message (``field.path: text``).

    >>> split_message("diffusion.p_strong: Input should be ≤ 1 (got 1.5)")
    [{'field': 'diffusion.p_strong', 'message': 'Input should be ≤ 1 (got 1.5)'}]
    >>> split_message("something went wrong")
    [{'field': None, 'message': 'something went wrong'}]
    """
    out = []
    for line in str(message).strip().splitlines():
        line = line.strip()
        if not line:
            continue
        m = _FIELD.match(line)
        if m and " " not in m.group(1):
            out.append({"field": m.group(1), "message": m.group(2)})
        else:
            out.append({"field": None, "message": line})
    return out


def invalid(message: str, status: int = 422) -> ProblemError:
    """A user error with the CLI's message (pydantic's ``Value error,`` prefixes removed)."""
    from clustermarketing.scenario.load import clean_message

    return ProblemError(status, clean_message(str(message)).strip())


#: pydantic names a union's branch in the location (``scenario.str``, ``values.dict[str,float]``)
_TYPE_TAG = re.compile(r"^(str|int|float|bool|list|dict|none|[a-z-]+\[.*\])$")


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    from clustermarketing.scenario.load import clean_message

    out = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "form"):
            where = loc[0]
            loc = loc[1:]
        else:
            where = ""
        # a union of a name and an object reports both branches: name the field once
        loc = [p for p in loc if not _TYPE_TAG.match(p)]
        field = ".".join(loc) if loc else (where or None)
        msg = clean_message(str(e.get("msg", "invalid")))
        if e.get("type") == "extra_forbidden":
            msg = "unknown key; remove it or check its spelling"
        elif e.get("type") == "missing":
            msg = "required field is missing"
        got = e.get("input")
        if (
            e.get("type") not in ("missing",)
            and not isinstance(got, dict | list)
            and got is not None
        ):
            text = repr(got)
            msg += f" (got {text if len(text) <= 80 else text[:77] + '...'})"
        out.append({"field": field, "message": msg})
    # the same message twice (a union's branches) once
    seen: set[tuple[Any, str]] = set()
    unique = []
    for e in out:
        key = (e["field"], e["message"])
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem response."""

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        detail = "\n".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        return ProblemError(422, detail, errors=errors).response()

    @app.exception_handler(ClusterMarketingError)
    async def _user_error(_: Request, exc: ClusterMarketingError) -> JSONResponse:
        return invalid(str(exc)).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = int(exc.status_code)
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(status, "error")
        if status == 400:
            # undecodable JSON or a malformed multipart body: invalid input like any other
            why = "" if detail == "There was an error parsing the body" else f": {detail}"
            return ProblemError(
                422,
                f"request body: cannot be read (not UTF-8 JSON, or a malformed form upload){why}",
                errors=[{"field": "body", "message": "cannot be read"}],
            ).response()
        if status == 404 and detail == "Not Found":
            detail = "no such page or resource"
        elif status == 405 and detail == "Method Not Allowed":
            detail = "this method is not allowed here"
        return ProblemError(status, detail, errors=[], headers=dict(exc.headers or {})).response()

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        ref = secrets.token_hex(4)
        log.error("internal error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return ProblemError(
            500,
            f"internal error (reference {ref}); the server's log has the details",
            errors=[],
        ).response()


def only_form_fields(*allowed: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency refusing (422) form fields other than ``allowed`` (nothing is ignored)."""

    async def check(request: Request) -> None:
        form = await request.form()
        unknown = sorted({k for k in form if k not in allowed})
        if unknown:
            raise ProblemError(
                422,
                f"form: unknown field(s) {', '.join(map(repr, unknown))}; expected "
                f"{', '.join(allowed)}",
                errors=[{"field": k, "message": "unknown field"} for k in unknown],
            )

    return check


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring problem bodies for these statuses."""
    return {
        s: {
            "description": TITLES.get(s, "Error"),
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }


class _TooLarge(HTTPException):
    """Raised by the counting ``receive``; FastAPI passes HTTP exceptions through body parsing."""


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: refuse a request body larger than ``limit`` bytes with a 413 problem.

    A declared ``Content-Length`` above the limit is refused before anything is read; a body
    sent without one (chunked) is counted as it arrives and cut off at the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _message(self) -> str:
        mb = self.limit / 2**20
        return (
            f"request body: larger than this server's limit of {self.limit:,} bytes "
            f"({mb:.3g} MB); send a smaller file, or start the server with a larger "
            "--max-upload-mb"
        )

    def _problem(self) -> JSONResponse:
        return ProblemError(
            413,
            self._message(),
            errors=[{"field": "body", "message": f"larger than {self.limit:,} bytes"}],
        ).response()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await self._problem()(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(413, self._message())
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await self._problem()(scope, receive, send)
