"""Credentials taken out of check output before anything is written down.

In order: the values of the session's secret variables (and their shell-quoted
forms) become `{name}`; private key blocks, bearer tokens, `password=`-style
assignments and passwords in URLs become `[redacted: kind]`; then each line
that mentions anything credential-like is scanned with detect-secrets'
detectors (AWS keys, JWTs, tokens of GitHub, GitLab, Slack, Stripe, OpenAI,
npm, PyPI and more, keyword assignments). detect-secrets finds secrets in
lines but sometimes reports only part of one (the `ghp` of a GitHub token),
so the whole token around what it reports is redacted. Its entropy and
public-IP detectors are left out: hashes, pod names and addresses are what
troubleshooting output is made of.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dectree.engine.shellctx import DOUBLE, SINGLE, quote_for

_PLUGINS = (
    "ArtifactoryDetector",
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "CloudantDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "IbmCloudIamDetector",
    "IbmCosHmacDetector",
    "JwtTokenDetector",
    "KeywordDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SoftlayerDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)

_KEY_BLOCK = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*?(-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\Z)",
    re.DOTALL,
)
_BEARER = re.compile(r"(?i)\b(bearer|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_ASSIGNMENT = re.compile(
    r"(?i)\b([a-z0-9_]*(?:password|passwd|secret|api[_-]?key|access[_-]?key|token))"
    r"(\s*[=:]\s*)(\"[^\"\n]*\"|'[^'\n]*'|[^\s,;&\"']+)"
)
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]+:)([^\s@/]+)(@)")
# Lines worth handing to detect-secrets (it is slow; most output lines are not).
_HINT = re.compile(
    r"AKIA|ASIA|eyJ|gh[pousr]_|glpat-|xox[abposr]-|sk_live|sk-|npm_|pypi-|SG\.|AccountKey|"
    r"(?i:key|secret|token|pass|pwd|credential)[^\s=:]{0,20}\s*[=:]"
)
_TOKEN_CHARS = re.compile(r"[^\s\"'`,;()<>\[\]{}]+")


@dataclass(frozen=True)
class Redacted:
    """Text with credentials taken out, and how many were."""

    text: str
    count: int


def _mark(kind: str) -> str:
    return f"[redacted: {kind}]"


def _secret_forms(value: str) -> Iterator[str]:
    yield value
    for form in (shlex.quote(value), quote_for(value, SINGLE), quote_for(value, DOUBLE)):
        if form != value:
            yield form


def redact(text: str, secrets: Mapping[str, str] | None = None) -> Redacted:
    """`text` with the secret variables' values and credential shapes replaced."""
    count = 0
    for name, value in sorted((secrets or {}).items(), key=lambda kv: -len(kv[1])):
        if not value:
            continue
        for form in sorted(set(_secret_forms(value)), key=len, reverse=True):
            found = text.count(form)
            if found:
                text = text.replace(form, "{" + name + "}")
                count += found

    def sub(pattern: re.Pattern[str], make: Any) -> None:
        nonlocal text, count
        text, n = pattern.subn(make, text)
        count += n

    sub(_KEY_BLOCK, lambda m: _mark("private key"))
    sub(_URL_PASSWORD, lambda m: m.group(1) + _mark("password") + m.group(3))
    sub(_BEARER, lambda m: m.group(1) + m.group(2) + _mark("token"))
    sub(
        _ASSIGNMENT,
        lambda m: m.group(0) if m.group(3).startswith("[redacted") or m.group(3).startswith("{")
        else m.group(1) + m.group(2) + _mark(m.group(1).lower()),
    )
    lines = text.split("\n")
    hinted = [number for number, line in enumerate(lines) if _HINT.search(line)]
    if hinted:
        with _settings():
            for number in hinted:
                cleaned, found = _scan_line(lines[number])
                if found:
                    lines[number] = cleaned
                    count += found
    return Redacted("\n".join(lines), count)


def _scan_line(line: str) -> tuple[str, int]:
    found = 0
    for kind, value in _detect(line):
        if not value or value.startswith("[redacted") or value not in line:
            continue
        # Widen to the whole token around what was reported.
        at = line.find(value)
        token = next(
            (m for m in _TOKEN_CHARS.finditer(line) if m.start() <= at < m.end()), None
        )
        start, end = (at, at + len(value))
        if token is not None:
            start, end = min(start, token.start()), max(end, token.end())
        line = line[:start] + _mark(kind.lower()) + line[end:]
        found += 1
    return line, found


def _detect(line: str) -> list[tuple[str, str]]:
    from detect_secrets.core.scan import scan_line

    return [(s.type, s.secret_value or "") for s in scan_line(line)]


@lru_cache(maxsize=1)
def _settings_config() -> dict[str, Any]:
    return {"plugins_used": [{"name": name} for name in _PLUGINS], "filters_used": []}


def _settings() -> Any:
    from detect_secrets.settings import transient_settings

    return transient_settings(_settings_config())
