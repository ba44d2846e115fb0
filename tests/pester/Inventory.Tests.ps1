BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator

    function Set-MintAge([double] $Days) {
        # The emulator dates the keys it mints from now on this many days back.
        $null = Invoke-PplxEmulator $emu POST config @{ mintAgeSeconds = [long]($Days * 86400) }
    }

    function Add-SeededKey([string] $Vault, [string] $Secret, [switch] $NoJournal) {
        # A key minted in the emulator's console and kept the way New-PplxToken -Vault keeps one (the secret, then an idle
        # Minted journal written through the core), without the mint's round trips: for building big vaults fast.
        $minted = Invoke-PplxEmulator $emu POST keys @{ name = "seed-$Secret" }
        Set-Secret -Vault $Vault -Name $Secret -SecureStringSecret (ConvertTo-SecureString $minted.auth_token -AsPlainText -Force)
        $created = [DateTimeOffset]::FromUnixTimeSeconds($minted.created_at_epoch_seconds)
        if (-not $NoJournal) {
            $journal = (Get-PplxCoreType PerplexityKeys.Core.Rotation.RotationJournal)::Minted($Secret, "seed-$Secret", $minted.fingerprint, $created, $null, [DateTimeOffset]::UtcNow)
            $name = (Get-PplxCoreType PerplexityKeys.Core.Rotation.SiblingNames)::Of($Secret, '-pplx-journal')
            Set-Secret -Vault $Vault -Name $name -Secret $journal.ToJson()
        }
        [pscustomobject]@{ Vault = $Vault; SecretName = $Secret; Fingerprint = [string]$minted.fingerprint; Created = $(if ($NoJournal) { $null } else { $created }) }
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Get-PplxToken' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
    }

    It 'shows the right age for each of 500 keys, half in a vault that keeps no metadata, oldest first' {
        $null = New-PplxTestVault -Kind KeyVault -Name KV
        $expected = [System.Collections.Generic.List[object]]::new()
        # Part through the real cmdlet (New-PplxToken -Vault writes the journal), 10 per vault at ages 200-209 days.
        foreach ($i in 0..9) {
            Set-MintAge (200 + $i)
            foreach ($vault in 'Prod', 'KV') {
                $t = New-PplxToken -TokenName "cmdlet-$i" -Vault $vault -SecretName "cmd-$i" -WarningAction SilentlyContinue
                $expected.Add([pscustomobject]@{ Vault = $vault; SecretName = "cmd-$i"; Fingerprint = $t.Fingerprint; Created = $t.CreatedAt })
            }
        }
        # The rest seeded in bulk at 23 ages (0.5 to 176.5 days); 10 per vault without a journal: their age is unknown.
        foreach ($group in 0..22) {
            Set-MintAge (0.5 + 8 * $group)
            foreach ($k in 0..9) {
                foreach ($vault in 'Prod', 'KV') { $expected.Add((Add-SeededKey $vault "svc-$group-$k")) }
            }
        }
        Set-MintAge 0
        foreach ($k in 0..9) { foreach ($vault in 'Prod', 'KV') { $expected.Add((Add-SeededKey $vault "byhand-$k" -NoJournal)) } }
        $expected.Count | Should -Be 500
        Set-Secret -Vault Prod -Name not-a-key -Secret 'hello'

        $elapsed = Measure-Command { $script:listed = @(Get-PplxToken -Vault Prod, KV) }
        Write-Host "Get-PplxToken over 500 keys in two vaults: $([math]::Round($elapsed.TotalSeconds, 1)) s"

        $listed.Count | Should -Be 500
        $emulatorKeys = @(Invoke-PplxEmulator $emu GET keys) | Group-Object fingerprint -AsHashTable
        $now = [DateTimeOffset]::UtcNow
        foreach ($e in $expected) {
            $row = $listed | Where-Object { $_.Vault -eq $e.Vault -and $_.SecretName -ceq $e.SecretName }
            $row.Fingerprint | Should -Be $e.Fingerprint
            if ($null -eq $e.Created) {
                $row.Age | Should -BeNullOrEmpty -Because "$($e.SecretName) was set without a journal: its age is unknown, never guessed"
                continue
            }
            $row.Created | Should -Be $e.Created
            # What the emulator says the key's creation time is (whole seconds on the wire).
            @($emulatorKeys[$e.Fingerprint] | ForEach-Object { ([DateTimeOffset]$_.createdAt).ToUnixTimeSeconds() }) | Should -Contain $row.Created.ToUnixTimeSeconds()
            [math]::Abs(($row.Age - ($now - $e.Created)).TotalSeconds) | Should -BeLessThan 120
            $row.State | Should -Be 'Idle'
        }
        # Oldest first, unknown ages first of all.
        @($listed | Select-Object -First 20 | Where-Object { $null -eq $_.Age }).Count | Should -Be 20
        $ages = @($listed | Select-Object -Skip 20 | ForEach-Object { $_.Age.Ticks })
        for ($i = 1; $i -lt $ages.Count; $i++) { $ages[$i] | Should -BeLessOrEqual $ages[$i - 1] }
        ($listed[20].SecretName) | Should -BeLike 'cmd-9'

        # -MaxAge rotates exactly the due ones: 150 days old or older, here the 20 made by the cmdlet and 2 x 10 x 4
        # seeded groups; -SkipUnknownAge leaves the 20 of unknown age.
        $due = @($listed | Where-Object { $null -ne $_.Age -and $_.Age -ge [timespan]'150.00:00:00' })
        $due.Count | Should -Be 100
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $results = @($listed | Invoke-PplxRotation -MaxAge 150.00:00:00 -SkipUnknownAge -Force -ErrorVariable err -ErrorAction SilentlyContinue -Verbose:$false -Debug:$false)
        Write-Host "Invoke-PplxRotation -MaxAge over the 500: $([math]::Round($clock.Elapsed.TotalSeconds, 1)) s"
        $err | Should -BeNullOrEmpty
        $results.Count | Should -Be 500
        @($results | Where-Object State -EQ 'Done').Count | Should -Be 100
        @($results | Where-Object NotDue).Count | Should -Be 400
        @($results | Where-Object { $_.State -eq 'Done' } | ForEach-Object { "$($_.Vault)/$($_.SecretName)" } | Sort-Object) |
            Should -Be @($due | ForEach-Object { "$($_.Vault)/$($_.SecretName)" } | Sort-Object)
        $after = @(Get-PplxToken -Vault Prod, KV)
        @($after | Where-Object { $null -ne $_.Age -and $_.Age -lt [timespan]'01:00:00' -and $_.LastRotated }).Count | Should -Be 100
    }

    Context 'a few keys' {
        BeforeEach {
            Set-MintAge 40
            $script:old = New-PplxToken -TokenName old -Vault Prod -SecretName pplx-old -WarningAction SilentlyContinue
            Set-MintAge 5
            $script:young = New-PplxToken -TokenName young -Vault Flaky -SecretName pplx-young -WarningAction SilentlyContinue
            Set-MintAge 0
            $script:unknown = Add-SeededKey Prod pplx-byhand -NoJournal
        }

        It 'lists every registered vault by default, with Vault, SecretName, Fingerprint, Created, Age and State, never a key' {
            $listed = @(Get-PplxToken)
            $listed.Count | Should -Be 3
            $listed[0].SecretName | Should -Be 'pplx-byhand' -Because 'unknown ages come first'
            $listed[1].SecretName | Should -Be 'pplx-old'
            $listed[1].Age.TotalDays | Should -BeGreaterThan 39.9
            $listed[1].Created | Should -Be $old.CreatedAt
            $listed[2].Vault | Should -Be 'Flaky'
            $listed[2].Age.TotalDays | Should -BeLessThan 5.1
            $listed[0].PSObject.Properties.Name | Should -Not -Contain 'Key'
            $table = $listed | Format-Table | Out-String -Width 200
            $table | Should -Match 'Age \(days\)'
            $table | Should -Match 'pplx-old\s+pplx-…\S+\s+40\s+Idle'
            $table | Should -Match 'unknown'
            $text = ($listed | Format-List * | Out-String) + ($listed | ConvertTo-Json) + ($listed | ForEach-Object ToString)
            foreach ($t in $old, $young) { $text.Contains(($t.Key | Get-PlainText)) | Should -BeFalse }
            $text | Should -Not -Match 'pplx-[A-Za-z0-9]{20,}'
        }

        It 'filters vaults and secrets with wildcards, skips helpers and secrets that are not keys (verbose says so)' {
            Set-Secret -Vault Prod -Name pplx-text -Secret 'not a key'
            @(Get-PplxToken -Vault 'Fla*').SecretName | Should -Be 'pplx-young'
            @(Get-PplxToken -SecretName 'pplx-o*', '*young').SecretName | Should -Be @('pplx-old', 'pplx-young')
            $verbose = Get-PplxToken -Vault Prod -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -Match "Skipped 'pplx-old-pplx-journal'.*helper"
            ($verbose.Message -join "`n") | Should -Match "Skipped 'pplx-text'.*not hold a Perplexity key"
            Get-PplxToken -Vault Nope -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,PerplexityKeys.Commands.GetPplxTokenCommand'
        }

        It 'pipes into Test-PplxToken and Invoke-PplxRotation -MaxAge: the young key is not due, the others are' {
            @(Get-PplxToken | Test-PplxToken).Status | Should -Be @('Valid', 'Valid', 'Valid')
            $results = @(Get-PplxToken | Invoke-PplxRotation -MaxAge 30.00:00:00 -Force)
            $results.Count | Should -Be 3
            ($results | Where-Object SecretName -EQ 'pplx-old').State | Should -Be 'Done'
            ($results | Where-Object SecretName -EQ 'pplx-byhand').State | Should -Be 'Done' -Because 'a key of unknown age is rotated unless -SkipUnknownAge'
            $notDue = $results | Where-Object SecretName -EQ 'pplx-young'
            $notDue.NotDue | Should -BeTrue
            $notDue.State | Should -Be 'Start'
            $notDue.Age.TotalDays | Should -BeLessThan 5.1
            ($notDue | Format-Table | Out-String) | Should -Match 'NotDue'
            (Test-PplxToken -Vault Flaky -SecretName pplx-young).Fingerprint | Should -Be $young.Fingerprint -Because 'a key that is not due stays'
            # The rotated keys' ages are now known, from their rotation's journal: the key set by hand too.
            $after = @(Get-PplxToken)
            @($after | Where-Object { $_.Age -lt [timespan]'00:10:00' -and $_.LastRotated }).SecretName | Sort-Object | Should -Be @('pplx-byhand', 'pplx-old')
        }

        It 'a key set by hand over a minted one has an unknown age, never the old key''s' {
            $other = Invoke-PplxEmulator $emu POST keys @{ name = 'by-hand' }
            Set-Secret -Vault Prod -Name pplx-old -SecureStringSecret (ConvertTo-SecureString $other.auth_token -AsPlainText -Force)
            $row = Get-PplxToken -Vault Prod -SecretName pplx-old
            $row.Fingerprint | Should -Be $other.fingerprint
            $row.Age | Should -BeNullOrEmpty
            $row.Created | Should -BeNullOrEmpty
        }

        It 'shows a prepared rotation as Prepared, with the command that finishes it' {
            $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-old -Stage Prepare -Force
            $row = Get-PplxToken -Vault Prod -SecretName pplx-old
            $row.State | Should -Be 'Prepared'
            $row.StateText | Should -Be 'Prepared'
            $row.Age.TotalMinutes | Should -BeLessThan 10 -Because 'the secret holds the new key now'
            $row.ResumeCommand | Should -Be "Invoke-PplxRotation -Vault 'Prod' -SecretName 'pplx-old' -Stage Finish"
            (Invoke-Expression "$($row.ResumeCommand) -Force").State | Should -Be 'Done'
            (Get-PplxToken -Vault Prod -SecretName pplx-old).State | Should -Be 'Idle'
        }

        It 'shows an interrupted rotation with the state it stopped at and the command that carries it on' {
            $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; path = '/v1/models'; count = 1 }
            $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-old -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err[-1].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
            $row = Get-PplxToken -Vault Prod -SecretName pplx-old
            $row.State | Should -Be 'Interrupted'
            $row.StoppedAt | Should -Be 'Minted'
            $row.StateText | Should -Be 'Interrupted at Minted'
            $row.Age.TotalDays | Should -BeGreaterThan 39.9 -Because 'the secret still holds the old key, whose age the rotation carried over'
            $row.ResumeCommand | Should -Be "Invoke-PplxRotation -Vault 'Prod' -SecretName 'pplx-old'"
            (Get-PplxToken -Vault Prod -SecretName pplx-old | Invoke-PplxRotation -MaxAge 365.00:00:00 -Force).State | Should -Be 'Done' -Because 'a rotation under way is carried on whatever -MaxAge says'
        }

        It 'writes a ResumeCommand that works, and matches wildcards, for names with quotes, brackets and spaces' {
            $name = "svc 'q' [1]"
            $null = New-PplxToken -Vault Prod -SecretName $name
            $null = New-PplxToken -Vault Prod -SecretName 'svc 1'
            @(Get-PplxToken -SecretName ([WildcardPattern]::Escape($name))).SecretName | Should -Be $name
            @(Get-PplxToken -SecretName 'svc*').Count | Should -Be 2
            $null = Invoke-PplxRotation -Vault Prod -SecretName $name -Stage Prepare -Force
            $row = Get-PplxToken -SecretName ([WildcardPattern]::Escape($name))
            $row.ResumeCommand | Should -Be "Invoke-PplxRotation -Vault 'Prod' -SecretName 'svc ''q'' [1]' -Stage Finish"
            (Invoke-Expression "$($row.ResumeCommand) -Force").State | Should -Be 'Done'
        }
    }

    It 'skips a locked vault that would prompt, with a warning naming it, and lists the others (a child pwsh with no input)' {
        $null = New-PplxToken -Vault Prod -SecretName pplx-open
        $null = New-PplxTestVault -Kind Store -Name Locked -Password 'p@ss'
        $script = @"
Import-Module '$env:PPLX_TEST_MODULE'
Import-Module Microsoft.PowerShell.SecretManagement
`$rows = @(Get-PplxToken -WarningVariable warned)
'ROWS=' + ((`$rows | ForEach-Object { `$_.Vault + '/' + `$_.SecretName }) -join ',')
'WARN=' + (`$warned -join ' | ')
'ERRORS=' + `$Error.Count
`$named = Get-PplxToken -Vault Locked -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
'NAMED=' + (`$err | ForEach-Object FullyQualifiedErrorId)
"@
        $r = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command $script
        $r.ExitCode | Should -Be 0
        $r.Output | Should -Match 'ROWS=Prod/pplx-open'
        $r.Output | Should -Match "WARN=Skipped vault 'Locked': it is locked \(VaultLocked\)"
        $r.Output | Should -Match 'ERRORS=0'
        $r.Output | Should -Match 'NAMED=VaultLocked,PerplexityKeys.Commands.GetPplxTokenCommand'
    }

    It 'never prompts at a terminal, even where the prompt would be answered, and leaves prompts to the commands after it' {
        # A host with somebody at the keyboard, in a pwsh of its own: SecretManagement lends every vault the host of the
        # first command that used it in the process, and here that is Get-PplxToken's.
        $null = New-PplxToken -Vault Prod -SecretName pplx-open
        $null = New-PplxTestVault -Kind Store -Name Desk -Password 'p@ss'
        $null = Unlock-SecretVault -Name Desk -Password (ConvertTo-SecureString 'p@ss' -AsPlainText -Force)
        Set-Secret -Vault Desk -Name pplx-desk -Secret ('pplx-' + 'x' * 48)
        $module = "Import-Module '$env:PPLX_TEST_MODULE'; Import-Module Microsoft.PowerShell.SecretManagement"
        $steps = @(
            "$module; Get-PplxToken -Vault Desk"
            'Get-PplxToken'
            # Downstream of Get-PplxToken, in the same pipeline: a command there may still ask.
            'Get-PplxToken -Vault Prod | ForEach-Object { Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault Desk | ForEach-Object Name }'
        )
        $r = Invoke-PplxChildPwsh -File (Join-Path (Split-Path $env:PPLX_TEST_SUPPORT) 'Invoke-InAnsweringHost.ps1') -ArgumentList '-Answer', 'p@ss', '-ScriptsJson', (ConvertTo-Json -Compress -InputObject $steps)
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $named, $every, $after = @($r.Output -split '\r?\n' | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json })
        $named.Prompts | Should -Be 0 -Because 'Get-PplxToken never asks for a password'
        $named.Errors | Should -Be 'VaultLocked'
        $named.Warnings | Should -Match "Skipped vault 'Desk': it is locked \(VaultLocked\)"
        $named.Shown | Should -Not -Match 'password' -Because 'the text of a refused question is not shown either'
        $every.Prompts | Should -Be 0
        $every.Errors | Should -BeNullOrEmpty
        $after.Prompts | Should -Be 1 -Because 'the vault still asks the user for a command that may prompt, even downstream of Get-PplxToken'
        $after.Shown | Should -Match 'Enter password:'
        $after.Output | Should -Be 'pplx-desk'
    }
}
