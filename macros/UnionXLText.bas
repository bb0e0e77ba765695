Attribute VB_Name = "UnionXLText"
' Helpers of the unionxl add-in that need no Excel object but the add-in's own "unionxl.conf"
' sheet: the texts shown to the user, the Python statement a button runs and its quoting, the
' command that checks the installation. No #If here: LibreOffice runs these in the tests.
Option Explicit

Public Function UxCommand(buttonId As String, picked As String) As String
    ' The Python statement RunPython runs for a button.
    UxCommand = "import unionxl.excel as ux; ux.dispatch('" & buttonId & "', '" _
        & UxPyQuote(picked) & "')"
End Function

Public Function UxPyQuote(text As String) As String
    ' The body of a Python '...' literal that also survives cmd.exe, which xlwings runs it in:
    ' backslash and quote escaped; double quote and percent (where cmd.exe would end the
    ' argument or expand a variable) written as \x22 and \x25.
    Dim s As String
    s = Replace(text, "\", "\\")
    s = Replace(s, "'", "\'")
    s = Replace(s, Chr(34), "\x22")
    s = Replace(s, "%", "\x25")
    UxPyQuote = s
End Function

Public Function UxProbe(exe As String, xlwingsVersion As String) As String
    ' A command whose exit code says whether unionxl and the matching xlwings import.
    UxProbe = Chr(34) & exe & Chr(34) & " -c " & Chr(34) _
        & "import sys,importlib.util as u;sys.exit(11 if u.find_spec('unionxl') is None " _
        & "else 12 if u.find_spec('xlwings') is None else 13 if " _
        & "__import__('xlwings').__version__!='" & xlwingsVersion & "' else 0)" & Chr(34)
End Function

Public Function UxText(key As String) As String
    ' The text under key in column A of the "unionxl.conf" sheet (column B), or the key itself.
    Dim sheet As Object, r As Long
    Set sheet = ThisWorkbook.Worksheets("unionxl.conf")
    For r = 1 To 200
        If CStr(sheet.Cells(r, 1).Value) = "" Then Exit For
        If CStr(sheet.Cells(r, 1).Value) = key Then
            UxText = CStr(sheet.Cells(r, 2).Value)
            Exit Function
        End If
    Next r
    UxText = key
End Function

Public Function UxFill(text As String, exe As String, code As Long) As String
    UxFill = Replace(Replace(text, "{python}", exe), "{code}", CStr(code))
End Function
