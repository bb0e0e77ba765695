"""The unit registry options of the commands that use one (template, consolidate)."""

from __future__ import annotations

import argparse

from ..consolidation import Registry, profile_registry, registry_for
from ..form import Profile


def add_registry(p: argparse.ArgumentParser) -> None:
    p.add_argument("--units", metavar="DANH_SÁCH", help="danh sách đơn vị (CSV, hoặc Excel có "
                   "trang «Đơn vị» và «Biến động»)")
    p.add_argument("--changes", metavar="BIẾN_ĐỘNG.csv", help="biến động đơn vị (sáp nhập, chia "
                   "tách, đổi tên, chuyển, giải thể) khi danh sách là CSV")


def registry_of(args: argparse.Namespace, profile: Profile) -> Registry | None:
    if args.units or args.changes:
        return registry_for(args.units, args.changes)
    return profile_registry(profile)
