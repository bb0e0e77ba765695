"""The error catalogue: one entry per kind of problem, with a stable code and a Vietnamese
message template that says what is wrong and what to do (frictionless-style errors as data).

``docs/errors.md`` is generated from ``CATALOGUE`` (``python -m unionxl.docs``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..errors import WorkbookError
from ..form.rules import SEVERITY_VI


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    severity: str  # default severity: error | warning
    template: str  # str.format fields: value, reading, readings, unit, rule, detail, …

    def message(self, **fields: Any) -> str:
        return self.template.format(**fields)


_KINDS = [
    # -- files ------------------------------------------------------------------------------
    Kind("unreadable-file", "Không đọc được tệp", "error",
         "Không đọc được tệp: {detail}"),
    Kind("not-unionxl-workbook", "Không phải biểu mẫu unionxl", "error",
         "Tệp không có khóa của biểu mẫu unionxl ({detail}). Hãy chép số liệu sang biểu mẫu "
         "mới tạo bằng «unionxl template»."),
    Kind("wrong-form", "Sai biểu mẫu hoặc phiên bản", "error",
         "Tệp dùng biểu mẫu {detail}. Hãy dùng đúng biểu mẫu cấp trên gửi."),
    Kind("damaged-file", "Tệp bị hỏng", "error",
         "Tệp bị hỏng: {detail}. Hãy mở tệp bằng Excel (Excel sẽ đề nghị sửa tệp), lưu lại "
         "rồi gửi lại."),
    Kind("unsafe-content", "Nội dung không an toàn", "error",
         "Tệp có nội dung không an toàn: {detail}. Excel không bao giờ tạo nội dung này (có thể "
         "là tệp độc hại); tệp không được đọc. Hãy lưu lại bằng Excel rồi gửi lại."),
    Kind("file-too-large", "Tệp quá lớn", "error",
         "Tệp quá lớn để đọc an toàn ({detail}). Hãy xóa các dòng, cột, trang thừa (ô gõ nhầm "
         "ở xa, dữ liệu kéo xuống hết trang), lưu lại rồi gửi lại."),
    Kind("cell-outside-table", "Ô có giá trị ở rất xa bảng", "warning",
         "Có {count} ô có giá trị nằm ngoài vùng đọc ({rows} dòng × {cols} cột đầu tiên): "
         "{cells}. Các ô này không được đọc và không được tổng hợp. Nếu gõ nhầm, hãy xóa chúng "
         "(Ctrl+End đưa tới ô cuối cùng có dữ liệu)."),
    Kind("ods-format", "Định dạng LibreOffice (.ods)", "warning",
         "Tệp ở định dạng LibreOffice (.ods): đã đọc số liệu nhưng không kiểm tra được công "
         "thức. Lần sau hãy lưu dạng Excel (.xlsx)."),
    Kind("unexpected-error", "Lỗi chưa lường trước", "error",
         "unionxl gặp lỗi chưa lường trước khi đọc tệp này; tệp không được dùng, các tệp khác "
         "vẫn được xử lý. Hãy gửi tệp cho người hỗ trợ (chi tiết kỹ thuật ở báo cáo JSON)."),
    Kind("worker-crashed", "Tiến trình đọc tệp bị dừng", "error",
         "Tiến trình đọc tệp này bị dừng đột ngột ({detail}); các tệp khác vẫn được tổng hợp. "
         "Hãy mở tệp bằng Excel, lưu lại rồi gửi lại; nếu vẫn lỗi, gửi tệp cho người hỗ trợ."),
    Kind("file-too-slow", "Đọc tệp quá lâu", "error",
         "Đọc tệp quá {detail} giây nên đã dừng; các tệp khác vẫn được tổng hợp. Hãy xóa các "
         "dòng, cột, trang thừa, lưu lại rồi gửi lại."),
    # -- layout -----------------------------------------------------------------------------
    Kind("missing-row", "Thiếu dòng chỉ tiêu", "error",
         "Không thấy dòng chỉ tiêu {indicator} ({label}): dòng đã bị xóa hoặc mã ở cột ẩn bị "
         "sửa. Hãy chép số liệu sang biểu mẫu mới."),
    Kind("duplicate-row", "Dòng chỉ tiêu bị lặp", "error",
         "Mã chỉ tiêu {indicator} xuất hiện nhiều lần (dòng bị sao chép?). Chỉ dòng đầu được "
         "đọc; hãy xóa dòng thừa."),
    Kind("unknown-row", "Dòng không thuộc biểu mẫu", "warning",
         "Dòng có mã «{indicator}» không thuộc biểu mẫu; số liệu ở dòng này không được tổng "
         "hợp."),
    Kind("formula-overwritten", "Công thức bị ghi đè", "warning",
         "Ô này phải là công thức nhưng đã bị gõ đè giá trị {value}. unionxl tự tính lại; chạy "
         "«Điền công thức» (unionxl fill) để khôi phục."),
    Kind("formula-missing", "Công thức bị xóa", "warning",
         "Ô này phải là công thức nhưng đang trống. Chạy «Điền công thức» (unionxl fill) để "
         "khôi phục."),
    # -- cells ------------------------------------------------------------------------------
    Kind("text-number", "Số gõ dạng chữ", "error",
         "Ô chứa chữ «{value}», không phải số; đọc được là {reading}. Hãy gõ lại số không có "
         "dấu phân cách, đơn vị hay khoảng trắng (hoặc dùng «Sửa số dạng chữ»)."),
    Kind("ambiguous-number", "Số dạng chữ đọc được nhiều cách", "error",
         "Ô chứa chữ «{value}» đọc được nhiều cách: {readings} (tùy dấu chấm, dấu phẩy là dấu "
         "thập phân hay dấu phân cách hàng nghìn). Hãy gõ lại đúng số."),
    Kind("not-a-number", "Không phải số", "error",
         "Ô chứa «{value}», không phải số. Ghi số (0 nếu không có), hoặc để trống nếu chưa có "
         "số liệu; ghi chú đặt ở cột «Ghi chú»."),
    Kind("compound-entry", "Ghi hai số trong một ô", "error",
         "Ô chứa «{value}» (hai số trong một ô). Mỗi ô chỉ ghi một số: số vụ và số người ghi "
         "ở hai dòng riêng."),
    Kind("date-in-number-cell", "Ngày tháng trong ô số", "error",
         "Ô chứa ngày {value}: Excel đã tự đổi số gõ dạng «3/5» thành ngày. Hãy định dạng ô là "
         "Number rồi gõ lại một số."),
    Kind("negative-value", "Số âm", "error",
         "Ô chứa số âm {value}. Số liệu {unit} không được âm; giảm ghi ở dòng «giảm» riêng."),
    Kind("decimal-in-count", "Số lẻ ở chỉ tiêu đếm", "error",
         "Ô chứa số lẻ {value} nhưng chỉ tiêu đếm bằng {unit} phải là số nguyên."),
    Kind("required-blank", "Bỏ trống chỉ tiêu bắt buộc", "error",
         "Chỉ tiêu bắt buộc bị bỏ trống trong năm đã có số liệu. Ghi số (0 nếu thực tế "
         "không có)."),
    Kind("year-jump", "Biến động bất thường giữa hai năm", "warning",
         "Số {value} so với năm trước ({previous}) thay đổi gấp {factor} lần. Hãy kiểm tra lại "
         "(gõ thừa/thiếu chữ số?)."),
    Kind("history-jump", "Biến động bất thường so với năm trước", "warning",
         "Số {value} so với năm {year} ({previous}{source}) thay đổi gấp {factor} lần. Hãy "
         "kiểm tra lại (gõ thừa/thiếu chữ số?)."),
    # -- submissions (consolidation) --------------------------------------------------------
    Kind("lock-file", "Tệp khóa tạm của Excel", "warning",
         "«{name}» là tệp khóa tạm Excel tạo khi một sổ tính đang mở; không phải báo cáo, đã "
         "bỏ qua."),
    Kind("not-a-workbook", "Không phải tệp Excel", "error",
         "Tệp «{name}» không phải sổ tính Excel ({detail}); đã bỏ qua."),
    Kind("encrypted-workbook", "Tệp có mật khẩu", "error",
         "Tệp được bảo vệ bằng mật khẩu mở tệp nên không đọc được. Hãy bỏ mật khẩu (File > "
         "Info > Protect Workbook > Encrypt with Password, xóa mật khẩu), lưu rồi gửi lại."),
    Kind("legacy-format", "Định dạng .xls cũ", "warning",
         "Tệp ở định dạng Excel 97-2003 (.xls): đã đọc số liệu nhưng không kiểm tra được công "
         "thức. Lần sau hãy lưu dạng .xlsx."),
    Kind("macros-present", "Tệp có macro", "warning",
         "Tệp có macro (VBA): chỉ đọc số liệu, macro không bao giờ được chạy. Hãy gửi bản "
         ".xlsx không có macro."),
    Kind("external-links", "Có liên kết ngoài", "warning",
         "Tệp có liên kết tới tệp khác ({detail}); các liên kết không được mở và không được "
         "tin. Hãy xóa liên kết (Data > Edit Links > Break Link)."),
    Kind("archive-rejected", "Tệp nén không an toàn", "error",
         "Tệp nén «{name}» không được giải nén: {detail}."),
    Kind("mail-rejected", "Thư không đọc được", "error",
         "Thư «{name}» không đọc được: {detail}. Hãy lưu lại thư từ Outlook (hoặc lưu riêng tệp "
         "đính kèm) rồi đưa vào lại."),
    Kind("mail-without-workbook", "Thư không kèm sổ tính", "error",
         "Thư «{name}» không kèm sổ tính Excel nào ({detail}); không có gì để tổng hợp từ thư "
         "này. Hãy đề nghị đơn vị gửi lại thư kèm tệp .xlsx."),
    Kind("adopted-by-label", "Tệp tự lập, nhận theo nhãn", "warning",
         "Tệp tự lập không có khóa unionxl: đã nhận {detail} dòng theo nhãn chỉ tiêu. Lần sau "
         "hãy nhập vào biểu mẫu unionxl (unionxl adopt chuyển tệp này sang biểu mẫu)."),
    Kind("compound-expected", "Thiếu dạng số vụ/số người", "error",
         "Dòng ghép «vụ/người» cần ghi dạng «số vụ/số người» (ví dụ 3/5); ô đang chứa "
         "«{value}». Hãy sửa lại hoặc chép số liệu sang biểu mẫu unionxl."),
    Kind("label-low-confidence", "Nhãn dòng không chắc chắn", "error",
         "Dòng {detail}: nhãn không đủ giống chỉ tiêu nào nên chưa nhận số liệu (không đoán). "
         "Hãy sửa nhãn cho đúng biểu mẫu hoặc chép số liệu sang biểu mẫu unionxl."),
    Kind("unknown-unit", "Đơn vị không có trong danh sách", "warning",
         "Đơn vị «{detail}» không có trong danh sách đơn vị phải báo cáo; số liệu không được "
         "tổng hợp. Kiểm tra mã đơn vị trong tệp hoặc bổ sung danh sách."),
    Kind("unit-succeeded", "Tệp của đơn vị đã sáp nhập, đổi tên", "warning",
         "Tệp ghi đơn vị {detail}; số liệu được tính cho đơn vị kế thừa. Lần sau hãy dùng biểu "
         "mẫu ghi mã đơn vị mới."),
    Kind("unit-ended", "Đơn vị không còn trong cơ cấu", "warning",
         "Tệp ghi đơn vị {detail}. Không xác định được đơn vị nhận số liệu nên không tổng hợp; "
         "hãy gửi lại bằng biểu mẫu ghi mã đơn vị mới."),
    Kind("unit-matched-by-name", "Nhận đơn vị theo tên", "warning",
         "Tệp không có mã đơn vị dùng được; đã nhận là {detail} theo tên đơn vị."),
    Kind("duplicate-submission", "Nộp trùng", "warning",
         "Đơn vị đã nộp nhiều tệp; {detail}"),
    Kind("future-date", "Ngày ở tương lai", "warning",
         "{detail} ở tương lai nên không được dùng để chọn bản mới nhất. Hãy kiểm tra ngày giờ "
         "trên máy tính của đơn vị."),
    Kind("copies-undecided", "Nhiều bản, chưa rõ bản nào mới nhất", "error",
         "Đơn vị gửi {detail}; không xác định được bản nào mới hơn nên chưa bản nào được tổng "
         "hợp. Hãy giữ lại đúng một bản (xóa hoặc chuyển các bản kia ra khỏi thư mục) rồi tổng "
         "hợp lại."),
    Kind("held-after-approval", "Bản gửi lại sau khi đã duyệt", "warning",
         "Báo cáo của đơn vị đã được duyệt ({detail}); bản gửi sau này khác bản đã duyệt nên "
         "chưa được dùng: chờ mở khóa. Nếu đồng ý dùng bản mới, mở khóa kèm lý do (unionxl "
         "approve --reopen) rồi tổng hợp lại."),
    Kind("lower-level-pending", "Cấp dưới chưa duyệt đủ", "warning",
         "Bảng tổng hợp này chưa được lập hoàn toàn từ báo cáo đã duyệt ở cấp dưới ({detail}); "
         "số liệu còn có thể thay đổi."),
    # -- rules ------------------------------------------------------------------------------
    Kind("rule-violation", "Vi phạm quy tắc kiểm tra", "error",
         "{rule_text} ({check}; {when}: {left} {op} {right} không đúng)."),
]
CATALOGUE: dict[str, Kind] = {k.code: k for k in _KINDS}


@dataclass
class Issue:
    code: str
    severity: str
    message: str
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    period: str = ""
    rule: str = ""
    technical: str = ""  # what a library said (English): in the JSON only, never shown

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def severity_vi(self) -> str:
        return SEVERITY_VI[self.severity]

    @property
    def title(self) -> str:
        """What users read instead of the code: «Số gõ dạng chữ», not "text-number"."""
        kind = CATALOGUE.get(self.code)
        return kind.title if kind else self.code


def make(code: str, *, severity: str | None = None, sheet: str = "", cell: str = "",
         indicator: str = "", period: str = "", rule: str = "", technical: str = "",
         **fields: Any) -> Issue:
    kind = CATALOGUE[code]
    fields.setdefault("indicator", indicator)
    fields.setdefault("period", period)
    return Issue(code, severity or kind.severity, kind.message(**fields), sheet, cell,
                 indicator, period, rule, technical)


def from_error(exc: WorkbookError, **where: str) -> Issue:
    """The issue of a file that cannot be used, built around the error's short reason."""
    where.setdefault("sheet", exc.sheet or "")
    return make(exc.code, detail=exc.reason, technical=exc.detail, **where)


def unique(issues: list[Issue]) -> list[Issue]:
    """Issues in order, each said once (two checks may find the same thing)."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for i in issues:
        key = (i.code, i.sheet, i.cell, i.message)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def errors_markdown() -> str:
    lines = [
        "# Danh mục lỗi (error catalogue)",
        "",
        "Generated by `python -m unionxl.cli.docs` from `unionxl/validation/issues.py`; do not "
        "edit by hand.",
        "Each issue in a report carries one of these stable codes, a severity, the sheet, cell,",
        "indicator and period, and the Vietnamese message.",
        "",
        "| code | tiêu đề | mức | thông báo (mẫu) |",
        "|---|---|---|---|",
    ]
    for k in _KINDS:
        sev = SEVERITY_VI[k.severity].lower()
        lines.append(f"| `{k.code}` | {k.title} | {sev} | {k.template} |")
    lines += [
        "",
        "`rule-violation` takes the severity of the rule (error or warning); the rules are listed",
        "in `docs/rules.md`.",
        "",
    ]
    return "\n".join(lines)

