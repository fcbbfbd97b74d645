"""Credentials are taken out of check output; ordinary troubleshooting output is left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dectree.engine.redact import redact

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
SHAPES = {
    "bearer": ("Authorization: Bearer abcdef1234567890abcdef", "abcdef1234567890abcdef"),
    "jwt": (f"token is {JWT}", "dozjgNryP4J3jVmNHl0w5N"),
    "aws": ("key AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE"),
    "url": ("url postgres://app:hunter2@db:5432/x", "hunter2"),
    "assignment": ("password=hunter2 user=bob", "hunter2"),
    "env": ("export DB_PASSWORD='s3cr3t!'", "s3cr3t!"),
    "github": ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghij"),
    "slack": ("xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx", "abcdefghijklmnop"),
    "key-block": (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA7",
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_credential_shapes_are_redacted(shape: str) -> None:
    text, secret = SHAPES[shape]
    out = redact(f"before\n{text}\nafter")
    assert secret not in out.text and "[redacted" in out.text
    assert out.text.startswith("before\n") and out.text.endswith("\nafter")
    assert out.count >= 1


def test_ordinary_output_is_untouched() -> None:
    text = (
        "Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 50G 49G 1G 98% /var\n"
        "commit 3f786850e387550fdab836ed7e6dc881de23001b 10.0.0.1:5432 pod/web-7d9f8b6c4-x2x9z\n"
        "key_buffer_size 8388608\n"
    )
    assert redact(text) == type(redact(text))(text, 0)


def test_secret_values_and_their_quoted_forms_become_placeholders() -> None:
    out = redact("pw=it's one; quoted 'it'\\''s one' end", {"pw": "it's one"})
    assert "it's one" not in out.text and "{pw}" in out.text
    assert out.text.count("{pw}") == 2


@settings(max_examples=50, deadline=None)
@given(secret=st.text(min_size=4, max_size=30).filter(lambda s: s.strip() == s and s))
def test_any_secret_value_is_gone(secret: str) -> None:
    out = redact(f"a {secret} b\n{secret}", {"s": secret})
    assert secret not in out.text


def test_environment_listings_keep_their_paths() -> None:
    out = redact("PWD=/srv/app\nOLDPWD=/root\nPGPASSWORD=hunter2\n")
    assert out.text == "PWD=/srv/app\nOLDPWD=/root\nPGPASSWORD=[redacted: pgpassword]\n"
