"""``unionxl addin kit``: an offline install kit for union offices (slow or no internet, no
administrator rights).

The kit is a folder: ``wheels/`` (the unionxl wheel and the Windows 64-bit wheels of every
dependency, with the ``excel`` extra, for each supported Python), ``cai-dat.cmd`` (installs for
the current user with the ``py`` launcher or a given ``python.exe``, then installs the add-in
with that same interpreter) and ``HUONG-DAN.txt`` (Vietnamese instructions).

pip evaluates environment markers for the machine it runs on, not for ``--platform``: on Linux
it would leave out ``pywin32`` (xlwings needs it on Windows) and ``tzdata`` (pandas). So after
each download the requirements of every wheel in the kit are evaluated for Windows and the
missing ones downloaded too, until nothing is missing.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging import tags
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from .. import __version__
from ..atomic import atomic_output
from ..errors import UnionxlError
from .addin import PYTHONS, ROOT
from .kit_texts import guide, install_script

WHEELS = "wheels"


@dataclass
class Kit:
    folder: Path
    wheel: Path
    wheels: list[Path]
    pythons: tuple[str, ...]


def make_kit(out: str | Path, pythons: tuple[str, ...] = PYTHONS,
             source: str | Path | None = None) -> Kit:
    """The kit in ``out``; ``source`` is a folder of wheels to take everything from instead of
    the package index (then no network is used)."""
    out = Path(out)
    wheels = out / WHEELS
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = unionxl_wheel(wheels)
    for version in pythons:
        wanted = [f"{wheel}[excel]"]
        for _ in range(10):  # each round adds the dependencies of what the last one brought
            _download(wheels, wanted, version, source)
            wanted = missing(wheels, version)
            if not wanted:
                break
        else:
            raise UnionxlError(f"Không gom đủ các gói cho Python {version}: thiếu {wanted}.")
    with atomic_output(out / "cai-dat.cmd") as tmp:
        tmp.write_bytes(install_script(pythons).replace("\n", "\r\n").encode("utf-8"))
    with atomic_output(out / "HUONG-DAN.txt") as tmp:
        tmp.write_bytes(b"\xef\xbb\xbf" + guide(pythons, wheel.name).replace(
            "\n", "\r\n").encode("utf-8"))
    return Kit(out, wheel, sorted(wheels.glob("*.whl")), tuple(pythons))


def _download(wheels: Path, requirements: list[str], version: str,
              source: str | Path | None) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-input",
           "--only-binary=:all:", "--platform", "win_amd64", "--implementation", "cp",
           "--python-version", version, "-d", str(wheels)]
    if source:
        cmd += ["--no-index", "--find-links", str(source)]
    proc = subprocess.run(cmd + requirements, capture_output=True, text=True)
    if proc.returncode != 0:
        where = f"thư mục {source}" if source else "kho gói PyPI (cần mạng)"
        raise UnionxlError(f"Không tải được các gói cho Python {version} từ {where}:\n"
                           + (proc.stderr.strip().splitlines() or ["?"])[-1])


def windows(version: str) -> dict[str, str]:
    """The marker environment of 64-bit CPython ``version`` on Windows."""
    return {"implementation_name": "cpython", "implementation_version": f"{version}.0",
            "os_name": "nt", "platform_machine": "AMD64", "platform_release": "10",
            "platform_system": "Windows", "platform_version": "10.0",
            "python_full_version": f"{version}.0", "platform_python_implementation": "CPython",
            "python_version": version, "sys_platform": "win32"}


def compatible(wheel: Path, version: str) -> bool:
    major, minor = (int(p) for p in version.split("."))
    supported = {*tags.cpython_tags((major, minor), abis=[f"cp{major}{minor}", "abi3", "none"],
                                    platforms=["win_amd64"]),
                 *tags.compatible_tags((major, minor), f"cp{major}{minor}", ["win_amd64"])}
    return bool(parse_wheel_filename(wheel.name)[3] & supported)


def missing(wheels: Path, version: str) -> list[str]:
    """Requirements of the wheels for ``version`` that no wheel there satisfies on Windows."""
    have = {}
    for w in wheels.glob("*.whl"):
        if compatible(w, version):
            name, ver, _, _ = parse_wheel_filename(w.name)
            have.setdefault(name, []).append(ver)
    needed = []
    for w in wheels.glob("*.whl"):
        if not compatible(w, version):
            continue
        name = parse_wheel_filename(w.name)[0]
        extras = ["excel"] if name == "unionxl" else [""]
        for line in _requires(w):
            req = Requirement(line)
            env = windows(version)
            if req.marker and not any(req.marker.evaluate({**env, "extra": e}) for e in extras):
                continue
            versions = have.get(canonicalize_name(req.name), [])
            if not any(req.specifier.contains(v, prereleases=True) for v in versions):
                needed.append(f"{req.name}{req.specifier}")
    return sorted(set(needed))


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode("utf-8")
    return [ln.split(":", 1)[1].strip() for ln in text.splitlines()
            if ln.startswith("Requires-Dist:")]


# -- the unionxl wheel ------------------------------------------------------------------------
def unionxl_wheel(dest: Path) -> Path:
    """Built from the checkout when there is one, else repacked from the installed files."""
    if (ROOT / "setup.cfg").exists():
        return _build_from_checkout(dest)
    return _repack_installed(dest)


def _build_from_checkout(dest: Path) -> Path:
    """From a clean copy of the sources: a stale ``*.egg-info`` left by an earlier build would
    otherwise decide which files the wheel gets."""
    offline = all(importlib.util.find_spec(m) for m in ("setuptools", "wheel"))
    with tempfile.TemporaryDirectory(prefix="unionxl-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
            ".git", "*.egg-info", "build", "dist", "__pycache__", ".*_cache", "unionxl-demo"))
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
               "-w", tmp, str(src)] + (["--no-build-isolation"] if offline else [])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        built = list(Path(tmp).glob("unionxl-*.whl"))
        if proc.returncode != 0 or len(built) != 1:
            raise UnionxlError("Không dựng được gói unionxl: " + proc.stderr[-2000:])
        target = dest / built[0].name
        shutil.copyfile(built[0], target)
    return target


def _repack_installed(dest: Path) -> Path:
    dist = importlib.metadata.distribution("unionxl")
    base = Path(str(dist.locate_file("")))
    info = f"unionxl-{__version__}.dist-info"
    skip = {f"{info}/{n}" for n in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")}
    rows, buf = [], io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in dist.files or []:
            name = f.as_posix()
            if name.startswith("..") or name.endswith(".pyc") or name in skip:
                continue
            data = (base / f).read_bytes()
            zf.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            rows.append([name, f"sha256={digest.decode()}", str(len(data))])
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerows([*rows, [f"{info}/RECORD", "", ""]])
        zf.writestr(f"{info}/RECORD", record.getvalue())
    target = dest / f"unionxl-{__version__}-py3-none-any.whl"
    with atomic_output(target) as tmp:
        tmp.write_bytes(buf.getvalue())
    return target
