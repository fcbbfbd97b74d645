"""Search over the shipped trees: pasted network errors land on the right connectivity node.

Each line is what an engineer would paste: a whole log or terminal line with
its prefix (curl exit code, timestamp, Go/Java/Python wrapper text), not just
the bare symptom. The expected node is the one that diagnoses that error
first, not the tree's start node, whenever the line names the layer.
"""

from __future__ import annotations

import pytest

from tests.unit.search_support import assert_cases_name_nodes, assert_lands

CASES: list[tuple[str, str]] = [
    # proxy
    (
        "* Uses proxy env variable https_proxy == 'http://proxy.corp.example.com:3128'",
        "proxy-in-path",
    ),
    ("curl: (56) CONNECT tunnel failed, response 403", "proxy-in-path"),
    # DNS
    ("curl: (6) Could not resolve host: api.internal.example.com", "dns-rcode"),
    (
        "2026-11-26T03:12:44.512Z ERROR checkout Error: getaddrinfo EAI_AGAIN "
        "payments.payments.svc.cluster.local",
        "dns-rcode",
    ),
    (
        'Get "http://payments/healthz": dial tcp: lookup payments on 10.96.0.10:53: no such host',
        "dns-nxdomain",
    ),
    ("** server can't find api.internal.example.com: NXDOMAIN", "dns-nxdomain"),
    (";; connection timed out; no servers could be reached", "dns-no-answer"),
    (
        "[ERROR] plugin/errors: 2 api.example.com. A: read udp "
        "10.244.1.7:51234->10.0.0.2:53: i/o timeout",
        "c-upstream-dns-down",
    ),
    (
        '[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see '
        'https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO '
        '4547991504243258144.3688648895315093531."',
        "c-coredns-down",
    ),
    # TCP
    (
        "curl: (7) Failed to connect to api.internal.example.com port 443 after 3 ms: "
        "Couldn't connect to server",
        "tcp-error",
    ),
    (
        "curl: (28) Failed to connect to api.internal.example.com port 443 after 10002 ms: "
        "Timeout was reached",
        "timeout-where",
    ),
    (
        'psql: error: connection to server at "10.0.0.5", port 5432 failed: Connection refused',
        "refused-where",
    ),
    (
        "2026-11-26 03:12:44,512 ERROR [main] java.net.ConnectException: Connection refused "
        "(Connection refused)",
        "refused-where",
    ),
    ("Error: connect ECONNREFUSED 10.0.0.5:5432", "refused-where"),
    ("dial tcp 10.20.30.40:443: connect: connection timed out", "timeout-where"),
    ("Traceback: OSError: [Errno 110] Connection timed out", "timeout-where"),
    (
        "2026-11-26 03:12:44,512 ERROR [pool-1-thread-3] java.net.ConnectException: "
        "Connection timed out (Connection timed out)",
        "timeout-where",
    ),
    ("dial tcp 10.20.30.40:443: connect: no route to host", "route-check"),
    ("RTNETLINK answers: Network is unreachable", "c-no-route"),
    ("read tcp 10.0.3.4:51514->10.20.30.40:443: read: connection reset by peer", "reset-when"),
    # local state
    ("dial tcp 10.20.30.40:443: connect: cannot assign requested address", "intermittent"),
    (
        "Nov 26 03:12:44 node-7 kernel: [1234567.890123] nf_conntrack: nf_conntrack: "
        "table full, dropping packet",
        "c-conntrack-full",
    ),
    ("[ALERT]    (1) : Connect() failed for backend payments: no free ports.", "c-ephemeral-ports"),
    # MTU
    ("ping: local error: message too long, mtu=1400", "mtu-probe"),
    ('Get "https://api.example.com/healthz": net/http: TLS handshake timeout', "mtu-probe"),
    # TLS
    ("curl: (60) SSL certificate problem: unable to get local issuer certificate", "tls-chain"),
    (
        'Get "https://api.example.com/healthz": tls: failed to verify certificate: '
        "x509: certificate signed by unknown authority",
        "tls-chain",
    ),
    (
        'Get "https://api.example.com/healthz": tls: failed to verify certificate: '
        "x509: certificate has expired or is not yet valid: current time "
        "2026-11-26T03:12:44Z is after 2026-11-25T23:59:59Z",
        "tls-expiry",
    ),
    ("curl: (60) SSL certificate problem: certificate has expired", "tls-expiry"),
    (
        "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
        "failed: certificate has expired (_ssl.c:1006)",
        "tls-expiry",
    ),
    (
        'Get "https://api-v2.example.com/": tls: failed to verify certificate: '
        "x509: certificate is valid for api.example.com, not api-v2.example.com",
        "tls-name",
    ),
    (
        "requests.exceptions.SSLError: HTTPSConnectionPool(host='api.example.com', port=443): "
        "Max retries exceeded with url: /healthz (Caused by SSLError(SSLCertVerificationError("
        '1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, '
        "certificate is not valid for 'api.example.com'. (_ssl.c:1006)\")))",
        "tls-name",
    ),
    ("Error: self-signed certificate in certificate chain", "c-tls-unknown-ca"),
    ("curl: (35) error:0A00010B:SSL routines::wrong version number", "c-tls-wrong-port"),
    (
        "javax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version",
        "c-tls-protocol-mismatch",
    ),
    # Kubernetes Services and the application layer
    (
        'W1126 03:12:44.123456       7 controller.go:1214] Service "payments/payments" '
        "does not have any active Endpoint.",
        "c-svc-no-endpoints",
    ),
    ("502 Bad Gateway", "app-layer"),
    # runtimes and libraries (issue 16)
    ("Error: connect ECONNREFUSED ::1:3306", "c-ipv6-first-localhost"),
    ("Caused by NoHttpResponseException blah.com:80 failed to respond", "c-keepalive-race"),
    (
        "E0712 12:10:32.025000000 16184 chttp2_transport.cc:1194] ipv4:127.0.0.1:10034: "
        "Received a GOAWAY with error code ENHANCE_YOUR_CALM and debug data equal to "
        '"too_many_pings".',
        "c-grpc-keepalive",
    ),
    (
        "/usr/share/dotnet/sdk/6.0.201/NuGet.targets(130,5): error :   Name does not resolve "
        "[/src/app.csproj]",
        "c-musl-dns-tcp",
    ),
    ("write tcp 10.0.0.4:51514->10.0.0.1:443: use of closed network connection", "c-h2-dead-conn"),
    (
        "2022/07/14 16:43:57 failed to add remote host: The provided certificate isn't valid yet",
        "c-tls-not-yet-valid",
    ),
    # plain words, no error string
    ("504 from the proxy for an internal service", "c-no-proxy"),
    ("the app keeps calling the old IP after a DNS change", "runtime-diff"),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[expected for _, expected in CASES])
def test_pasted_line_lands_on_node(line: str, expected: str) -> None:
    assert_lands("connectivity", line, expected)


def test_cases_name_existing_nodes() -> None:
    assert_cases_name_nodes("connectivity", CASES)
