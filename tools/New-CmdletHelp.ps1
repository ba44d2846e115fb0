<#
.SYNOPSIS
    Writes MAML help (<assembly>.dll-Help.xml) for the module's cmdlets from the compiler's XML
    documentation and the commands' own metadata, so Get-Help -Full shows synopsis, description,
    every parameter and examples. (platyPS and XmlDoc2CmdletDoc are not on NuGet here; this is the
    same idea in a page of script.)
.PARAMETER ModulePath
    The laid-out module folder (out/PerplexityKeys/<version>).
.PARAMETER XmlDocPath
    The compiler's documentation file (PerplexityKeys.xml).
#>
param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $XmlDocPath)

$ErrorActionPreference = 'Stop'
$doc = [xml](Get-Content -Raw $XmlDocPath)
$members = @{}
foreach ($m in $doc.doc.members.member) { $members[$m.name] = $m }

function Get-Paras($Node, [string] $Type) {
    if (-not $Node) { return @() }
    @($Node.SelectNodes(".//para[@type='$Type']") | ForEach-Object { ($_.InnerText -replace '\s+', ' ').Trim() })
}

function Get-ParameterTypes([type] $Type) {
    # Where a cmdlet's parameters are declared: the type of its dynamic parameters' object (IDynamicParameters), then
    # the cmdlet itself.
    if ([System.Management.Automation.IDynamicParameters].IsAssignableFrom($Type)) { [Activator]::CreateInstance($Type).GetDynamicParameters().GetType() }
    $Type
}

function Get-ParameterDoc([type] $Type, [string] $Name) {
    # The parameter's own documentation, else a base class's (a parameter declared there is inherited); a declaration
    # that only says <inheritdoc cref="..."/> takes the text of the member it names.
    foreach ($declaring in Get-ParameterTypes $Type) {
        if ($declaring.GetProperty($Name) -and ($text = Get-DeclaredDoc $declaring $Name)) { return $text }
    }
    ''
}

function Get-DeclaredDoc([type] $Type, [string] $Name) {
    for ($t = $Type; $t; $t = $t.BaseType) {
        $m = $members["P:$($t.FullName).$Name"]
        if ($m -and ($inherit = $m.SelectSingleNode('inheritdoc[@cref]'))) { $m = $members[$inherit.GetAttribute('cref')] }
        if ($m) { return (Get-Paras $m.summary 'description') -join ' ' }
    }
    ''
}

$ps = [powershell]::Create()   # a separate runspace: the build process never loads the module
$null = $ps.AddScript("Import-Module '$(Join-Path $ModulePath 'PerplexityKeys.psd1')'; Get-Command -Module PerplexityKeys -CommandType Cmdlet")
$commands = $ps.Invoke()
if ($ps.Streams.Error.Count) { throw $ps.Streams.Error[0] }

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$out = Join-Path $ModulePath 'PerplexityKeys.dll-Help.xml'
$w = [System.Xml.XmlWriter]::Create($out, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
# -WhatIf and -Confirm are documented with the cmdlet's own parameters; Get-Help notes the other common ones itself.
$common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name
$shouldProcessDoc = @{
    WhatIf  = 'Shows what the command would do, and changes nothing.'
    Confirm = 'Asks before each change. Where nobody can answer (a scheduled task, -NonInteractive) the command fails at once with ConfirmationRequired instead of waiting; -Force goes on without asking.'
}

function Get-DefaultText([type] $Type, [string] $Name) {
    # The value a new instance holds: what the parameter is when it is left out.
    $declaring = Get-ParameterTypes $Type | Where-Object { $_.GetProperty($Name) } | Select-Object -First 1
    try { $value = [Activator]::CreateInstance($declaring).$Name } catch { return 'None' }
    if ($null -eq $value -or ($value -is [System.Management.Automation.SwitchParameter] -and -not $value.IsPresent)) { return 'None' }
    if ($value -is [string] -and $value -eq '') { return 'None' }
    "$value"
}

$w.WriteStartElement('helpItems', 'http://msh'); $w.WriteAttributeString('schema', 'maml')
foreach ($c in $commands) {
    $info = $c
    $type = $info.ImplementingType
    $classDoc = $members["T:$($type.FullName)"]
    $w.WriteStartElement('command', 'command', $cmd)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml); $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('details', $cmd)
    $w.WriteElementString('name', $cmd, $info.Name)
    $w.WriteStartElement('description', $maml); foreach ($p in Get-Paras $classDoc.summary 'synopsis') { $w.WriteElementString('para', $maml, $p) }; $w.WriteEndElement()
    $w.WriteElementString('verb', $cmd, $info.Verb); $w.WriteElementString('noun', $cmd, $info.Noun)
    $w.WriteEndElement()
    $w.WriteStartElement('description', $maml); foreach ($p in Get-Paras $classDoc.summary 'description') { $w.WriteElementString('para', $maml, $p) }; $w.WriteEndElement()

    $w.WriteStartElement('syntax', $cmd)
    foreach ($set in $info.ParameterSets) {
        $w.WriteStartElement('syntaxItem', $cmd); $w.WriteElementString('name', $maml, $info.Name)
        # In the order Get-Command -Syntax shows: positional ones by position, then mandatory named ones, then the rest,
        # each in declaration order (a cmdlet's own parameters before those it inherits). A parameter marked DontShow (bound
        # only from the pipeline, not typed) is left out of the help's syntax, and still described.
        $i = 0
        $ordered = $set.Parameters | Where-Object Name -NotIn $common |
            Where-Object { -not ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }) } | ForEach-Object { [pscustomobject]@{ P = $_; I = $i++ } } |
            Sort-Object { if ($_.P.Position -ge 0) { 0 } elseif ($_.P.IsMandatory) { 1 } else { 2 } }, { $_.P.Position }, I | ForEach-Object P
        foreach ($p in $ordered) {
            $w.WriteStartElement('parameter', $cmd)
            $w.WriteAttributeString('required', "$($p.IsMandatory)".ToLowerInvariant())
            $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }))
            $w.WriteElementString('name', $maml, $p.Name)
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) { $w.WriteElementString('parameterValue', $cmd, $p.ParameterType.Name) }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('parameters', $cmd)
    foreach ($name in $info.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object) {
        $meta = $info.Parameters[$name]
        $attrs = @($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $pipeline = @(if ($attrs.ValueFromPipeline -contains $true) { 'ByValue' }; if ($attrs.ValueFromPipelineByPropertyName -contains $true) { 'ByPropertyName' })
        $w.WriteStartElement('parameter', $cmd)
        $w.WriteAttributeString('required', "$($attrs.Mandatory -contains $true)".ToLowerInvariant())
        $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $pos = @($attrs | Where-Object Position -GE 0 | ForEach-Object Position | Select-Object -First 1)
        $w.WriteAttributeString('position', $(if ($pos.Count) { "$($pos[0])" } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('name', $maml, $name)
        $text = if ($shouldProcessDoc.ContainsKey($name)) { $shouldProcessDoc[$name] } else { Get-ParameterDoc $type $name }
        $w.WriteStartElement('description', $maml); $w.WriteElementString('para', $maml, $text); $w.WriteEndElement()
        $w.WriteElementString('parameterValue', $cmd, $meta.ParameterType.Name)
        $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $meta.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteElementString('defaultValue', $dev, $(if ($shouldProcessDoc.ContainsKey($name)) { 'False' } else { Get-DefaultText $type $name }))
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # INPUTS: what binds from the pipeline; OUTPUTS: what [OutputType] declares.
    $w.WriteStartElement('inputTypes', $cmd)
    $inputs = @($info.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
    foreach ($p in $inputs) {
        $byValue = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline })
        $w.WriteStartElement('inputType', $cmd)
        $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $p.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteStartElement('description', $maml); $w.WriteElementString('para', $maml, "-$($p.Name), $(if ($byValue) { 'by value' } elseif ($p.Aliases -contains 'Name' -or $p.Aliases -contains 'VaultName') { 'by property name (e.g. from Get-SecretInfo)' } else { 'by property name' })."); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('returnValues', $cmd)
    foreach ($t in $info.OutputType) {
        $w.WriteStartElement('returnValue', $cmd)
        $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $t.Name); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # The ErrorIds the cmdlet can raise (from its documentation), as Get-Help's NOTES.
    $errors = @(Get-Paras $classDoc.summary 'errors')
    if ($errors) {
        $w.WriteStartElement('alertSet', $maml)
        $w.WriteStartElement('alert', $maml)
        foreach ($e in $errors) { $w.WriteElementString('para', $maml, $e) }
        $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('examples', $cmd)
    $n = 0
    foreach ($example in @($classDoc.example)) {
        if (-not $example) { continue }
        $n++
        $w.WriteStartElement('example', $cmd)
        $w.WriteElementString('title', $maml, "-------------------------- Example $n --------------------------")
        $w.WriteElementString('code', $dev, $example.code.Trim())
        $w.WriteStartElement('remarks', $dev); $w.WriteElementString('para', $maml, ($example.para -replace '\s+', ' ').Trim()); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.Dispose()
$ps.Dispose()
Write-Host "Help for $($commands.Count) cmdlets written to $out"
