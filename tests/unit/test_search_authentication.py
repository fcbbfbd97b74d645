"""Search over the shipped trees: pasted authentication error lines land on the right node.

Each line is written the way an engineer pastes it: an application log line
with its timestamp and logger, a journald line, a JSON error body from a
token endpoint, curl or openssl output, an nginx error log line, or the
output of ldapwhoami, kinit and kvno. The top hit must be the node of the
authentication tree that handles that error: the question that decides
between its causes when there are several, the conclusion when the line
names the cause.
"""

from __future__ import annotations

import pytest

from tests.unit.search_support import assert_cases_name_nodes, assert_lands

JOURNAL = "Nov 26 02:14:07 api-1 orders-api[4121]: "
ISO = "2026-11-26T02:14:07.123Z "

CASES: list[tuple[str, str]] = [
    # Bearer tokens: which hop, which claim.
    ("< HTTP/1.1 401 Unauthorized", "authentication:act-capture"),
    (
        '< www-authenticate: Bearer error="invalid_token", error_description="The access '
        'token is malformed or has an invalid signature"',
        "authentication:token-decode",
    ),
    (
        '< WWW-Authenticate: Bearer error="insufficient_scope", error_description="The '
        'request requires higher privileges than provided by the access token."',
        "authentication:scope-check",
    ),
    (JOURNAL + "TokenExpiredError: jwt expired", "authentication:expired-check"),
    (
        ISO + "ERROR auth jwt.exceptions.ExpiredSignatureError: Signature has expired",
        "authentication:expired-check",
    ),
    (
        JOURNAL + 'level=error msg="token validation failed" error="Token used before issued"',
        "authentication:future-check",
    ),
    (
        ISO + "WARN Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler "
        "IDX10223: Lifetime validation failed. The token is expired. "
        "ValidTo (UTC): '11/26/2026 1:10:00 AM', Current time (UTC): '11/26/2026 2:14:07 AM'.",
        "authentication:expired-check",
    ),
    (
        ISO + "ERROR Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler "
        "IDX10214: Audience validation failed. Audiences: 'orders-web'. Did not match: "
        "validationParameters.ValidAudience: 'https://api.example.com'",
        "authentication:c-audience-mismatch",
    ),
    (
        JOURNAL + "JsonWebTokenError: jwt audience invalid. expected: https://api.example.com",
        "authentication:c-audience-mismatch",
    ),
    (JOURNAL + "JsonWebTokenError: jwt malformed", "authentication:c-opaque-token"),
    (
        "2026-11-26 02:14:07,123 WARN  [org.keycloak.adapters.BearerTokenRequestAuthenticator] "
        "(default task-3) Failed to verify token: Invalid token issuer. Expected "
        "'http://keycloak:8080/realms/prod', but was 'https://login.example.com/realms/prod'",
        "authentication:c-issuer-mismatch",
    ),
    (
        "2026/11/26 02:14:07 oidc: issuer did not match the issuer returned by provider, "
        'expected "https://login.example.com/realms/prod" got "http://keycloak:8080/realms/prod"',
        "authentication:c-issuer-mismatch",
    ),
    (
        JOURNAL + "SigningKeyNotFoundError: Unable to find a signing key that matches 'k2'",
        "authentication:jwks-kid",
    ),
    (
        ISO + "ERROR IDX10501: Signature validation failed. Unable to match key: kid: 'k2'.",
        "authentication:jwks-kid",
    ),
    (
        "[2026-11-26 02:14:07.123][23][debug][jwt] [source/extensions/filters/http/jwt_authn/"
        "filter.cc:118] Jwt authentication completed with: Jwt issuer is not configured",
        "authentication:c-gateway-config",
    ),
    (
        '{"detail":"Authentication credentials were not provided."}',
        "authentication:c-header-stripped",
    ),
    (
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:orders:'
        'orders-api" cannot list resource "pods" in API group "" in the namespace "orders"',
        "authentication:c-permission-denied",
    ),
    (
        '* invalid bearer token, token audiences ["vault"] is invalid for the target audiences '
        '["https://kubernetes.default.svc.cluster.local"]',
        "authentication:c-k8s-audience",
    ),
    (
        ISO + "ERROR jwt.exceptions.ImmatureSignatureError: The token is not yet valid (iat)",
        "authentication:future-check",
    ),
    (
        "2026-11-26 02:14:07,123 WARN  [org.keycloak.authentication.authenticators.client."
        "JWTClientAuthenticator] (executor-thread-4) Error when validating client assertion: "
        "java.lang.RuntimeException: Token is not active",
        "authentication:c-jwt-leeway",
    ),
    (
        JOURNAL + "JsonWebTokenError: invalid algorithm",
        "authentication:c-alg-mismatch",
    ),
    (
        '{"error": "oidc: JWT claims invalid: invalid claim value: \'iss\'. expected='
        "https://login.microsoftonline.com/0a1b2c3d/v2.0, found=https://sts.windows.net/0a1b2c3d/.\"}",
        "authentication:c-entra-token-version",
    ),
    (
        "Error: OIDC: Discovery failed. [cause]: Error: unable to get local issuer certificate "
        "code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'",
        "authentication:c-idp-tls-trust",
    ),
    (
        "E1126 02:14:07.123456       1 reflector.go:126] Failed to list *v1.DaemonSet: Unauthorized",
        "authentication:c-k8s-token-reload",
    ),
    # OIDC / OAuth 2.0 browser logins.
    (
        "AADSTS50011: The redirect URI 'https://app.example.com/signin-oidc' specified in the "
        "request does not match the redirect URIs configured for the application "
        "'1f2e3d4c-0000-4000-8000-123456789abc'. Make sure the redirect URI sent in the request "
        "matches one added to your application in the Azure portal.",
        "authentication:c-redirect-uri",
    ),
    ("Error 400: redirect_uri_mismatch", "authentication:c-redirect-uri"),
    (
        "2026-11-26 02:14:07,123 WARN  [org.keycloak.events] (executor-thread-4) "
        'type="LOGIN_ERROR", realmId="prod", clientId="orders-web", userId="null", '
        'ipAddress="10.0.0.9", error="invalid_redirect_uri", '
        'redirect_uri="http://app.example.com/oauth2/callback"',
        "authentication:c-redirect-uri",
    ),
    (
        '{"error":"unauthorized_client","error_description":"Invalid client or Invalid client '
        'credentials"}',
        "authentication:c-invalid-client",
    ),
    (
        "AADSTS7000222: The provided client secret keys for app '1f2e3d4c-0000-4000-8000-"
        "123456789abc' are expired. Visit the Azure portal to create new keys for your app: "
        "https://aka.ms/NewClientSecret",
        "authentication:c-invalid-client",
    ),
    (
        '{"error":"invalid_client","error_description":"Token was issued in the future"}',
        "authentication:clock-check",
    ),
    (
        '{\n  "error": "invalid_grant",\n  "error_description": "Token has been expired or '
        'revoked."\n}',
        "authentication:c-refresh-revoked",
    ),
    (
        '{"error":"invalid_grant","error_description":"Session not active"}',
        "authentication:c-refresh-revoked",
    ),
    (
        '{"error":"invalid_grant","error_description":"Code not valid"}',
        "authentication:c-code-redeemed",
    ),
    (
        "AADSTS70008: The provided authorization code or refresh token has expired due to "
        "inactivity. Send a new interactive authorization request for this user and resource.",
        "authentication:invalid-grant",
    ),
    (
        '{"error":"invalid_grant","error_description":"AADSTS50126: Error validating '
        "credentials due to invalid username or password. Trace ID: 0a1b2c3d-0000-4000-8000-"
        '123456789abc"}',
        "authentication:invalid-grant",
    ),
    (
        ISO + "fail: Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectHandler[4] "
        "Error from RemoteAuthentication: Correlation failed..",
        "authentication:c-state-cookie",
    ),
    (
        "AADSTS50105: Your administrator has configured the application HR Portal "
        "('1f2e3d4c-0000-4000-8000-123456789abc') to block users unless they are specifically "
        "granted ('assigned') access to the application.",
        "authentication:c-idp-denied",
    ),
    ("HTTP error 431: headers too big", "authentication:c-session-too-large"),
    # SAML.
    (
        "onelogin.saml2.errors.OneLogin_Saml2_ValidationError: Signature validation failed. "
        "SAML Response rejected",
        "authentication:c-saml-cert-rollover",
    ),
    (
        "The response was received at https://docs.example.com/saml/acs instead of "
        "https://wiki.example.com/saml/acs",
        "authentication:c-saml-audience",
    ),
    (
        ISO + "ERROR saml: assertion invalid: Conditions is not yet valid",
        "authentication:future-check",
    ),
    # Mutual TLS.
    (
        "2026/11/26 02:14:07 [info] 1234#1234: *567 client sent no required SSL certificate "
        "while reading client request headers, client: 10.0.0.9, server: partner-api.example.com",
        "authentication:c-client-cert-not-sent",
    ),
    (
        "curl: (56) OpenSSL SSL_read: OpenSSL/3.0.13: error:0A000418:SSL routines::tlsv1 alert "
        "unknown ca, errno 0",
        "authentication:c-client-ca-trust",
    ),
    (
        "80EBF6E2917F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate "
        "required:../ssl/record/rec_layer_s3.c:1601:SSL alert number 116",
        "authentication:c-client-cert-not-sent",
    ),
    (
        "curl: (56) OpenSSL SSL_read: error:0A000415:SSL routines::sslv3 alert certificate "
        "expired, errno 0",
        "authentication:c-cert-expired",
    ),
    # LDAP / Active Directory.
    (
        "ldap_bind: Invalid credentials (49)\n\tadditional info: 80090308: LdapErr: "
        "DSID-0C090439, comment: AcceptSecurityContext error, data 775, v4563",
        "authentication:c-ldap-locked",
    ),
    (
        "javax.naming.AuthenticationException: [LDAP: error code 49 - 80090308: LdapErr: "
        "DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563]",
        "authentication:c-ldap-bad-password",
    ),
    ("ldap_bind: Invalid credentials (49)", "authentication:ldap-bind"),
    ("ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)", "authentication:ldap-reach"),
    (
        "TLS: peer cert untrusted or revoked (0x42)\nTLS: can't connect: (unknown error code)."
        "\nldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)",
        "authentication:c-ldaps-trust",
    ),
    (
        "ldap_bind: Strong(er) authentication required (8)\n\tadditional info: 00002028: "
        "LdapErr: DSID-0C090259, comment: The server requires binds to turn on integrity "
        "checking if SSL\\TLS are not already active on the connection, data 0, v4563",
        "authentication:c-ldap-signing-required",
    ),
    (
        "Access to fetch at 'https://api.example.com/v1/orders' from origin 'https://app.example.com' "
        "has been blocked by CORS policy: Request header field authorization is not allowed by "
        "Access-Control-Allow-Headers in preflight response.",
        "authentication:c-cors-preflight",
    ),
    # Plain-language descriptions, no error string.
    (
        "logins fail now and then right after signing in and a retry works",
        "authentication:c-jwt-leeway",
    ),
    (
        "users in many groups get an error page right after signing in",
        "authentication:c-session-too-large",
    ),
    (
        "SAML login fails sometimes and clicking login again works",
        "authentication:c-saml-clock-drift",
    ),
    (
        "controller gets Unauthorized from the API server hours after restart",
        "authentication:c-k8s-token-reload",
    ),
    (
        "curl to the identity provider works but the app cannot load the OIDC configuration",
        "authentication:c-idp-tls-trust",
    ),
    (
        "every token rejected since the identity provider rotated its keys, restart fixes it",
        "authentication:c-jwks-stale-cache",
    ),
    # Kerberos.
    ("kinit: Clock skew too great while getting initial credentials", "authentication:clock-check"),
    (
        "kvno: Server not found in Kerberos database while getting credentials for "
        "HTTP/app.corp.example.com@CORP.EXAMPLE.COM",
        "authentication:c-krb-spn",
    ),
    (
        "[Thu Nov 26 02:14:07.123456 2026] [auth_gssapi:error] [pid 1234] [client 10.0.0.9:51234] "
        "GSS ERROR In Negotiate Auth: gss_accept_sec_context() failed: [Unspecified GSS failure.  "
        "Minor code may provide more information (, Key version number for principal in key "
        "table is incorrect)]",
        "authentication:c-krb-keytab",
    ),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[expected for _, expected in CASES])
def test_pasted_line_lands_on_node(line: str, expected: str) -> None:
    assert_lands("authentication", line, expected)


def test_cases_name_existing_nodes() -> None:
    assert_cases_name_nodes("authentication", CASES)
