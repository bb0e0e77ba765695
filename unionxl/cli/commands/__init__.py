"""One module per command: ``add(parser)`` declares its arguments and ``run``, ``run(args)``
does it. The entry point imports only the module of the command asked for: a ribbon click
starts a fresh Python, and ``unionxl validate`` must not pay for consolidation or the add-in.
"""

# name → (module in this package, one-line help), in the order ``unionxl --help`` lists them.
COMMANDS = {
    "form": ("form", "xem các biểu mẫu có sẵn"),
    "template": ("template", "tạo tệp Excel nhập số liệu"),
    "data": ("data", "xuất số liệu dạng bảng (CSV)"),
    "fill": ("fill", "điền lại mọi công thức, giữ nguyên số đã nhập"),
    "validate": ("validate", "kiểm tra số liệu các tệp báo cáo"),
    "fix-numbers": ("fix_numbers", "đổi số gõ dạng chữ thành số (khi chỉ có một cách đọc)"),
    "consolidate": ("consolidate", "tổng hợp báo cáo của các đơn vị"),
    "registry": ("registry", "danh sách đơn vị theo thời gian: kiểm tra, lập tệp Excel"),
    "approve": ("approve", "duyệt (hoặc mở khóa) báo cáo của đơn vị trong sổ theo dõi"),
    "register": ("register", "xem và kiểm tra sổ theo dõi các kỳ báo cáo"),
    "diff": ("diff", "so sánh hai bản báo cáo: các ô số liệu thay đổi"),
    "export": ("export", "xuất tệp gửi cấp trên và thư nháp .eml"),
    "adopt": ("adopt", "chuyển phụ lục tự lập (không có khóa) sang biểu mẫu"),
    "rollup": ("rollup", "cộng dồn báo cáo quý thành báo cáo năm"),
    "addin": ("addin", "add-in Excel «Công đoàn» (ribbon)"),
    "demo": ("demo", "chạy thử toàn bộ quy trình trên số liệu mẫu"),
}
