; Inno Setup 6 script for the Mine-to-Compute Lab (packaging/installers.py runs ISCC.exe on it with
; /DAppVersion, /DSourceDir = dist\mine2compute, /DOutputDir = dist, /DIconFile = the .ico).
; A per-user install (no admin rights): the app folder under %LOCALAPPDATA%\Programs, a Start-menu
; entry (and, if ticked, a desktop one) and an uninstaller in "Apps & features".

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F0C7D3E-2B1A-4B8E-9C55-6D2F0A7E4C21}
AppName=Mine-to-Compute Lab
AppVersion={#AppVersion}
AppPublisher=Mine-to-Compute Lab
DefaultDirName={autopf}\Mine-to-Compute Lab
DefaultGroupName=Mine-to-Compute Lab
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=mine2compute-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\mine2compute.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Mine-to-Compute Lab"; Filename: "{app}\mine2compute.exe"
Name: "{group}\{cm:UninstallProgram,Mine-to-Compute Lab}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Mine-to-Compute Lab"; Filename: "{app}\mine2compute.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\mine2compute.exe"; Description: "{cm:LaunchProgram,Mine-to-Compute Lab}"; Flags: nowait postinstall skipifsilent
