"""Run a parser in a child process with a memory and CPU time limit, so that the worst file costs a refusal,
never the worker: a native allocation that fails aborts only the child.

The child is forked (Linux), so it holds the parent's modules and settings; it must not use the parent's
database connection, and parsers do not. Its address space may grow by ``Limits.parse_memory_bytes`` beyond
what it inherited (``RLIMIT_AS``), and it may use ``Limits.parse_seconds`` of CPU (``RLIMIT_CPU``, and as much
again of wall time before it is killed). Only the verdict comes back — nothing, or the refusal's problems —
so a large table is not copied between processes; the caller parses again, knowing the file fits.
"""

import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from jiuzhu.domain.problems import Problem, Where

from .errors import InvalidInput
from .limits import Limits, megabytes, upload_limits


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(out: Connection, parse: Callable[..., object], args: tuple[Any, ...], limits: Limits) -> None:
    memory = _address_space() + limits.parse_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.parse_seconds, limits.parse_seconds + 1))
    try:
        parse(*args)
    except InvalidInput as exc:
        out.send(("refused", exc.problems))
    except MemoryError:
        out.send(("memory", []))
    except Exception as exc:  # a parser's own failure: the caller's parse meets it again, in place
        out.send(("error", repr(exc)[:500]))
    else:
        out.send(("ok", []))
    out.close()


def exceeded(limits: Limits) -> InvalidInput:
    return InvalidInput(
        [
            Problem(
                "PARSE_LIMIT",
                f"读取该文件超出了上限（内存{megabytes(limits.parse_memory_bytes)}、计算时间{limits.parse_seconds}秒），"
                "未导入任何数据；请拆分文件或删除多余的内容后重新上传",
                Where(entity="文件"),
            )
        ]
    )


def parse_bounded(parse: Callable[..., object], *args: Any, limits: Limits | None = None) -> None:
    """Run ``parse(*args)`` in a limited child; raises its InvalidInput, or ``exceeded`` when it ran out of
    memory or time (or died)."""
    limits = limits or upload_limits()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, parse, args, limits), daemon=True)
    child.start()
    send.close()
    verdict: tuple[str, Any] | None = None
    try:
        if receive.poll(2 * limits.parse_seconds):
            verdict = receive.recv()
    except EOFError:  # the child died before it could answer
        verdict = None
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if verdict is None or verdict[0] == "memory":
        raise exceeded(limits)
    if verdict[0] == "refused":
        raise InvalidInput(verdict[1])
