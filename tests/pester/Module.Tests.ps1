BeforeAll {
    $module = Import-Module $env:PPLX_TEST_MODULE -Force -PassThru
}

Describe 'The laid-out module' {
    It 'is laid out as an installed module, under its stamped version' {
        $manifest = Test-ModuleManifest (Join-Path $env:PPLX_TEST_MODULE "$($module.Version)/PerplexityKeys.psd1")
        $manifest.Version | Should -Be $module.Version
        $manifest.Version | Should -Not -Be ([version]'0.0.0')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'exports exactly its cmdlets, listed explicitly' {
        (Get-Command -Module PerplexityKeys).Name | Sort-Object | Should -Be @('Get-PplxToken', 'Invoke-PplxRotation', 'New-PplxToken', 'Revoke-PplxToken', 'Test-PplxToken')
        $module.ExportedCmdlets.Keys | Sort-Object | Should -Be @('Get-PplxToken', 'Invoke-PplxRotation', 'New-PplxToken', 'Revoke-PplxToken', 'Test-PplxToken')
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in Get-Command -Module PerplexityKeys) {
            $command.OutputType | Should -Not -BeNullOrEmpty -Because "$($command.Name) writes output"
        }
    }

    It 'keeps the parameter names users and later features build on' {
        (Get-Command New-PplxToken).Parameters.Keys | Should -Contain 'TokenName'
        foreach ($name in 'New-PplxToken', 'Revoke-PplxToken') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'ApiKey'
            (Get-Command $name).Parameters.Keys | Should -Contain 'BaseUri'
        }
        (Get-Command Test-PplxToken).Parameters.Keys | Should -Contain 'BaseUri'
        (Get-Command Revoke-PplxToken).Parameters['ApiKey'].ParameterType | Should -Be ([securestring])
    }

    It 'makes Revoke-PplxToken high impact with -Force and -PassThru' {
        $revoke = Get-Command Revoke-PplxToken
        $revoke.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact | Should -Be 'High'
        $revoke.Parameters.Keys | Should -Contain 'Force'
        $revoke.Parameters.Keys | Should -Contain 'WhatIf'
        $revoke.Parameters.Keys | Should -Contain 'PassThru'
    }

    It 'keeps the rotation parameter names' {
        $rotate = Get-Command Invoke-PplxRotation
        foreach ($p in 'Vault', 'SecretName', 'BaseUri', 'ApiKey', 'Stage', 'Abort', 'PropagationDelay', 'OnNewToken', 'WhatIf', 'Force') {
            $rotate.Parameters.Keys | Should -Contain $p
        }
        $rotate.Parameters['Vault'].Aliases | Should -Contain 'VaultName'
        $rotate.Parameters['SecretName'].Aliases | Should -Contain 'Name'
        $rotate.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact | Should -Be 'High'
    }

    It 'has the about_PerplexityKeys topic: probes, states and helpers, resuming, unattended use, exit codes, pipelines' {
        $topic = Get-Help about_PerplexityKeys | Out-String
        foreach ($section in 'PROBES AND WHAT THEY COST', 'ROTATION STATES AND SIBLING SECRETS', 'RESUMING', 'UNATTENDED USE', 'EXIT CODES', 'PIPELINES') {
            $topic | Should -Match $section
        }
        $topic | Should -Match 'S-pplx-journal'
    }

    It 'shows parameter defaults in help' {
        $help = Get-Help Invoke-PplxRotation -Full
        ($help.parameters.parameter | Where-Object name -EQ 'LockTimeout').defaultValue | Should -Be '00:01:00'
        ($help.parameters.parameter | Where-Object name -EQ 'TimeoutSec').defaultValue | Should -Be '30'
        ($help.parameters.parameter | Where-Object name -EQ 'Stage').defaultValue | Should -Be 'All'
    }

    It 'has full help for <Name>: synopsis, description, every parameter, examples' -TestCases @(
        @{ Name = 'New-PplxToken' }, @{ Name = 'Test-PplxToken' }, @{ Name = 'Revoke-PplxToken' }, @{ Name = 'Invoke-PplxRotation' }, @{ Name = 'Get-PplxToken' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $syntaxOnly = '^\s*' + [regex]::Escape($Name)
        $help.Synopsis | Should -Not -Match $syntaxOnly -Because 'an auto-generated synopsis is just the syntax'
        ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 4
        @($help.Examples.Example | Where-Object { "$($_.code) $($_.remarks.Text)" -match 'unattended|scheduled task|ErrorActionPreference|pipeline step' }).Count | Should -BeGreaterOrEqual 1 -Because 'an example for a run with nobody at the keyboard'
        ($help.alertSet.alert.Text -join ' ') | Should -Match 'ErrorIds: \w+' -Because 'NOTES list the ErrorIds the cmdlet raises'
        @($help.returnValues.returnValue).Count | Should -BeGreaterOrEqual 1
        @($help.inputTypes.inputType).Count | Should -BeGreaterOrEqual 1
        foreach ($p in (Get-Command $Name).Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Position -ge 0 } }) {
            $position = ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Position -ge 0 } | Select-Object -First 1).Position
            ($help.parameters.parameter | Where-Object name -EQ $p.Name).position | Should -Be "$position" -Because "-$($p.Name) is positional"
        }
        if ((Get-Command $Name).Parameters.ContainsKey('WhatIf')) {
            ($help.parameters.parameter | Where-Object name -EQ 'WhatIf').description.Text | Should -Not -BeNullOrEmpty
        }
        $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name + 'WhatIf', 'Confirm'
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $described = ($help.parameters.parameter | Where-Object name -EQ $p).description.Text -join ' '
            $described | Should -Not -BeNullOrEmpty -Because "parameter -$p of $Name needs a description"
        }
    }

    It 'loads its views with the first command of a session that writes its objects, not at import nor for -Quiet, and only once' {
        # FormatViews: an import parses no format file; Test-PplxToken -Quiet (booleans) loads none; the first command that
        # writes our objects (even one that fails) loads the views, and the next one finds them there.
        $script = "Import-Module '$env:PPLX_TEST_MODULE'; `$views = { @(Get-FormatData -TypeName 'PerplexityKeys.*').TypeNames -join ',' }; `$k = ConvertTo-SecureString 'pplx-notakey' -AsPlainText -Force; " +
            "`$before = & `$views; foreach (`$quiet in `$true, `$false, `$false) { try { Test-PplxToken -Key `$k -Model 'bad model' -Quiet:`$quiet -WarningAction SilentlyContinue } catch { `$_.FullyQualifiedErrorId } ; 'views ' + (& `$views) }; 'before ' + `$before"
        $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command $script
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $lines = $run.Output -split '\r?\n' | Where-Object { $_ }
        $lines | Should -Contain 'before '
        @($lines | Where-Object { $_ -like 'ModelInvalid,*' }).Count | Should -Be 3
        $after = @($lines | Where-Object { $_ -like 'views*' })
        $after.Count | Should -Be 3
        $after[0] | Should -Be 'views ' -Because 'Test-PplxToken -Quiet writes booleans, which need no views'
        $after[1] | Should -Be $after[2]
        $after[1].Substring(6).Split(',') | Sort-Object | Should -Be @('PerplexityKeys.PplxRotationResult', 'PerplexityKeys.PplxToken', 'PerplexityKeys.PplxTokenInfo', 'PerplexityKeys.PplxTokenTestResult')
    }

    It 'does not ship the test double of SecretManagement' {
        Get-ChildItem (Split-Path $module.Path) -Recurse -Filter 'Microsoft.PowerShell.SecretManagement*' | Should -BeNullOrEmpty
    }

    It 'does not ship PowerShell''s own System.Management.Automation' {
        Get-ChildItem (Split-Path $module.Path) -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
    }
}
