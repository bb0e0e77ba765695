"""The unit registry over time: the sample province as of given dates (expected units, where a
figure flows), the same registry kept as an Excel workbook, Vietnamese headers, and every kind
of broken registry file refused with exit 2 and a Vietnamese message naming file, row and
problem. Expected values are read off ``unionxl/data/changes.csv`` by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from unionxl.cli import main
from unionxl.consolidation import SAMPLE_CHANGES, SAMPLE_UNITS, load_registry, sample_registry
from unionxl.errors import DataFileError

BEFORE, MERGED, NOW = date(2022, 12, 31), date(2025, 12, 31), date(2026, 12, 31)
SEED_001 = [f"BG{n:02d}" for n in range(1, 18)]


def test_expected_units_as_of_the_report_date():
    reg = sample_registry()
    assert [u.code for u in reg.expected("LDLD-BG", BEFORE)] == SEED_001
    before_bn = {u.code for u in reg.expected("LDLD-BNC", BEFORE)}
    assert before_bn == {"BNC01", "BNC02", "BNC03", "BNC04", "BNC05"}
    now = [u.code for u in reg.expected("LDLD-BN", NOW)]
    assert len(now) == 32 and "X-SONDONG" not in now and "BG11" not in now
    assert len(reg.expected("LDLD-BN", MERGED)) == 33  # Sơn Động merged on 01/04/2026
    assert reg.expected(None, NOW) == reg.expected("LDLD-BN", NOW)  # the only root then
    with pytest.raises(Exception, match="--unit"):
        reg.expected(None, BEFORE)  # two provinces before the merger: which one?
    kinds = {u.kind for u in reg.expected("LDLD-BN", NOW)}
    assert kinds == {"ward", "commune", "industrial_zone", "sector", "grassroots"}
    hospital = [(u.parent, u.valid_from, u.valid_to) for u in reg.spans("BV01")]
    assert hospital == [("BG14", None, date(2025, 6, 30)), ("LDLD-BN", date(2025, 7, 1), None)]


def test_where_a_figure_of_2024_belongs_in_2026():
    reg = sample_registry()

    def weights(code):
        return reg.flow(code, date(2024, 12, 31), NOW).weights

    assert weights("BG01") == pytest.approx({"P-BACGIANG": 0.45, "P-DAMAI": 0.30,
                                             "P-TIENPHONG": 0.25})
    assert weights("BG10") == {"P-CHU": 1.0}  # renamed 2025, merged into Chũ 2026
    assert weights("BG09") == {"P-CHU": 1.0}
    assert {k: v for k, v in weights("BG11").items()} == {"CDKCN": 1.0}
    assert set(weights("BG07")) == {"X-LUCNAM", "X-BACLUNG"}
    assert all(math.isnan(w) for w in weights("BG07").values())  # no shares declared
    gone = reg.flow("BG13", date(2024, 12, 31), NOW)
    assert gone.weights == {} and gone.lost == ["BG13"]
    assert weights("BV01") == {"BV01": 1.0}  # a move keeps the unit's own history
    heir, _ = reg.successor("BG11", NOW)
    assert heir is not None and heir.code == "CDKCN"
    assert reg.successor("BG01", NOW)[0] is None  # split: no single heir
    assert reg.successor("P-CHU", NOW) == (None, None)  # still in place


def test_the_registry_kept_as_a_workbook_reads_back_the_same(tmp_path):
    book = tmp_path / "don-vi.xlsx"
    assert main(["registry", "workbook", "-o", str(book), "--units", str(SAMPLE_UNITS),
                 "--changes", str(SAMPLE_CHANGES)]) == 0
    back, ref = load_registry(book), sample_registry()
    for on in (BEFORE, MERGED, NOW):
        for root in ("LDLD-BG", "LDLD-BN", "LDLD-BNC"):
            if ref.at(root, on):
                assert [u.code for u in back.expected(root, on)] == \
                    [u.code for u in ref.expected(root, on)]
    for code in ("BG01", "BG07", "BG10", "BG13", "BNC05"):
        a = back.flow(code, date(2024, 12, 31), NOW)
        b = ref.flow(code, date(2024, 12, 31), NOW)
        assert a.weights.keys() == b.weights.keys() and a.lost == b.lost
    assert main(["registry", "check", str(book), "--date", "31/12/2026"]) == 0


def test_vietnamese_headers_and_words(tmp_path):
    units = tmp_path / "dv.csv"
    units.write_text("Mã,Tên,Loại,Cấp trên,Từ ngày,Đến ngày\n"
                     "T,LĐLĐ tỉnh Thử,LĐLĐ tỉnh,,,\n"
                     "H1,LĐLĐ huyện Một,LĐLĐ huyện,T,,\n"
                     "H2,LĐLĐ huyện Hai,LĐLĐ huyện,T,,\n"
                     "X1,Công đoàn xã Một,Công đoàn xã,T,01/07/2025,\n"
                     "X2,Công đoàn xã Hai,Công đoàn xã,T,1/7/2025,\n", encoding="utf-8")
    changes = tmp_path / "bd.csv"
    changes.write_text("Ngày,Biến động,Đơn vị cũ,Đơn vị mới,Tỷ lệ,Căn cứ,Ghi chú\n"
                       "01/07/2025,Sáp nhập,H1,X1,,,\n"
                       "01/07/2025,chia tách,H2,X1,\"30,5%\",đoàn viên,\n"
                       "01/07/2025,chia tách,H2,X2,0.695,đoàn viên,\n", encoding="utf-8")
    reg = load_registry(units, changes)
    assert [u.code for u in reg.expected("T", date(2025, 6, 30))] == ["H1", "H2"]
    assert [u.code for u in reg.expected("T", date(2025, 7, 1))] == ["X1", "X2"]
    flow = reg.flow("H2", date(2025, 6, 30), date(2025, 7, 1))
    assert flow.weights == pytest.approx({"X1": 0.305, "X2": 0.695})


def test_a_plain_list_still_works(tmp_path):
    plain = tmp_path / "u.csv"
    plain.write_text("code,name\nA,Đơn vị A\nB,Đơn vị B\n", encoding="utf-8")
    reg = load_registry(plain)
    assert reg.flat and [u.code for u in reg.expected("TONG-HOP", NOW)] == ["A", "B"]


UNITS = ("code,name,kind,parent,valid_from,valid_to\n"
         "T,LĐLĐ tỉnh Thử,LĐLĐ tỉnh,,,\n"
         "A,LĐLĐ huyện A,LĐLĐ huyện,T,,\n"
         "B,LĐLĐ huyện B,LĐLĐ huyện,T,,\n"
         "N1,Công đoàn phường Một,Công đoàn phường,T,2025-07-01,\n"
         "N2,Công đoàn phường Hai,Công đoàn phường,T,2025-07-01,\n")
CHANGES = "date,event,from,to,share,basis,note\n"
# (name, units file text, changes text, file that is wrong, row, words of the problem)
BROKEN = [
    ("overlap", UNITS + "A,LĐLĐ huyện A mới,LĐLĐ huyện,T,2020-01-01,\n", CHANGES, "units", 7,
     "trùng với dòng 3"),
    ("cycle", UNITS.replace("B,LĐLĐ huyện B,LĐLĐ huyện,T", "B,LĐLĐ huyện B,LĐLĐ huyện,C")
     + "C,Khối C,Khác,B,,\n", CHANGES, "units", None, "vòng lặp cấp trên"),
    ("unknown parent", UNITS + "C,Khối C,Khác,ZZ,,\n", CHANGES, "units", 7, "cấp trên «ZZ»"),
    ("unknown kind", UNITS + "C,Khối C,Hợp tác xã,T,,\n", CHANGES, "units", 7,
     "loại đơn vị «Hợp tác xã» không biết"),
    ("bad date", UNITS, CHANGES + "31/02/2025,sáp nhập,A,N1,,,\n", "changes", 2,
     "không phải ngày"),
    ("no successor", UNITS, CHANGES + "2025-07-01,sáp nhập,A,ZZ,,,\n", "changes", 2,
     "đơn vị mới (đơn vị kế thừa) «ZZ» không có"),
    ("successor not yet", UNITS, CHANGES + "2025-06-01,sáp nhập,A,N1,,,\n", "changes", 2,
     "chưa có hiệu lực"),
    ("split without shares", UNITS, CHANGES + "2025-07-01,chia tách,B,N1,,,\n"
     "2025-07-01,chia tách,B,N2,,,\n", "changes", 2, "thiếu tỷ lệ chia"),
    ("shares not 100%", UNITS, CHANGES + "2025-07-01,chia tách,B,N1,60%,đoàn viên,\n"
     "2025-07-01,chia tách,B,N2,30%,đoàn viên,\n", "changes", 3, "tổng tỷ lệ là 90,0%"),
    ("split in one", UNITS, CHANGES + "2025-07-01,chia tách,B,N1,100%,đoàn viên,\n",
     "changes", 2, "ít nhất hai đơn vị mới"),
    ("unknown event", UNITS, CHANGES + "2025-07-01,nhập,A,N1,,,\n", "changes", 2,
     "biến động «nhập» không biết"),
    ("still in place", UNITS.replace("A,LĐLĐ huyện A,LĐLĐ huyện,T,,",
                                     "A,LĐLĐ huyện A,LĐLĐ huyện,T,,2025-12-31"),
     CHANGES + "2025-07-01,sáp nhập,A,N1,,,\n", "changes", 2, "còn hiệu lực đến 31/12/2025"),
    ("loop", UNITS, CHANGES + "2025-07-01,sáp nhập,A,B,,,\n"
     "2025-07-01,sáp nhập,B,A,,,\n", "changes", 2, "vòng lặp: B vừa nhận A vừa kết thúc"),
    ("ends before it starts", UNITS, CHANGES + "2025-07-01,sáp nhập,N1,N2,,,\n", "changes",
     2, "không còn hiệu lực ngày 30/06/2025"),
    ("left under an ended parent", UNITS + "C,CĐCS C,CĐCS,A,,\n",
     CHANGES + "2025-07-01,sáp nhập,A,N1,,,\n", "units", 7, "cấp trên «A» đã kết thúc"),
]


@pytest.mark.parametrize("name,units,changes,which,row,words", BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_registry_exit_2_naming_file_row_problem(tmp_path, capsys, name, units,
                                                        changes, which, row, words):
    u, c = tmp_path / "don-vi.csv", tmp_path / "bien-dong.csv"
    u.write_text(units, encoding="utf-8")
    c.write_text(changes, encoding="utf-8")
    assert main(["registry", "check", str(u), "--changes", str(c)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("Lỗi: Lỗi dữ liệu ở tệp")
    assert str(u if which == "units" else c) in err, err
    if row is not None:
        assert f"dòng {row}:" in err, err
    assert words in err, err
    # the same through consolidation: exit 2, nothing written
    assert main(["consolidate", str(tmp_path), "-o", str(tmp_path / "o.xlsx"), "--units",
                 str(u), "--changes", str(c)]) == 2
    assert not (tmp_path / "o.xlsx").exists()


def test_broken_workbook_names_its_sheet(tmp_path):
    import xlsxwriter

    path = tmp_path / "dv.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    units, changes = wb.add_worksheet("Đơn vị"), wb.add_worksheet("Biến động")
    for r, line in enumerate(UNITS.splitlines()):
        for c, v in enumerate(line.split(",")):
            units.write_string(r, c, v)
    for r, line in enumerate([CHANGES.strip(), "2025-07-01,chia tách,B,N1,,,",
                              "2025-07-01,chia tách,B,N2,,,"]):
        for c, v in enumerate(line.split(",")):
            changes.write_string(r, c, v)
    wb.close()
    with pytest.raises(DataFileError) as err:
        load_registry(path)
    assert "(trang «Biến động»), dòng 2" in str(err.value)
    assert "thiếu tỷ lệ chia" in str(err.value)


def test_a_workbook_typed_by_hand(tmp_path):
    """Codes typed as numbers, dates as Excel dates, a share as a percentage cell."""
    from datetime import datetime

    import xlsxwriter

    path = tmp_path / "dv.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    units, changes = wb.add_worksheet("Đơn vị"), wb.add_worksheet("Biến động")
    for c, h in enumerate(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã cấp trên", "Từ ngày"]):
        units.write_string(0, c, h)
    rows = [(1, "LĐLĐ tỉnh Thử", "LĐLĐ tỉnh", None, None),
            (11, "LĐLĐ huyện Một", "LĐLĐ huyện", 1, None),
            (21, "Công đoàn xã Một", "Công đoàn xã", 1, datetime(2025, 7, 1)),
            (22, "Công đoàn xã Hai", "Công đoàn xã", 1, datetime(2025, 7, 1))]
    for r, (code, name, kind, parent, start) in enumerate(rows, start=1):
        units.write_number(r, 0, code)
        units.write_string(r, 1, name)
        units.write_string(r, 2, kind)
        if parent is not None:
            units.write_number(r, 3, parent)
        if start is not None:
            units.write_datetime(r, 4, start, day)
    for c, h in enumerate(["Ngày", "Biến động", "Đơn vị cũ", "Đơn vị mới", "Tỷ lệ", "Căn cứ"]):
        changes.write_string(0, c, h)
    for r, (to, share) in enumerate(((21, 0.4), (22, 0.6)), start=1):
        changes.write_datetime(r, 0, datetime(2025, 7, 1), day)
        changes.write_string(r, 1, "Chia tách")
        changes.write_number(r, 2, 11)
        changes.write_number(r, 3, to)
        changes.write_number(r, 4, share)
        changes.write_string(r, 5, "đoàn viên")
    wb.close()
    reg = load_registry(path)
    assert [u.code for u in reg.expected("1", date(2025, 7, 1))] == ["21", "22"]
    assert reg.flow("11", date(2024, 12, 31), NOW).weights == pytest.approx({"21": 0.4,
                                                                            "22": 0.6})
