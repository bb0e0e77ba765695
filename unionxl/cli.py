"""Command line: ``unionxl …`` (messages in Vietnamese; contracts in docs/design)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import UnionxlError
from .form import available_forms, load_form
from .units import lookup_unit


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="unionxl",
        description="Biểu mẫu, kiểm tra và tổng hợp số liệu báo cáo công đoàn trên Excel.",
    )
    p.add_argument("--version", action="version", version=f"unionxl {__version__}")
    sub = p.add_subparsers(dest="command", metavar="LỆNH", required=True)

    form = sub.add_parser("form", help="xem các biểu mẫu có sẵn")
    fsub = form.add_subparsers(dest="form_command", metavar="LỆNH", required=True)
    fsub.add_parser("list", help="liệt kê các biểu mẫu")
    show = fsub.add_parser("show", help="xem chi tiết một biểu mẫu")
    show.add_argument("form", metavar="BIỂU_MẪU")
    show.add_argument("--json", action="store_true", help="in dạng JSON")
    show.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028")

    t = sub.add_parser("template", help="tạo tệp Excel nhập số liệu")
    t.add_argument("form", metavar="BIỂU_MẪU")
    t.add_argument("-o", "--output", required=True, metavar="TỆP.xlsx")
    t.add_argument("--unit", default="", metavar="MÃ", help="mã đơn vị báo cáo")
    t.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị báo cáo")
    t.add_argument("--data", metavar="SỐ_LIỆU.csv", help="điền sẵn số liệu từ tệp CSV")
    t.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028 (mặc định theo biểu mẫu)")
    t.add_argument("--province", help="tên tỉnh ở tiêu đề (mặc định theo biểu mẫu)")

    data = sub.add_parser("data", help="xuất số liệu dạng bảng (CSV)")
    dsub = data.add_subparsers(dest="data_command", metavar="LỆNH", required=True)
    exp = dsub.add_parser("export", help="xuất các ô nhập liệu ra CSV")
    exp.add_argument("book", metavar="TỆP.xlsx")
    exp.add_argument("-o", "--output", required=True, metavar="SỐ_LIỆU.csv")
    exp.add_argument("--unit", metavar="MÃ", help="mã đơn vị ghi vào CSV (mặc định: theo tệp)")

    fill = sub.add_parser("fill", help="điền lại mọi công thức, giữ nguyên số đã nhập")
    fill.add_argument("book", metavar="TỆP.xlsx")
    fill.add_argument("-o", "--output", metavar="TỆP_RA.xlsx",
                      help="ghi ra tệp khác (mặc định: ghi đè an toàn lên chính tệp)")

    val = sub.add_parser("validate", help="kiểm tra số liệu các tệp báo cáo")
    val.add_argument("books", nargs="+", metavar="TỆP.xlsx")
    val.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi kết quả dạng JSON")
    val.add_argument("--annotate", metavar="TỆP_RA.xlsx",
                     help="ghi bản sao có đánh dấu ô lỗi (nhiều tệp: một thư mục)")

    fix = sub.add_parser("fix-numbers", help="đổi số gõ dạng chữ thành số (khi chỉ có một "
                         "cách đọc)")
    fix.add_argument("book", metavar="TỆP.xlsx")
    fix.add_argument("-o", "--output", required=True, metavar="TỆP_RA.xlsx")

    con = sub.add_parser("consolidate", help="tổng hợp báo cáo của các đơn vị")
    con.add_argument("inputs", nargs="+", metavar="ĐẦU_VÀO",
                     help="tệp Excel, thư mục, thư điện tử (.eml, .msg) hoặc tệp nén .zip")
    con.add_argument("-o", "--output", required=True, metavar="TỔNG_HỢP.xlsx")
    con.add_argument("--units", metavar="DANH_SÁCH", help="danh sách đơn vị phải báo cáo "
                     "(CSV hoặc XLSX, cột code,name)")
    con.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi kết quả dạng JSON")
    con.add_argument("--unit", default="TONG-HOP", metavar="MÃ",
                     help="mã đơn vị tổng hợp (ghi vào tệp kết quả)")
    con.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị tổng hợp")
    con.add_argument("--form", metavar="BIỂU_MẪU", help="biểu mẫu (mặc định: theo đa số tệp)")
    con.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028")
    con.add_argument("--province", help="tên tỉnh ở tiêu đề")
    con.add_argument("--targets", metavar="CHỈ_TIÊU.xlsx",
                     help="tệp chỉ tiêu giao (biểu mẫu phan-bo-chi-tieu): báo cáo mức đạt")
    con.add_argument("--workers", type=int, default=None, metavar="N",
                     help="số tiến trình đọc song song (mặc định: 2)")

    exp2 = sub.add_parser("export", help="xuất tệp gửi cấp trên và thư nháp .eml")
    exp2.add_argument("book", metavar="TỆP.xlsx")
    exp2.add_argument("-o", "--output", required=True, metavar="THƯ_MỤC")
    exp2.add_argument("--to", default="", metavar="ĐỊA_CHỈ", help="địa chỉ thư người nhận")
    exp2.add_argument("--force", action="store_true", help="xuất cả khi còn lỗi")

    ado = sub.add_parser("adopt", help="chuyển phụ lục tự lập (không có khóa) sang biểu mẫu")
    ado.add_argument("book", metavar="TỆP_TỰ_LẬP.xlsx")
    ado.add_argument("-o", "--output", required=True, metavar="TỆP_RA.xlsx")
    ado.add_argument("--form", default="phu-luc-nhiem-ky", metavar="BIỂU_MẪU")
    ado.add_argument("--term", help="nhiệm kỳ")
    ado.add_argument("--unit", default="", metavar="MÃ")
    ado.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi bảng đối chiếu dòng dạng JSON")

    roll = sub.add_parser("rollup", help="cộng dồn báo cáo quý thành báo cáo năm")
    roll.add_argument("book", metavar="BÁO_CÁO_QUÝ.xlsx")
    roll.add_argument("-o", "--output", required=True, metavar="BÁO_CÁO_NĂM.xlsx")

    addin = sub.add_parser("addin", help="add-in Excel «Công đoàn» (ribbon)")
    asub = addin.add_subparsers(dest="addin_command", metavar="LỆNH", required=True)
    ab = asub.add_parser("build", help="dựng UnionXL.xlam từ mã nguồn trong macros/")
    ab.add_argument("-o", "--output", metavar="TỆP.xlam", help="mặc định: workbook_templates/")
    ai = asub.add_parser("install", help="cài add-in vào Excel (thư mục XLSTART)")
    ai.add_argument("--dir", metavar="THƯ_MỤC", help="cài vào thư mục khác (thử nghiệm)")
    au = asub.add_parser("uninstall", help="gỡ add-in khỏi Excel")
    au.add_argument("--dir", metavar="THƯ_MỤC", help="thư mục đã cài (thử nghiệm)")

    demo = sub.add_parser("demo", help="chạy thử toàn bộ quy trình trên số liệu mẫu")
    demo.add_argument("dir", nargs="?", default="unionxl-demo", metavar="THƯ_MỤC")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
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


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "form":
        return _form(args)
    if args.command == "template":
        return _template(args)
    if args.command == "data":
        return _data_export(args)
    if args.command == "fill":
        return _fill(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "fix-numbers":
        return _fix_numbers(args)
    if args.command == "consolidate":
        return _consolidate(args)
    if args.command == "export":
        from .export import export

        res = export(args.book, args.output, args.to, args.force)
        print(f"Tệp gửi đi: {res.workbook}\nThư nháp (mở bằng Outlook): {res.draft}\n"
              f"Kiểm tra: {res.report.errors} lỗi, {res.report.warnings} cảnh báo.")
        return 0
    if args.command == "adopt":
        return _adopt(args)
    if args.command == "rollup":
        from .rollup import rollup_book

        print(f"Đã cộng dồn các quý thành báo cáo năm: {rollup_book(args.book, args.output)}")
        return 0
    if args.command == "addin":
        return _addin(args)
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(Path(args.dir))
    raise AssertionError(args.command)


def _form(args: argparse.Namespace) -> int:
    if args.form_command == "list":
        print(f"{'MÃ BIỂU MẪU':<24} {'PB':>3} {'SỐ DÒNG':>8}  TÊN")
        for form_id in available_forms():
            f = load_form(form_id)
            print(f"{f.id:<24} {f.version:>3} {len(f.indicators):>8}  {f.title()}")
        return 0
    f = load_form(args.form, args.term)
    if args.json:
        json.dump(f.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{f.heading} – {f.title()} (biểu mẫu {f.id}, phiên bản {f.version})")
    print(f"Kỳ: {', '.join(f.period_keys)}")
    for sec in f.sections:
        print(f"\n{sec.number}. {sec.label}")
        for code in sec.codes:
            i = f.indicator(code)
            kind = {"input": "", "derived": " [công thức]", "heading": " [tiêu đề]"}[i.kind]
            print(f"  {i.code:<6} {i.label} ({i.unit or '-'}; {i.time}){kind}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from .template import write_template
    from .tidy import read_tidy, to_values

    form = load_form(args.form, args.term)
    name = args.unit_name or (lookup_unit(args.unit) or {}).get("name", "")
    data = {}
    rounded: list = []
    if args.data:
        data = to_values(read_tidy(args.data), form, args.data, args.unit or None, rounded)
    for r in rounded:
        print(f"Cảnh báo: giá trị {r.value!r} (chỉ tiêu {r.indicator}, kỳ {r.period}) có hơn 15 "
              "chữ số có nghĩa; Excel chỉ giữ 15 chữ số nên đã làm tròn.", file=sys.stderr)
    write_template(form, args.output, args.unit, name, args.province, data)
    n = sum(len(v) for v in data.values())
    print(f"Đã tạo {args.output} (biểu mẫu {form.id}, nhiệm kỳ {form.term}"
          + (f", đơn vị {name or args.unit}" if (name or args.unit) else "")
          + (f", {n} ô điền sẵn" if n else "") + ").")
    return 0


def _data_export(args: argparse.Namespace) -> int:
    from .tidy import write_tidy
    from .workbook import read_book

    book = read_book(args.book)
    rows, skipped = book.tidy_rows(args.unit)
    n = write_tidy(rows, args.output)
    print(f"Đã xuất {n} ô số liệu của {book.path.name} ra {args.output}.")
    for addr, code, key, value in skipped:
        print(f"Cảnh báo: bỏ qua ô {book.sheet}!{addr} (chỉ tiêu {code}, kỳ {key}) vì «{value}» "
              "không phải số. Chạy «unionxl validate» để xem cách sửa.", file=sys.stderr)
    return 0


def _fill(args: argparse.Namespace) -> int:
    from .fill import fill

    res = fill(args.book, args.output)
    print(f"Đã điền {res.written} công thức vào {res.path} (trang «{res.sheet}»); "
          f"{len(res.restored)} ô công thức bị thiếu hoặc bị ghi đè đã được khôi phục.")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .annotate import annotate
    from .atomic import atomic_output
    from .validate import validate

    report = validate(args.books)
    for f in report.files:
        mark = {"valid": "ĐẠT", "invalid": "CÓ LỖI", "unreadable": "KHÔNG ĐỌC ĐƯỢC"}[f.status]
        print(f"{mark:<15} {f.path}: {f.errors} lỗi, {f.warnings} cảnh báo")
        for i in f.issues:
            where = "!".join(x for x in (i.sheet, i.cell) if x)
            sev = "lỗi" if i.severity == "error" else "cảnh báo"
            print(f"  - [{sev}] {where} {i.code}: {i.message}")
    st = report.stats
    print(f"Tổng: {st['files']} tệp, {st['valid']} đạt, {st['invalid']} có lỗi, "
          f"{st['unreadable']} không đọc được; {st['errors']} lỗi, {st['warnings']} cảnh báo.")
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(report.to_json(), encoding="utf-8")
    if args.annotate:
        readable = [f for f in report.files if f.status != "unreadable"]
        if len(args.books) == 1 and readable:
            print(f"Bản đánh dấu: {annotate(readable[0], args.annotate)}")
        else:
            outdir = Path(args.annotate)
            for f in readable:
                marked = annotate(f, outdir / (Path(f.path).stem + "-kiem-tra.xlsx"))
                print(f"Bản đánh dấu: {marked}")
    return report.exit_code


def _consolidate(args: argparse.Namespace) -> int:
    from .atomic import atomic_output
    from .consolidate import consolidate, load_units
    from .report_book import write_consolidated

    units = load_units(args.units) if args.units else None
    form = load_form(args.form, args.term) if args.form else None
    run = consolidate(args.inputs, units, form, args.workers, progress=progress_bar)
    if args.targets:
        from .consolidate import achievement

        run.achievement = achievement(run, args.targets)
    write_consolidated(run, args.output, args.unit, args.unit_name, args.province)
    if args.json:
        import json

        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2),
                           encoding="utf-8")
    print_ledger(run)
    print(f"Kết quả: {args.output}" + (f"; báo cáo JSON: {args.json}" if args.json else ""))
    return run.exit_code


def _adopt(args: argparse.Namespace) -> int:
    from .adopt import adopt
    from .atomic import atomic_output
    from .template import write_template

    result = adopt(args.book, load_form(args.form, args.term))
    marks = {"mapped": "✓", "low-confidence": "?", "unknown": "✗"}
    for r in result.rows:
        code = "/".join(r.codes) or (f"gần {r.candidate}" if r.candidate else "-")
        print(f"  {marks[r.status]} dòng {r.row:>3} → {code:<12} ({r.confidence:.2f}) "
              f"{r.label[:70]}")
    for problem in result.problems:
        print(f"  ! {problem}", file=sys.stderr)
    write_template(result.form, args.output, args.unit, result.unit_name, data=result.values)
    left = [r for r in result.rows if r.status != "mapped"]
    print(f"Đã nhận {len(result.rows) - len(left)}/{len(result.rows)} dòng theo nhãn; "
          f"{len(left)} dòng cần xem lại (không đoán). Biểu mẫu mới: {args.output}")
    if args.json:
        import json

        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps({"rows": [r.to_dict() for r in result.rows],
                                       "problems": result.problems}, ensure_ascii=False,
                                      indent=2), encoding="utf-8")
    return 1 if left or result.problems else 0


def print_ledger(run) -> None:
    from .consolidate import STATUS_VI

    for row in run.ledger:
        who = f"{row.unit_code} {row.unit_name}".strip() or row.file
        print(f"  {STATUS_VI[row.status]:<22} {who:<40.40} {row.note[:90]}")
    counts = {k: sum(r.status == k for r in run.ledger) for k in STATUS_VI}
    print("Tổng: " + ", ".join(f"{STATUS_VI[k].lower()} {v}" for k, v in counts.items() if v)
          + f". Đã cộng {len(run.used)} báo cáo.")


def progress_bar(i: int, n: int, label: str) -> None:
    if not sys.stdout.isatty() and i != n:
        return  # a log file gets the finished bar only
    width = 30
    done = int(width * i / n)
    sys.stdout.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{n} {label[-40:]:<40}")
    if i == n:
        sys.stdout.write("\n")
    sys.stdout.flush()


def _addin(args: argparse.Namespace) -> int:
    from . import addin

    if args.addin_command == "build":
        print(f"Đã dựng add-in: {addin.build(args.output or addin.OUTPUT)}")
    elif args.addin_command == "install":
        path = addin.install(args.dir)
        print(f"Đã cài add-in: {path}. Mở lại Excel để thấy thẻ «Công đoàn»; nếu Excel chặn "
              "macro, xem docs/huong-dan-su-dung.md.")
    else:
        path = addin.uninstall(args.dir)
        print(f"Đã gỡ add-in: {path}." if path else "Không thấy add-in đã cài; không có gì để gỡ.")
    return 0


def _fix_numbers(args: argparse.Namespace) -> int:
    from .fixnumbers import fix_numbers

    res = fix_numbers(args.book, args.output)
    for addr, text, value in res.converted:
        print(f"Đã đổi {addr}: «{text}» → {value:g}")
    for addr, text, why in res.left:
        print(f"Chưa đổi {addr}: «{text}» ({why})", file=sys.stderr)
    print(f"Đã đổi {len(res.converted)} ô, còn {len(res.left)} ô cần sửa tay. Ghi ra "
          f"{args.output}.")
    return 1 if res.left else 0


if __name__ == "__main__":
    sys.exit(main())
