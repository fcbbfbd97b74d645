"""Search over the shipped trees: pasted performance error lines land on the right node.

Each line is written the way an engineer pastes it: with the timestamp, host
and process prefix of the tool that printed it (dmesg -T, journald, nginx, a
Java logger, kubectl). The top hit must be the node of the performance tree
that handles that error.
"""

from __future__ import annotations

import pytest

from tests.unit.search_support import assert_cases_name_nodes, assert_lands

CASES: list[tuple[str, str]] = [
    # Kernel OOM killer, whole host (dmesg -T).
    (
        "[Tue Mar 11 02:14:07 2025] Out of memory: Killed process 48211 (java) "
        "total-vm:8123456kB, anon-rss:6123456kB, file-rss:0kB, shmem-rss:0kB, UID:1001 "
        "pgtables:12345kB oom_score_adj:0",
        "performance:oom-scope",
    ),
    # Kernel OOM killer, cgroup limit (journald).
    (
        "Mar 11 02:14:07 ip-10-0-12-34 kernel: Memory cgroup out of memory: Killed process "
        "48211 (java) total-vm:4123456kB, anon-rss:2093056kB, file-rss:20480kB, "
        "shmem-rss:0kB, UID:1001 pgtables:5120kB oom_score_adj:936",
        "performance:oom-scope",
    ),
    # systemd reports the OOM kill of a unit.
    (
        "Mar 11 02:14:07 web-07 systemd[1]: checkout.service: "
        "A process of this unit has been killed by the OOM killer.",
        "performance:oom-scope",
    ),
    (
        "Mar 11 02:14:07 web-07 systemd[1]: checkout.service: Failed with result 'oom-kill'.",
        "performance:oom-scope",
    ),
    # kubectl describe pod, last state of the container.
    ("      Reason:       OOMKilled", "performance:oom-scope"),
    ("      Exit Code:    137", "performance:oom-scope"),
    # kubectl get events: kubelet eviction.
    (
        "12m  Warning  Evicted  pod/checkout-6d9f7c5b8-x2kqv  The node was low on resource: "
        "memory. Threshold quantity: 100Mi, available: 95432Ki. Container app was using "
        "1834020Ki, request is 512Mi, has larger consumption of memory.",
        "performance:oom-scope",
    ),
    # Descriptor exhaustion: nginx, Go net/http, Java, kernel.
    (
        "2025/03/11 02:14:07 [crit] 1234#1234: accept4() failed (24: Too many open files)",
        "performance:fd-check",
    ),
    (
        "2025/03/11 02:14:07 http: Accept error: accept tcp [::]:8080: "
        "accept4: too many open files; retrying in 5ms",
        "performance:fd-check",
    ),
    (
        "2025-03-11 02:14:07.123 ERROR 1 --- [nio-8080-Acceptor] "
        "o.apache.tomcat.util.net.Acceptor : Socket accept failed "
        "java.io.IOException: Too many open files",
        "performance:fd-check",
    ),
    (
        "[Tue Mar 11 02:14:07 2025] VFS: file-max limit 9223372036854775807 reached",
        "performance:fd-check",
    ),
    # Listen queue overflow.
    (
        "[Tue Mar 11 02:14:07 2025] TCP: request_sock_TCP: Possible SYN flooding on port "
        "0.0.0.0:443. Sending cookies.",
        "performance:network-sat",
    ),
    # Disk: hung task and I/O errors.
    (
        "[Tue Mar 11 02:14:07 2025] INFO: task java:4121 blocked for more than 120 seconds.",
        "performance:disk-io",
    ),
    (
        "[Tue Mar 11 02:14:07 2025] I/O error, dev nvme1n1, sector 123456 op 0x1:(WRITE) "
        "flags 0x0 phys_seg 1 prio class 2",
        "performance:disk-io",
    ),
    # JVM heap and worker pool.
    (
        'Exception in thread "http-nio-8080-exec-12" java.lang.OutOfMemoryError: Java heap space',
        "performance:runtime-saturation",
    ),
    (
        "2025-03-11 02:14:07.123 ERROR 1 --- [pool-3-thread-1] c.e.checkout.Job : failed "
        "java.lang.OutOfMemoryError: GC overhead limit exceeded",
        "performance:runtime-saturation",
    ),
    (
        "Jun 20, 2016 7:04:10 AM org.apache.tomcat.util.net.JIoEndpoint createWorkerThread "
        "INFO: Maximum number of threads (400) created for connector with address null "
        "and port 8080",
        "performance:runtime-saturation",
    ),
    # Thread dump lines of a blocked worker.
    (
        '"http-nio-8080-exec-7" #45 daemon prio=5 os_prio=0 cpu=123.45ms elapsed=3600.12s '
        "tid=0x00007f3c2c0a1000 nid=0x1a2b waiting for monitor entry  [0x00007f3bf1ffe000]",
        "performance:thread-dump",
    ),
    ("   java.lang.Thread.State: BLOCKED (on object monitor)", "performance:thread-dump"),
    # Where the request time goes: pool wait and a proxy timeout.
    (
        "2025-03-11 02:14:07.123  WARN 1 --- [nio-8080-exec-3] "
        "com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Connection is not available, "
        "request timed out after 30004ms.",
        "performance:start",
    ),
    (
        "2025/03/11 02:14:07 [error] 31#31: *1234 upstream timed out (110: Connection timed "
        "out) while reading response header from upstream, client: 10.0.0.1, server: _, "
        'request: "GET /api/cart HTTP/1.1", upstream: "http://10.0.0.2:8080/api/cart"',
        "performance:start",
    ),
    # Thread creation refused by a task (PID) limit: JVM 8 and JVM 17+ wording.
    (
        'Exception in thread "main" java.lang.OutOfMemoryError: unable to create new native thread',
        "performance:thread-limit",
    ),
    (
        '[4.283s][warning][os,thread] Failed to start thread "Unknown thread" - pthread_create '
        "failed (EAGAIN) for attributes: stacksize: 1024k, guardsize: 4k, detached.",
        "performance:thread-limit",
    ),
    # Redis startup warning about transparent huge pages.
    (
        "1:M 11 Mar 2025 02:14:07.123 # WARNING you have Transparent Huge Pages (THP) support "
        "enabled in your kernel. This will create latency and memory usage issues with Redis.",
        "performance:thp-compaction",
    ),
    # Runtime GC: Node.js heap limit, JVM unified GC log.
    (
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "performance:gc-runtime",
    ),
    (
        "[2025-03-11T02:14:07.123+0000][gc] GC(1234) Pause Full (G1 Evacuation Pause) "
        "3890M->3750M(4096M) 5873.123ms",
        "performance:gc-runtime",
    ),
    # Event loop stalls: a Node.js lag monitor and Python asyncio debug mode.
    ("2017-08-18T12:18:03.935Z INFO Event loop blocked for 258ms.", "performance:event-loop-blocked"),
    (
        "Executing <Task pending name='Task-12' coro=<handler() running at /app/main.py:42>> "
        "took 1.234 seconds",
        "performance:event-loop-blocked",
    ),
    # gunicorn worker stuck.
    ("[2025-03-11 02:14:07 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:42)", "performance:runtime-saturation"),
    # Alertmanager notification for CFS throttling.
    (
        "[FIRING:1] CPUThrottlingHigh checkout (app checkout-6d9f7c5b8-x2kqv warning) "
        "72.5% throttling of CPU in namespace checkout",
        "performance:cpu-throttle",
    ),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[expected for _, expected in CASES])
def test_pasted_line_lands_on_node(line: str, expected: str) -> None:
    assert_lands("performance", line, expected)


def test_cases_name_existing_nodes() -> None:
    assert_cases_name_nodes("performance", CASES)
