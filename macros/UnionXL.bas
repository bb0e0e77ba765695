Attribute VB_Name = "UnionXL"
' unionxl ribbon "Cong doan": one dispatcher for every button.
' The clicked button's id, and any folder picked in Excel's own dialog, go to Python through
' xlwings RunPython; Python does the work and shows the result. Texts shown here come from the
' "unionxl.conf" sheet of the add-in, because VBA source is ANSI and cannot hold Vietnamese.
Option Explicit

Private uxRibbon As Object

Public Sub UxOnLoad(ribbon As IRibbonUI)
    Set uxRibbon = ribbon
End Sub

Public Sub UxClick(control As IRibbonControl)
    Dim buttonId As String, picked As String
    buttonId = control.Id
    Select Case buttonId
        Case "uxConsolidate"
            picked = PickFolder(UxText("pick_inbox"))
            If picked = "" Then Exit Sub
        Case "uxNewTemplate", "uxExport"
            picked = PickFolder(UxText("pick_output"))
            If picked = "" Then Exit Sub
    End Select
    RunPython "import unionxl.excel as ux; ux.dispatch('" & buttonId & "', '" & PyQuote(picked) & "')"
End Sub

Private Function PickFolder(title As String) As String
    ' msoFileDialogFolderPicker = 4: Excel's own folder dialog
    With Application.FileDialog(4)
        .Title = title
        .AllowMultiSelect = False
        If .Show = -1 Then
            PickFolder = .SelectedItems(1)
        Else
            PickFolder = ""
        End If
    End With
End Function

Private Function PyQuote(text As String) As String
    ' A Python string literal body: backslashes and quotes escaped.
    PyQuote = Replace(Replace(text, "\", "\\"), "'", "\'")
End Function

Private Function UxText(key As String) As String
    Dim found As Range
    Set found = ThisWorkbook.Worksheets("unionxl.conf").Columns(1).Find(What:=key, LookAt:=1)
    If found Is Nothing Then
        UxText = key
    Else
        UxText = found.Offset(0, 1).Value
    End If
End Function
