"""Command line: ``unionxl …`` (messages in Vietnamese; contracts in the design notes).

Only this entry point turns errors into exit codes and messages; each command lives in its own
module under ``commands/`` and prints through ``console``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import UnionxlError
from .argparse_vi import install
from .commands import COMMANDS

install()  # argparse's own texts in Vietnamese


def _parser(command: str | None) -> argparse.ArgumentParser:
    """Every command is listed; only ``command``'s module is imported, for its arguments."""
    p = argparse.ArgumentParser(
        prog="unionxl",
        description="Biểu mẫu, kiểm tra và tổng hợp số liệu báo cáo công đoàn trên Excel.",
    )
    p.add_argument("--version", action="version", version=f"unionxl {__version__}",
                   help="in phiên bản rồi thoát")
    sub = p.add_subparsers(dest="command", metavar="LỆNH", required=True)
    for name, (module, text) in COMMANDS.items():
        parser = sub.add_parser(name, help=text, description=text)
        if name == command:
            importlib.import_module(f"{__name__}.commands.{module}").add(parser)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    args = _parser(command).parse_args(argv)
    try:
        return args.run(args)
    except UnionxlError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into head/less that closed early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a bare traceback for office staff
        if os.environ.get("UNIONXL_DEBUG"):
            raise
        print(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}. Chạy lại với biến môi trường "
              "UNIONXL_DEBUG=1 để xem chi tiết và gửi cho người hỗ trợ.", file=sys.stderr)
        return 2


__all__ = ["main"]
