BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    $emu = Start-PplxEmulator
    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $env:PERPLEXITY_API_KEY = $emu.AdminKey | Get-PlainText
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'No key text in any output' {
    It 'never shows a key in output, streams, transcript, errors or formatting' {
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "pplx-leak-$([guid]::NewGuid()).txt"
        $audit = Join-Path ([IO.Path]::GetTempPath()) "pplx-leak-audit-$([guid]::NewGuid()).jsonl"
        $null = Start-Transcript -Path $transcript
        try {
            $captured = & {
                $ErrorActionPreference = 'Continue'
                $t = New-PplxToken -TokenName leak-check -Verbose -Debug
                $t
                $t | Format-List * | Out-String
                $t | Format-Table * | Out-String
                $t.ToString()
                $t | ConvertTo-Json -Depth 4
                $t | Test-PplxToken -Verbose -Debug | Format-List *
                $env:PPLX_LEAK_KEY = $t.Key | Get-PlainText
                Test-PplxToken -EnvironmentVariable PPLX_LEAK_KEY -Verbose -Debug | Format-List *
                $env:PPLX_LEAK_KEY = ($t.Key | Get-PlainText) + ' x'
                Test-PplxToken -EnvironmentVariable PPLX_LEAK_KEY -Verbose -Debug  # KeyMalformed
                Test-PplxToken -EnvironmentVariable ($t.Key | Get-PlainText) -Verbose -Debug   # the value for the name: EnvironmentVariableNameInvalid
                $t3 = New-PplxToken -TokenName leak-env
                $env:PPLX_LEAK_KEY = $t3.Key | Get-PlainText
                Revoke-PplxToken -EnvironmentVariable PPLX_LEAK_KEY -Force -PassThru -Verbose -Debug -AuditLog $audit | Format-List *
                Revoke-PplxToken -EnvironmentVariable PPLX_LEAK_KEY -Force -Verbose -Debug -AuditLog $audit   # TokenNotFound
                $env:PPLX_LEAK_KEY = $null
                $t | Test-PplxToken -Probe Completion -Verbose -Debug | ConvertTo-Json
                $t | Revoke-PplxToken -Force -PassThru -Verbose -Debug
                $t | Revoke-PplxToken -Force -Verbose -Debug                       # TokenNotFound
                $t | Test-PplxToken -Verbose                                       # Invalid
                New-PplxToken -ApiKey $t.Key -TokenName x -Verbose                 # ApiKeyUnauthorized
                $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'LoseResponse'; path = '/generate_auth_token' }
                New-PplxToken -TokenName lost -Verbose                             # TokenMintOutcomeUnknown
                $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 400; body = '{"error":{"message":"bad ' + ($t.Key | Get-PlainText) + '","type":"invalid_request","code":400}}'; path = '/revoke_auth_token' }
                $t2 = New-PplxToken -TokenName echoed
                $t2 | Revoke-PplxToken -Force                                      # the API echoes a key
                $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 503; count = 1; path = '/v1/models' }
                $t2 | Test-PplxToken -Verbose -Debug
                $t2
            } *>&1 2>&1 | Out-String -Width 400
            $captured | Out-Host
        }
        finally {
            $null = Stop-Transcript
        }

        $errorsText = $Error | ForEach-Object {
            $_ | Format-List * -Force | Out-String -Width 400
            $_.Exception | Format-List * -Force | Out-String -Width 400
            $e = $_.Exception; while ($e) { $e.Message; $e.ToString(); $e = $e.InnerException }
            $_.TargetObject | Out-String; $_.TargetObject | Format-List * | Out-String
        }
        $audited = Get-Content -Raw $audit
        $audited | Should -Match 'PPLX_LEAK_KEY' -Because 'a revocation audits where its key came from'
        $everything = (Get-Content -Raw $transcript) + $captured + ($errorsText -join "`n") + $audited
        Remove-Item $transcript, $audit

        $keys = @(Invoke-PplxEmulator $emu GET keys).Count
        $keys | Should -BeGreaterOrEqual 4 -Because 'the run minted keys whose text must not appear'
        $everything | Should -Match 'pplx-…' -Because 'fingerprints stand in for keys'
        $everything | Should -Match 'TokenNotFound|already revoked'
        $everything | Should -Not -Match 'pplx-[A-Za-z0-9]{20,}' -Because 'no key-shaped text may appear anywhere'
        $everything.Contains($env:PERPLEXITY_API_KEY) | Should -BeFalse
        $everything | Should -Not -Match 'Bearer\s+\S' -Because 'the Authorization header never reaches an error or a log'
    }

    It 'never writes the key with <Way>' -TestCases @(
        @{ Way = 'Export-Clixml'; Render = { param($t, $f) $t | Export-Clixml -Path $f; Get-Content -Raw $f } }
        @{ Way = 'ConvertTo-Json'; Render = { param($t, $f) $t | ConvertTo-Json -Depth 5 } }
        @{ Way = 'Format-List *'; Render = { param($t, $f) $t | Format-List * -Force | Out-String } }
        @{ Way = 'Format-Table *'; Render = { param($t, $f) $t | Format-Table * | Out-String -Width 500 } }
        @{ Way = 'ToString()'; Render = { param($t, $f) $t.ToString() } }
        @{ Way = 'string interpolation'; Render = { param($t, $f) "$t" } }
        @{ Way = 'Out-String'; Render = { param($t, $f) $t | Out-String } }
    ) {
        $t = New-PplxToken
        $plain = $t.Key | Get-PlainText
        $hex = -join ([Text.Encoding]::Unicode.GetBytes($plain) | ForEach-Object { $_.ToString('x2') })
        $file = Join-Path ([IO.Path]::GetTempPath()) "pplx-$([guid]::NewGuid()).xml"
        $text = & $Render $t $file
        Remove-Item $file -ErrorAction Ignore
        $text | Should -Not -BeNullOrEmpty
        $text.Contains($plain) | Should -BeFalse
        $text.Contains($plain.Substring(5, 20)) | Should -BeFalse
        $text.ToLowerInvariant().Contains($hex.Substring(0, 40)) | Should -BeFalse -Because 'a SecureString serialized on Linux is hex-encoded plain text'
        $text | Should -Match ([regex]::Escape($t.Fingerprint.Substring(6)))
    }

    It 'a PplxToken read back from CLIXML has no key' {
        $t = New-PplxToken -TokenName roundtrip
        $file = Join-Path ([IO.Path]::GetTempPath()) "pplx-$([guid]::NewGuid()).xml"
        $t | Export-Clixml -Path $file
        $back = Import-Clixml -Path $file
        Remove-Item $file
        $back.Fingerprint | Should -Be $t.Fingerprint
        $back.Name | Should -Be 'roundtrip'
        $back.PSObject.Properties.Name | Should -Not -Contain 'Key'
    }

    It 'keeps the key out of CLIXML after Remove-Module, in a runspace that made none, and across imports' {
        # A session keeps its PplxToken objects when the module is removed, and may hold some made in another runspace;
        # on Linux and macOS Export-Clixml writes a SecureString as hex-encoded plain text.
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:PPLX_TEST_MODULE
$made = 1 | ForEach-Object -Parallel { Import-Module $env:PPLX_TEST_MODULE; New-PplxToken -TokenName from-parallel }
$t = New-PplxToken -TokenName removed
$f = [IO.Path]::GetTempFileName()
$made | Export-Clixml $f; 'parallel ' + [bool](Select-String -Path $f -Pattern '<SS ' -Quiet)
Remove-Module PerplexityKeys
$t | Export-Clixml $f; 'removed ' + [bool](Select-String -Path $f -Pattern '<SS ' -Quiet)
Import-Module $env:PPLX_TEST_MODULE
$t | Export-Clixml $f; 'again ' + [bool](Select-String -Path $f -Pattern '<SS ' -Quiet)
Remove-Item $f
'@
        $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command $script -Environment @{ PPLX_TEST_MODULE = $env:PPLX_TEST_MODULE }
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        ($run.Output -split '\r?\n' | Where-Object { $_ }) | Should -Be @('parallel False', 'removed False', 'again False')
    }

    It 'keeps the key out of CLIXML when the module loads inside a dry run (-WhatIf) or under -Confirm, asking nothing' {
        # A nested pipeline takes the caller's $WhatIfPreference and $ConfirmPreference: a what-if Update-TypeData applies
        # no rule (and printed "What if:"), and under -Confirm it asked, or failed in a non-interactive session.
        $script = @'
function Invoke-Dry { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')] param() Import-Module $env:PPLX_TEST_MODULE; $null = New-PplxToken -TokenName dry -WhatIf }
Invoke-Dry -WhatIf
$f = [IO.Path]::GetTempFileName()
New-PplxToken -TokenName after-whatif | Export-Clixml $f; 'whatif ' + [bool](Select-String -Path $f -Pattern '<SS ' -Quiet)
$ps = [powershell]::Create()
$null = $ps.AddScript('function Invoke-Careful { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = ''Low'')] param() Import-Module $env:PPLX_TEST_MODULE; New-PplxToken -TokenName careful -Confirm:$false }; Invoke-Careful -Confirm')
$made = $ps.Invoke()
$made | Export-Clixml $f; 'confirm ' + [bool](Select-String -Path $f -Pattern '<SS ' -Quiet) + ' errors ' + $ps.Streams.Error.Count
Remove-Item $f
'@
        $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command $script -Environment @{ PPLX_TEST_MODULE = $env:PPLX_TEST_MODULE }
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -Not -Match 'Update (TypeData|FormatData)'
        ($run.Output -split '\r?\n' | Where-Object { $_ -match '^(whatif|confirm) ' }) | Should -Be @('whatif False', 'confirm False errors 0')
    }

    It 'never shows a key in what Get-PplxToken writes, for keys at rest, prepared, interrupted, or set by hand' {
        $null = Use-PplxTestRegistry
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        $null = New-PplxTestVault -Kind File -Name Listed
        $null = New-PplxTestVault -Kind KeyVault -Name ListedKV
        $kept = @(
            New-PplxToken -Vault Listed -SecretName pplx-rest
            New-PplxToken -Vault ListedKV -SecretName pplx-staged
            New-PplxToken -Vault Listed -SecretName pplx-stopped
        )
        $null = Invoke-PplxRotation -Vault ListedKV -SecretName pplx-staged -Stage Prepare -Force
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; path = '/v1/models'; count = 1 }
        $null = Invoke-PplxRotation -Vault Listed -SecretName pplx-stopped -Force -ErrorAction SilentlyContinue
        $byHand = New-PplxToken -TokenName by-hand
        Set-Secret -Vault Listed -Name pplx-byhand -Secret ($byHand.Key | Get-PlainText)
        $rows = @(Get-PplxToken -Verbose -Debug)
        $text = (@(Get-PplxToken -Verbose -Debug *>&1) | Out-String -Width 400) + ($rows | Format-List * -Force | Out-String -Width 400) +
            ($rows | Format-Table * | Out-String -Width 400) + ($rows | ConvertTo-Json -Depth 4) + (($rows | ForEach-Object ToString) -join "`n")
        $rows.Count | Should -Be 4
        $text | Should -Match 'pplx-…'
        $text | Should -Not -Match 'pplx-[A-Za-z0-9]{20,}'
        foreach ($secret in @(Get-SecretInfo -Vault Listed) + @(Get-SecretInfo -Vault ListedKV)) {
            $value = Get-Secret -Vault $secret.VaultName -Name $secret.Name -AsPlainText
            if ($value -like 'pplx-*') { $text.Contains($value) | Should -BeFalse }
        }
    }

    It 'writes rotation audit lines with fingerprints only' {
        $null = Use-PplxTestRegistry
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        $null = New-PplxTestVault -Kind File -Name Audit
        $t = New-PplxToken -Vault Audit -SecretName pplx-audited
        $log = Join-Path $env:PPLX_TEST_WORK 'audit.jsonl'
        $r = Invoke-PplxRotation -Vault Audit -SecretName pplx-audited -Force -AuditLog $log
        $lines = Get-Content $log | ConvertFrom-Json
        $lines.Count | Should -Be $r.Steps.Count
        $lines[0].vault | Should -Be 'Audit'
        ($lines | Where-Object step -EQ 'RevokeOld').oldFingerprint | Should -Be $t.Fingerprint
        (Get-Content -Raw $log) | Should -Not -Match 'pplx-[A-Za-z0-9]{20,}'
        (Get-Content -Raw $log) | Should -Match ([regex]::Escape($t.Fingerprint)) -Because 'fingerprints are written as users see them, so grep finds them'
        $lines[0].user | Should -Not -BeNullOrEmpty
        $lines[0].machine | Should -Be ([Environment]::MachineName)
    }

    It 'audits every change and every failure of every command, before the engine starts too' {
        $null = Use-PplxTestRegistry
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        $null = New-PplxTestVault -Kind File -Name Trail
        $log = Join-Path $env:PPLX_TEST_WORK 'trail.jsonl'
        $t = New-PplxToken -TokenName trail -Vault Trail -SecretName pplx-trail -AuditLog $log
        $t | Revoke-PplxToken -Force -AuditLog $log
        $t | Revoke-PplxToken -Force -AuditLog $log -ErrorAction SilentlyContinue          # already revoked: a failure
        $null = Invoke-PplxRotation -Vault Trail -SecretName pplx-missing -Force -AuditLog $log -ErrorAction SilentlyContinue
        $null = Invoke-PplxRotation -Vault Trail -SecretName pplx-trail -BaseUri 'http://example.com/' -Force -AuditLog $log -ErrorAction SilentlyContinue
        $lines = @(Get-Content $log | ConvertFrom-Json)
        @($lines | ForEach-Object { "$($_.command) $($_.step) $($_.outcome)" }) | Should -Be @(
            'New-PplxToken Mint Done'
            'New-PplxToken Store Done'
            'Revoke-PplxToken Revoke Done'
            'Revoke-PplxToken Revoke Failed'
            'Invoke-PplxRotation Lock Done'
            'Invoke-PplxRotation ReadState Failed: PplxSecretNotFoundException'
            'Invoke-PplxRotation Stopped Failed'
            'Invoke-PplxRotation Start Failed')
        $lines[1].secret | Should -Be 'pplx-trail'
        $lines[3].failure | Should -Be 'TokenNotFound'
        $lines[6].failure | Should -Be 'SecretNotFound'
        $lines[6].message | Should -Match 'pplx-missing'
        $lines[7].failure | Should -Be 'BaseUriInvalid'
        @($lines[0..3] | ForEach-Object { $_.newFingerprint, $_.oldFingerprint } | Where-Object { $_ }) | Should -Be @($t.Fingerprint, $t.Fingerprint, $t.Fingerprint, $t.Fingerprint)
    }

    It 'keeps audit lines whole when two processes append at once' {
        $log = Join-Path ([IO.Path]::GetTempPath()) "pplx-audit-$([guid]::NewGuid().ToString('N')).jsonl"
        $pwsh = Get-PwshCommand
        $script = "Import-Module '$env:PPLX_TEST_MODULE'; 1..40 | ForEach-Object { `$null = New-PplxToken -TokenName ('parallel-' + `$_) -AuditLog '$log' }"
        $children = 1..2 | ForEach-Object {
            $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
            foreach ($a in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
            [System.Diagnostics.Process]::Start($psi)
        }
        foreach ($c in $children) { $null = $c.StandardOutput.ReadToEndAsync(); $null = $c.StandardError.ReadToEndAsync(); $c.WaitForExit(240000) | Should -BeTrue }
        $raw = @(Get-Content $log)
        Remove-Item $log
        $raw.Count | Should -Be 80
        foreach ($line in $raw) { { $line | ConvertFrom-Json } | Should -Not -Throw }
    }

    It 'keeps a key out of every error surface when -OnNewToken fails with it in the message (<Form>)' -TestCases @(
        @{ Form = 'with its prefix'; Strip = 0 }
        @{ Form = 'without its prefix'; Strip = 5 }
    ) {
        $null = Use-PplxTestRegistry
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        $null = New-PplxTestVault -Kind File -Name Handoff
        $null = New-PplxToken -Vault Handoff -SecretName pplx-handoff
        $env:PERPLEXITY_API_KEY = $null
        $Error.Clear()
        $strip = $Strip
        $r = Invoke-PplxRotation -Vault Handoff -SecretName pplx-handoff -Force -ErrorAction SilentlyContinue -OnNewToken {
            $text = $_.Key | ConvertFrom-SecureString -AsPlainText
            throw "restart failed with $($text.Substring($strip))"
        }
        $env:PERPLEXITY_API_KEY = $emu.AdminKey | Get-PlainText
        $r.State | Should -Not -Be 'Done'
        $current = (Get-Secret -Vault Handoff -Name pplx-handoff -AsPlainText)
        $body = $current.Substring(5)
        $file = Join-Path $env:PPLX_TEST_WORK 'errors.xml'
        $Error | Export-Clixml -Path $file -Depth 6
        $surfaces = @(
            ($Error | ForEach-Object { $_ | Get-Error | Out-String -Width 500 }) -join "`n"
            ($Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500; $e = $_.Exception; while ($e) { $e | Format-List * -Force | Out-String -Width 500; $e = $e.InnerException } }) -join "`n"
            $Error | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
            Get-Content -Raw $file
        )
        $Error.Count | Should -BeGreaterThan 0
        foreach ($text in $surfaces) {
            $text.Contains($body.Substring(0, 24)) | Should -BeFalse
        }
    }

    It 'keeps a malformed key (a trailing newline) out of the error, its target and its fingerprint' {
        $t = New-PplxToken
        $plain = ($t.Key | Get-PlainText) + "`r`n"
        $Error.Clear()
        $null = $plain | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken -ErrorAction SilentlyContinue
        $Error[0].FullyQualifiedErrorId | Should -Match '^KeyMalformed'
        $Error[0].TargetObject | Should -BeOfType ([string])
        $Error[0].TargetObject | Should -Not -Match '[\r\n]'
        $file = Join-Path ([IO.Path]::GetTempPath()) "pplx-$([guid]::NewGuid()).xml"
        $Error | Export-Clixml -Path $file -Depth 6
        $xml = Get-Content -Raw $file; Remove-Item $file
        $hex = -join ([Text.Encoding]::Unicode.GetBytes($plain.Substring(5, 20)) | ForEach-Object { $_.ToString('x2') })
        $xml.Contains($plain.Substring(5, 20)) | Should -BeFalse
        $xml.ToLowerInvariant().Contains($hex) | Should -BeFalse
    }

    It 'under Azure Pipelines, writes a key to standard output only in the one setvariable line asked for (<Case>)' -TestCases @(
        @{ Case = 'with -CiVariable'; Ask = ' -CiVariable PPLX_KEY'; Lines = 1 }
        @{ Case = 'without'; Ask = ''; Lines = 0 }
    ) {
        $null = Use-PplxTestRegistry
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        $null = New-PplxTestVault -Kind File -Name Piped -DefaultVault
        $before = @(Invoke-PplxEmulator $emu GET keys).Count
        $step = Invoke-PplxPipelineStep -Environment @{ TF_BUILD = 'True' } -Script @"
`$ErrorActionPreference = 'Continue'
`$t = New-PplxToken -TokenName piped -Vault Piped -SecretName pplx-piped -Verbose -Debug$Ask
`$t | Format-List * | Out-String
`$t | Test-PplxToken -Verbose -Debug | Format-List *
New-PplxToken -ApiKey ('pplx-' + 'x' * 48 | ConvertTo-SecureString -AsPlainText -Force) -Verbose   # ApiKeyUnauthorized: an error line
Test-PplxToken -EnvironmentVariable (`$t.Key | ConvertFrom-SecureString -AsPlainText)   # the value for the name: an error line, without the key
`$env:PERPLEXITY_API_KEY = `$null
Invoke-PplxRotation -Vault Piped -SecretName pplx-piped -Stage Prepare -Force -Verbose -Debug | Format-List *
"@
        $keys = @(Invoke-PplxEmulator $emu GET keys)
        $keys.Count | Should -Be ($before + 2) -Because 'the step minted a key and rotated it'
        $out = $step.Lines + @($step.Stderr -split '\r?\n')
        $keyed = @($out | Where-Object { $_ -match 'pplx-[A-Za-z0-9]{20,}|[A-Za-z0-9]{48}' })
        $keyed.Count | Should -Be $Lines
        if ($Lines) {
            $keyed[0] | Should -BeExactly "##vso[task.setvariable variable=PPLX_KEY;issecret=true]$(Get-Secret -Vault Piped -Name pplx-piped-pplx-previous -AsPlainText)"
        }
        @($out | Where-Object { $_ -like '##vso`[task.logissue type=error;`]New-PplxToken (ApiKeyUnauthorized)*' }) | Should -HaveCount 1 -Because 'errors go out as logging commands, without a key'
        @($out | Where-Object { $_ -like '##vso`[task.logissue type=error;`]Test-PplxToken (EnvironmentVariableNameInvalid)*pplx-…*' }) | Should -HaveCount 1 -Because 'a key given as a name is shown by its fingerprint'
    }

    It 'shows how to read a key on purpose' {
        $t = New-PplxToken
        $plain = $t.Key | ConvertFrom-SecureString -AsPlainText
        $plain | Should -Match '^pplx-[A-Za-z0-9]{48}$'
        ($plain.Substring($plain.Length - 4)) | Should -Be $t.Fingerprint.Substring($t.Fingerprint.Length - 4)
    }
}
