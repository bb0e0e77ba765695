"""``unionxl register [THƯ_MỤC|SỔ.sqlite] [--check]``: the rounds a register keeps, with their
completeness and timeliness, each unit's state in the latest round; ``--check`` verifies the
register (SQLite's integrity check and the register's own rules), exit 1 when it finds a
problem."""

from __future__ import annotations

import argparse
from pathlib import Path

from ...consolidation.register import REGISTER_NAME, Register
from ...consolidation.run import STATUS_VI
from ...consolidation.season import unit_states
from ...consolidation.season_book import rates_line
from ...consolidation.timeliness import TIMELINESS_VI, rates, show_time
from ...errors import UnionxlError


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("where", nargs="?", default=".", metavar="THƯ_MỤC|SỔ.sqlite",
                   help=f"sổ theo dõi, hoặc thư mục chứa {REGISTER_NAME} (mặc định: thư mục "
                   "hiện tại)")
    p.add_argument("--check", action="store_true", help="kiểm tra tính toàn vẹn của sổ")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.where)
    if path.is_dir():
        path = path / REGISTER_NAME
    if not path.exists():
        raise UnionxlError(f"Không thấy sổ theo dõi {path}.")
    with Register(path) as reg:
        if args.check:
            problems = reg.check()
            for p in problems:
                print(f"  - {p}")
            print(f"Sổ theo dõi {path}: " + ("không có lỗi." if not problems else
                                             f"{len(problems)} vấn đề."))
            return 1 if problems else 0
        rounds = reg.rounds()
        states = {}
        for rnd in rounds:
            states = unit_states(reg, rnd)
            print(f"{rnd.office} – {rnd.name}: {rates_line(rates(rnd.deadline, states))}")
        if rounds:  # ``states`` are the last round's
            print(f"\nKỳ gần nhất: {rounds[-1].name}")
            for code, st in states.items():
                v = st.main
                state = "Chờ mở khóa" if st.held else STATUS_VI[st.status]
                approved = "đã duyệt" if st.approval else ""
                print(f"  {code:<10} {st.name[:30]:<30} {state:<22} "
                      f"{'lần ' + str(v.seq) if v else '':<7} "
                      f"{show_time(v.received_at) if v else '':<17} "
                      f"{TIMELINESS_VI.get(st.timeliness, ''):<10} {approved}")
    return 0
