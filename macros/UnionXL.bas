Attribute VB_Name = "UnionXL"
' unionxl ribbon "Cong doan": one dispatcher for every button.
' Before Python is called, the add-in checks that the interpreter written by "unionxl addin
' install" exists and that unionxl and xlwings import in it; otherwise it says what to install.
' Texts come from the "unionxl.conf" sheet of the add-in, because VBA source is ANSI and cannot
' hold Vietnamese; they are shown with WScript.Shell's Popup, which is Unicode (MsgBox is not).
' The clicked button's id, and any folder picked in Excel's own dialog, go to Python through
' xlwings RunPython; Python does the work and shows the result. Helpers without Excel objects
' live in UnionXLText (the tests run them in LibreOffice, whose Basic has no #If).
Option Explicit

Private uxRibbon As Object
Private uxReady As Boolean

Public Sub UxOnLoad(ribbon As IRibbonUI)
    Set uxRibbon = ribbon
End Sub

Public Sub UxClick(control As IRibbonControl)
    Dim buttonId As String, picked As String
    buttonId = control.Id
    #If Mac Then
        MsgBox UxText("mac_unsupported"), vbExclamation, UxText("title")
        Exit Sub
    #End If
    If Not UxPythonReady(buttonId = "uxCheck") Then Exit Sub
    Select Case buttonId
        Case "uxConsolidate"
            picked = UxPickFolder(UxText("pick_inbox"))
            If picked = "" Then Exit Sub
        Case "uxNewTemplate", "uxExport"
            picked = UxPickFolder(UxText("pick_output"))
            If picked = "" Then Exit Sub
        Case "uxCheck"
            picked = UxText("version")
    End Select
    RunPython UxCommand(buttonId, picked)
End Sub

Private Function UxPythonReady(again As Boolean) As Boolean
    ' Checked once per Excel session (and again on "Kiem tra cai dat").
    Dim exe As String, code As Long, key As String
    If uxReady And Not again Then
        UxPythonReady = True
        Exit Function
    End If
    uxReady = False
    exe = CStr(GetConfig("INTERPRETER_WIN", ""))
    If exe = "" Then
        key = "not_installed"
    ElseIf Not CreateObject("Scripting.FileSystemObject").FileExists(exe) Then
        key = "python_missing"
    Else
        code = CreateObject("WScript.Shell").Run(UxProbe(exe, XLWINGS_VERSION), 0, True)
        Select Case code
            Case 0: uxReady = True
            Case 11: key = "unionxl_missing"
            Case 12: key = "xlwings_missing"
            Case 13: key = "xlwings_mismatch"
            Case Else: key = "python_broken"
        End Select
    End If
    If Not uxReady Then UxSay UxFill(UxText(key), exe, code)
    UxPythonReady = uxReady
End Function

Private Sub UxSay(text As String)
    CreateObject("WScript.Shell").Popup text, 0, UxText("title"), 48
End Sub

Private Function UxPickFolder(title As String) As String
    ' msoFileDialogFolderPicker = 4: Excel's own folder dialog
    With Application.FileDialog(4)
        .Title = title
        .AllowMultiSelect = False
        If .Show = -1 Then
            UxPickFolder = .SelectedItems(1)
        Else
            UxPickFolder = ""
        End If
    End With
End Function
