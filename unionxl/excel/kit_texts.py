"""The two texts of the offline kit: ``cai-dat.cmd`` and its Vietnamese guide ``HUONG-DAN.txt``.

The script is UTF-8 under ``chcp 65001`` (Windows 10 and 11 read batch files in the console's
code page). No echo stands inside a parenthesised block, where a ``)`` in the text would end it.
"""

from __future__ import annotations

from .. import __version__
from .addin import XLWINGS_VERSION

SCRIPT = r"""@echo off
chcp 65001 >nul
setlocal EnableExtensions
rem unionxl {version}: cài cho người dùng này, không cần quyền quản trị, không cần mạng.
rem Cách dùng: cai-dat.cmd  hoặc  cai-dat.cmd "C:\đường\dẫn\python.exe"
set "KIT=%~dp0"
set "PY=%~1"
if defined PY goto check
for %%V in ({newest_first}) do if not defined PY for /f "usebackq delims=" %%P in (`py -%%V -c "import sys;print(sys.executable)" 2^>nul`) do set "PY=%%P"
if defined PY goto check
echo Không tìm thấy Python {first}–{last} qua trình khởi chạy py.
echo Hãy cài Python từ python.org: bản Windows installer 64-bit, chọn «Install Now»;
echo không cần quyền quản trị. Rồi chạy lại tệp này.
echo Nếu Python đã có ở chỗ khác, chỉ rõ nó: cai-dat.cmd "C:\đường\dẫn\python.exe"
goto fail
:check
if not exist "%PY%" goto nopython
"%PY%" -c "import sys,struct;sys.exit(0 if {lo}<=sys.version_info[:2]<={hi} and struct.calcsize('P')==8 else 1)"
if errorlevel 1 goto badversion
echo Dùng Python: %PY%
set "USERFLAG=--user"
"%PY%" -c "import sys;sys.exit(1 if sys.prefix!=sys.base_prefix else 0)"
if errorlevel 1 set "USERFLAG="
"%PY%" -m pip install %USERFLAG% --disable-pip-version-check --no-index ^
 --find-links "%KIT%wheels" --upgrade "unionxl[excel]=={version}"
if errorlevel 1 goto fail
"%PY%" -m unionxl addin install
if errorlevel 1 goto fail
echo.
echo Xong. Mở lại Excel: thẻ «Công đoàn» có trên ribbon; bấm «Kiểm tra cài đặt» để xem lại.
pause
exit /b 0
:nopython
echo Không có tệp Python: %PY%
goto fail
:badversion
echo Python %PY% không phải bản {first}–{last} 64-bit mà bộ cài này có sẵn các gói.
goto fail
:fail
echo.
echo Cài đặt chưa xong. Xem HUONG-DAN.txt, hoặc gửi nội dung cửa sổ này cho người hỗ trợ.
pause
exit /b 1
"""  # noqa: E501 (two lines of batch cannot be split inside their quotes)

GUIDE = """BỘ CÀI UNIONXL {version} – THẺ «CÔNG ĐOÀN» TRONG EXCEL

Bộ cài này không cần mạng Internet và không cần quyền quản trị máy. Nó cài gói unionxl
và add-in «Công đoàn» cho người dùng Windows đang đăng nhập.

CẦN CÓ
- Windows 10 hoặc 11, 64-bit; Microsoft Excel 2016 trở lên hoặc Microsoft 365 (bản Windows).
- Python {choices} (64-bit). Tệp cài Python không có trong bộ cài này: tải bản
  «Windows installer (64-bit)» ở python.org/downloads/windows (chép vào USB nếu máy không có
  mạng). Khi cài: chọn «Install Now»; BỎ đánh dấu «Use admin privileges when installing py.exe»
  để không cần quyền quản trị.
- Máy Mac: add-in không chạy được trên Excel cho Mac; dùng các lệnh unionxl trong Terminal.

CÀI ĐẶT
1. Chép cả thư mục bộ cài vào máy (ví dụ vào Tài liệu). Đóng Excel.
2. Bấm đúp tệp cai-dat.cmd. Tệp tìm Python {first}–{last} qua trình khởi chạy «py», cài unionxl
   từ thư mục wheels (không tải gì từ mạng), rồi cài add-in UnionXL.xlam vào thư mục XLSTART
   của Excel, ghi sẵn đường dẫn của đúng Python đó.
   Nếu Python nằm ở chỗ khác: mở cửa sổ lệnh trong thư mục bộ cài và gõ
       cai-dat.cmd "C:\\đường\\dẫn\\python.exe"
3. Mở Excel: thẻ «Công đoàn» xuất hiện. Bấm «Kiểm tra cài đặt»: thông báo cho biết Python
   đang dùng, phiên bản unionxl, xlwings, và add-in có khớp gói unionxl không.

KHI EXCEL CHẶN MACRO
- Thanh vàng «Security warning – macros have been disabled»: bấm Enable Content.
- Thanh đỏ «Microsoft has blocked macros from running…» (tệp từ Internet/thư điện tử):
  đóng Excel, bấm chuột phải vào thư mục bộ cài (hoặc tệp UnionXL.xlam trong
  %APPDATA%\\Microsoft\\Excel\\XLSTART) → Properties → đánh dấu Unblock → OK, rồi cài lại.

KHI BẤM NÚT MÀ CÓ THÔNG BÁO
- «chưa được cài cho máy này», «Không tìm thấy Python», «chưa có gói unionxl/xlwings»,
  «xlwings khác phiên bản»: chạy lại cai-dat.cmd (sau khi cài hoặc nâng cấp Python cũng vậy).
- «không phải biểu mẫu unionxl»: sổ tính đang mở không phải tệp báo cáo theo mẫu; mở đúng tệp.

GỠ CÀI ĐẶT
    py -m unionxl addin uninstall
    py -m pip uninstall unionxl

TRONG BỘ CÀI
- cai-dat.cmd, HUONG-DAN.txt (tệp này)
- wheels\\{wheel}: gói unionxl.
- Các tệp .whl khác trong wheels\\: các gói unionxl cần (xlwings {xlwings}, pywin32, pandas,
  openpyxl, …) cho Windows 64-bit, Python {all}.
"""


def install_script(pythons: tuple[str, ...]) -> str:
    lo, hi = (tuple(int(p) for p in v.split(".")) for v in (pythons[0], pythons[-1]))
    return SCRIPT.format(version=__version__, newest_first=" ".join(reversed(pythons)),
                         first=pythons[0], last=pythons[-1], lo=lo, hi=hi)


def guide(pythons: tuple[str, ...], wheel: str) -> str:
    choices = (", ".join(pythons[:-1]) + " hoặc " + pythons[-1]) if len(pythons) > 1 else (
        pythons[0])
    return GUIDE.format(version=__version__, first=pythons[0], last=pythons[-1],
                        choices=choices, all=", ".join(pythons), wheel=wheel,
                        xlwings=XLWINGS_VERSION)
