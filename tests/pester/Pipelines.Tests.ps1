# Under Azure Pipelines (TF_BUILD=True) and GitHub Actions (GITHUB_ACTIONS=true) the module also writes the system's
# logging commands to standard output (docs/pipelines.md). Each case runs the cmdlets in a fresh pwsh as an agent runs
# a step (-NonInteractive, stdin closed) and checks the exact lines, against the emulator and a test vault.
BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator

    # The same commands under every system: a refused mint (an error), an odd key (a warning), both again with the
    # preference that hides them, a key minted into the vault and handed on, a staged rotation prepared and handed on.
    $script:steps = @'
$null = New-PplxToken -TokenName refused
$null = 'pplx-short' | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken
$null = New-PplxToken -TokenName refused -ErrorAction SilentlyContinue
$null = 'pplx-short' | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken -WarningAction SilentlyContinue
$env:PERPLEXITY_API_KEY = $env:PPLX_ADMIN
$token = New-PplxToken -TokenName handed-on -Vault Prod -SecretName pplx-ci -CiVariable PPLX_KEY
"captured $($token.Fingerprint)"
$env:PERPLEXITY_API_KEY = $null
$rotation = Invoke-PplxRotation -Vault Prod -SecretName pplx-ci -Stage Prepare -Force -CiVariable PPLX_NEW
"prepared $($rotation.NewFingerprint)"
'@

    function Get-CommandLine([string[]] $Lines) { @($Lines | Where-Object { $_ -match '^(##vso\[|##\[|::)' }) }
    function Get-StoredKey([string] $SecretName) { Get-Secret -Vault Prod -Name $SecretName -AsPlainText }
    function Get-Shown($Record) { if ($Record.ErrorDetails.Message) { $Record.ErrorDetails.Message } else { $Record.Exception.Message } }
    function Invoke-Step([hashtable] $Environment, [string] $Script = $script:steps) {
        Invoke-PplxPipelineStep -Script $Script -Environment ($Environment + @{ PERPLEXITY_API_KEY = $revokedText; PPLX_ADMIN = $adminText })
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Pipeline logging commands' {
    BeforeEach {
        $null = Initialize-PplxTestWorld $emu
        $adminText = $env:PERPLEXITY_API_KEY
        $revoked = New-PplxToken -TokenName revoked-admin
        $revoked | Revoke-PplxToken -Force
        $revokedText = $revoked.Key | Get-PlainText
        # What the failure and the warning say in this process, to compare the child's lines with.
        $null = New-PplxToken -TokenName refused -ApiKey $revoked.Key -ErrorVariable refused -ErrorAction SilentlyContinue
        $refusedText = "New-PplxToken (ApiKeyUnauthorized): $(Get-Shown $refused[0])"
        $null = 'pplx-short' | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken -WarningVariable odd -WarningAction SilentlyContinue
        $oddText = "Test-PplxToken: $($odd[0].Message)"
        $refusedText | Should -Match 'ApiKeyUnauthorized\): \S'
        $oddText | Should -Match 'does not look like a Perplexity key'
    }

    It 'Azure Pipelines: errors and warnings as logissue lines, SucceededWithIssues after Prepare, each key asked for as one setvariable line' {
        $step = Invoke-Step @{ TF_BUILD = 'True' }
        $minted = (Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ handed-on).fingerprint
        $current = Test-PplxToken -Vault Prod -SecretName pplx-ci
        $step.Lines | Should -Contain "captured $minted" -Because 'a captured result is still the success output'
        $step.Lines | Should -Contain "prepared $($current.Fingerprint)"
        Get-CommandLine $step.Lines | Should -Be @(
            "##vso[task.logissue type=error;]$($refusedText.Replace('%', '%AZP25'))"
            "##vso[task.logissue type=warning;]$($oddText.Replace('%', '%AZP25'))"
            "##vso[task.setvariable variable=PPLX_KEY;issecret=true]$(Get-StoredKey pplx-ci-pplx-previous)"
            "##vso[task.complete result=SucceededWithIssues;]Prepared: $($current.Fingerprint) is current in 'pplx-ci' (vault 'Prod') and $minted is kept; run Invoke-PplxRotation -Stage Finish to revoke it."
            "##vso[task.setvariable variable=PPLX_NEW;issecret=true]$(Get-StoredKey pplx-ci)"
        )
    }

    It 'GitHub Actions: ::error:: and ::warning:: lines, add-mask before each key, the key only in $GITHUB_OUTPUT' {
        $output = Join-Path $env:PPLX_TEST_WORK 'github_output'
        $null = New-Item -ItemType File $output
        $step = Invoke-Step @{ GITHUB_ACTIONS = 'true'; GITHUB_OUTPUT = $output }
        $minted = (Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ handed-on).fingerprint
        $current = Test-PplxToken -Vault Prod -SecretName pplx-ci
        $old, $new = (Get-StoredKey pplx-ci-pplx-previous), (Get-StoredKey pplx-ci)
        Get-CommandLine $step.Lines | Should -Be @(
            "::error::$($refusedText.Replace('%', '%25'))"
            "::warning::$($oddText.Replace('%', '%25'))"
            "::add-mask::$old"
            "::warning::Prepared: $($current.Fingerprint) is current in 'pplx-ci' (vault 'Prod') and $minted is kept; run Invoke-PplxRotation -Stage Finish to revoke it."
            "::add-mask::$new"
        )
        Get-Content -Raw $output | Should -BeExactly "PPLX_KEY=$old`nPPLX_NEW=$new`n"
    }

    It 'GitHub Actions without $GITHUB_OUTPUT: -CiVariable is refused before anything is minted (CiVariableUnsupported)' {
        $before = @(Invoke-PplxEmulator $emu GET keys).Count
        $step = Invoke-Step @{ GITHUB_ACTIONS = 'true' } -Script 'New-PplxToken -ApiKey ($env:PPLX_ADMIN | ConvertTo-SecureString -AsPlainText -Force) -CiVariable PPLX_KEY -ErrorAction Stop'
        Get-CommandLine $step.Lines | Should -HaveCount 1
        Get-CommandLine $step.Lines | Should -BeLike '::error::New-PplxToken (CiVariableUnsupported): GitHub Actions runs this command, but $GITHUB_OUTPUT names no file*'
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $before
    }

    It 'Neither system: no logging command at all, and -CiVariable refused before anything is minted (CiVariableUnsupported)' {
        $before = @(Invoke-PplxEmulator $emu GET keys).Count
        $step = Invoke-Step @{} -Script (($script:steps -replace ' -CiVariable \w+', '') + "`n" + 'try { New-PplxToken -CiVariable PPLX_KEY } catch { "error $($_.FullyQualifiedErrorId)" }')
        Get-CommandLine $step.Lines | Should -BeNullOrEmpty
        $step.Lines | Should -Contain 'error CiVariableUnsupported,PerplexityKeys.Commands.NewPplxTokenCommand'
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be ($before + 2) -Because 'the mint and the rotation without -CiVariable ran; the one with it minted nothing'
    }

    It 'refuses a bad name (CiVariableInvalid) before anything is minted, and a second key for one variable' {
        $before = @(Invoke-PplxEmulator $emu GET keys).Count
        $step = Invoke-Step @{ TF_BUILD = 'True' } -Script @'
$env:PERPLEXITY_API_KEY = $env:PPLX_ADMIN
try { New-PplxToken -CiVariable 'bad;name' } catch { "caught $($_.FullyQualifiedErrorId)" }
try { New-PplxToken -CiVariable secretKey } catch { "caught $($_.FullyQualifiedErrorId)" }
$null = 'svc-a', 'svc-b' | New-PplxToken -CiVariable ONE -ErrorVariable second -ErrorAction SilentlyContinue
"held back $($second[0].FullyQualifiedErrorId)"
'@
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be ($before + 1)
        $step.Lines | Where-Object { $_ -notlike '##vso`[task.setvariable*' } | Should -Be @(
            # A terminating error is logged even when caught: it is thrown before any -ErrorAction applies.
            "##vso[task.logissue type=error;]New-PplxToken (CiVariableInvalid): 'bad;name' cannot name a pipeline variable: use letters, digits, '_', '.' and '-', at most 100 of them. Pass -CiVariable a name of letters, digits, '_', '.' and '-', such as PPLX_KEY."
            'caught CiVariableInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'
            "##vso[task.logissue type=error;]New-PplxToken (CiVariableInvalid): 'secretKey' starts with 'secret', which Azure Pipelines keeps for variables of its own. Pass -CiVariable a name of letters, digits, '_', '.' and '-', such as PPLX_KEY."
            'caught CiVariableInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'
            # The second key's refusal is an item's error, kept out of the pipeline's issues by -ErrorAction SilentlyContinue.
            'held back ParameterCombinationInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'
        )
        @($step.Lines | Where-Object { $_ -like '##vso`[task.setvariable*' }) | Should -HaveCount 1
        $handedOn = @($step.Lines | Where-Object { $_ -like '##vso`[task.setvariable variable=ONE;issecret=true`]*' })[0].Split(']', 2)[1]
        (Get-PplxCoreType PerplexityKeys.Core.Model.ApiKey)::MakeFingerprint($handedOn) | Should -Be (Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ svc-a).fingerprint
    }
}

Describe 'Pipeline samples' {
    It 'the samples'' vault script parses, under PowerShell 7 and with Windows PowerShell 5.1''s syntax' {
        $path = Join-Path $PSScriptRoot '../../samples/Use-PplxKeyVault.ps1'
        $tokens = $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty
        (Get-Content -Raw $path) | Should -Not -Match '\?\?|\?\.|&&|\|\|' -Because 'Windows PowerShell 5.1 has no ??, ?., && or ||'
    }
}
