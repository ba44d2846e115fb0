BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    $emu = Start-PplxEmulator
    $adminText = $emu.AdminKey | Get-PlainText
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Token cmdlets against the emulator' {
    BeforeEach {
        Reset-PplxEmulator $emu
        $env:PERPLEXITY_BASE_URL = $emu.BaseUri
        $env:PERPLEXITY_API_KEY = $adminText    }

    Describe 'New-PplxToken' {
        It 'mints a key and writes a PplxToken that shows only a fingerprint' {
            $t = New-PplxToken -TokenName 'svc-a'
            $t | Should -BeOfType ([PerplexityKeys.PplxToken])
            $t.Name | Should -Be 'svc-a'
            $t.Fingerprint | Should -Match '^pplx-…[A-Za-z0-9]{4}$'
            $t.Key | Should -BeOfType ([securestring])
            $t.BaseUri | Should -Be $emu.BaseUri
            $t.ToString() | Should -Be $t.Fingerprint
            (Get-PplxEmulatorKey $emu $t.Fingerprint).name | Should -Be 'svc-a'
        }

        It 'mints one key per name from the pipeline' {
            $tokens = 'a', 'b', 'c' | New-PplxToken
            $tokens.Name | Should -Be @('a', 'b', 'c')
            ($tokens.Fingerprint | Select-Object -Unique).Count | Should -Be 3
        }

        It 'names an unnamed key so a lost answer can be traced' {
            (New-PplxToken).Name | Should -Match '^PerplexityKeys-\d{8}T\d{6}Z-[0-9a-f]{6}$'
        }

        It 'takes the authorizing key from -ApiKey before the environment' {
            $env:PERPLEXITY_API_KEY = $null
            $t = New-PplxToken -ApiKey $emu.AdminKey -TokenName 'explicit'
            $t.Name | Should -Be 'explicit'
        }

        It 'stops with ApiKeyNotFound when no key authorizes the call' {
            $env:PERPLEXITY_API_KEY = $null
            { New-PplxToken -TokenName x } | Should -Throw -ErrorId 'ApiKeyNotFound,PerplexityKeys.Commands.NewPplxTokenCommand'
            (Invoke-PplxEmulator $emu GET keys).Count | Should -Be 1
        }

        It 'refuses <Uri> with BaseUriInvalid and sends nothing' -TestCases @(
            @{ Uri = 'http://api.perplexity.ai' }
            @{ Uri = 'ftp://x.example' }
            @{ Uri = 'not a uri' }
        ) {
            { New-PplxToken -TokenName x -BaseUri $Uri } | Should -Throw -ErrorId 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'
        }

        It 'refuses the token name <Label> with TokenNameInvalid and mints nothing' -TestCases @(
            @{ Label = 'empty'; Name = '' }
            @{ Label = 'white space'; Name = '   ' }
            @{ Label = '10k characters'; Name = 'n' * 10000 }
            @{ Label = 'with a newline'; Name = "a`nb" }
        ) {
            New-PplxToken -TokenName $Name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            (Invoke-PplxEmulator $emu GET keys).Count | Should -Be 1
        }

        It 'accepts a non-ASCII name' {
            (New-PplxToken -TokenName 'clé — 東京').Name | Should -Be 'clé — 東京'
        }

        It 'reports ApiKeyUnauthorized when the authorizing key is revoked' {
            $authorizer = New-PplxToken -TokenName authorizer
            $authorizer | Revoke-PplxToken -Force
            $null = New-PplxToken -ApiKey $authorizer.Key -TokenName x -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'ApiKeyUnauthorized,PerplexityKeys.Commands.NewPplxTokenCommand'
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        }

        It 'says a key may exist, by name, when the answer is lost' {
            $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'LoseResponse'; path = '/generate_auth_token' }
            $null = New-PplxToken -TokenName 'maybe-orphan' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'
            $err[0].Exception.Message | Should -Match "'maybe-orphan'"
            $err[0].TargetObject | Should -Be 'maybe-orphan'
        }

        It 'mints nothing under -WhatIf' {
            New-PplxToken -TokenName x -WhatIf | Should -BeNullOrEmpty
            (Invoke-PplxEmulator $emu GET keys).Count | Should -Be 1
        }

        It 'narrates retries with -Verbose' {
            $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 429; retryAfterSeconds = 1; path = '/generate_auth_token' }
            $verbose = New-PplxToken -TokenName retried -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -Match 'answered 429.*retry 1 in 1 s'
        }
    }

    Describe 'Test-PplxToken' {
        It 'probes piped tokens for free by default and writes typed results' {
            $r = New-PplxToken -TokenName t | Test-PplxToken
            $r | Should -BeOfType ([PerplexityKeys.PplxTokenTestResult])
            $r.Status | Should -Be 'Valid'
            $r.Probe | Should -Be 'Free'
            $r.StatusCode | Should -Be 200
            $r.Name | Should -Be 't'
            $r.Latency | Should -BeOfType ([timespan])
            $r.ModelCount | Should -Be (Invoke-PplxEmulator $emu GET config).models.Count
            $r.Models | Should -Contain 'perplexity/sonar'
            (Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/v1/agent') | Should -BeNullOrEmpty
        }

        It 'uses the paid Agent API probe on request, with -Model' {
            $r = New-PplxToken | Test-PplxToken -Probe Completion -Model perplexity/sonar-pro
            $r.Status | Should -Be 'Valid'
            $r.Model | Should -Be 'perplexity/sonar-pro'
            @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/v1/agent').Count | Should -Be 1
        }

        It 'checks model access for free with -Model: <Model> is <Status>' -TestCases @(
            @{ Model = 'perplexity/sonar'; Status = 'Valid' }
            @{ Model = 'perplexity/sonar-pro'; Status = 'ModelUnavailable' }
        ) {
            $made = Invoke-PplxEmulator $emu POST keys @{ name = 'restricted'; models = @('perplexity/sonar') }
            $restricted = $made.auth_token | ConvertTo-SecureString -AsPlainText -Force
            $r = $restricted | Test-PplxToken -Model $Model
            $r.Status | Should -Be $Status
            $r.Models | Should -Be @('perplexity/sonar')
            $r.ModelCount | Should -Be 1
            (Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/v1/agent') | Should -BeNullOrEmpty
        }

        It 'refuses a malformed -Model before any request, with ModelInvalid' {
            $before = @(Invoke-PplxEmulator $emu GET requests).Count
            { $emu.AdminKey | Test-PplxToken -Model "sonar`e[31m" -ErrorAction Stop } | Should -Throw -ErrorId 'ModelInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'
            @(Invoke-PplxEmulator $emu GET requests).Count | Should -Be $before
        }

        It 'takes SecureStrings from the pipeline' {
            $emu.AdminKey | Test-PplxToken -Quiet | Should -BeTrue
        }

        It 'classifies <Status> answers' -TestCases @(
            @{ Fault = @{ kind = 'Status'; status = 403; path = '/v1/models' }; Status = 'Forbidden' }
            @{ Fault = @{ kind = 'Status'; status = 401; html = $true; path = '/v1/models' }; Status = 'Invalid' }
            @{ Fault = @{ kind = 'Status'; status = 429; retryAfterSeconds = 3600; path = '/v1/models' }; Status = 'RateLimited' }
            @{ Fault = @{ kind = 'Status'; status = 500; path = '/v1/models' }; Status = 'Unknown' }
            @{ Fault = @{ kind = 'Status'; status = 403; body = '{"error":{"message":"Sonar is now the Agent API. Use /v1/responses instead.","type":"chat_completions_not_available","code":403}}'; path = '/v1/models' }; Status = 'EndpointRetired' }
            @{ Fault = @{ kind = 'Status'; status = 404; path = '/v1/models' }; Status = 'EndpointRetired' }
        ) {
            $t = New-PplxToken
            $null = Invoke-PplxEmulator $emu POST faults $Fault
            ($t | Test-PplxToken).Status | Should -Be $Status
        }

        It 'is Unreachable when nothing listens' {
            $t = New-PplxToken
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start()
            $port = $listener.LocalEndpoint.Port; $listener.Stop()
            ($t | Test-PplxToken -BaseUri "http://127.0.0.1:$port/").Status | Should -Be 'Unreachable'
        }

        It 'writes $false with -Quiet for a revoked key, and goes on past a malformed one' {
            $t = New-PplxToken
            $t | Revoke-PplxToken -Force
            $bad = ConvertTo-SecureString "pplx-abc`ndef" -AsPlainText -Force
            $out = $bad, $t.Key | Test-PplxToken -Quiet -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -Be @($false)
            $err[0].FullyQualifiedErrorId | Should -Be 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'
        }

        It 'reads a key from the environment variable -EnvironmentVariable names, and names its result by it' {
            $t = New-PplxToken -TokenName from-env
            $env:PPLX_TEST_STEP_KEY = $t.Key | Get-PlainText
            try {
                $r = Test-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY
                $r.Status | Should -Be 'Valid'
                $r.Fingerprint | Should -Be $t.Fingerprint
                $r.Name | Should -Be 'PPLX_TEST_STEP_KEY'
                Test-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY -Quiet | Should -BeTrue
            }
            finally { $env:PPLX_TEST_STEP_KEY = $null }
        }

        It 'refuses an environment variable piped in as an item (live, deserialized, or beside -SecretName), never taking a secret of the same name' {
            $ErrorActionPreference = 'Continue'   # the suite runs under Stop, which would hold the item errors and throw them
            $null = Initialize-PplxTestWorld $emu
            $t = New-PplxToken -TokenName piped-env
            $other = New-PplxToken -TokenName same-name-in-a-vault
            Set-Secret -Vault Prod -Name PPLX_TEST_PIPED_KEY -Secret $other.Key
            $env:PPLX_TEST_PIPED_KEY = $t.Key | Get-PlainText
            $clixml = Join-Path ([IO.Path]::GetTempPath()) "pplx-envitem-$([guid]::NewGuid()).xml"
            try {
                Get-ChildItem env:PPLX_TEST_PIPED_KEY | Export-Clixml -Path $clixml
                $runs = @(
                    { Get-ChildItem env:PPLX_TEST_PIPED_KEY | Test-PplxToken }
                    { Import-Clixml -Path $clixml | Test-PplxToken }
                    { [pscustomobject]@{ Name = 'PPLX_TEST_PIPED_KEY'; PSPath = 'Environment::PPLX_TEST_PIPED_KEY' } | Revoke-PplxToken -Vault Prod -Force }
                    { Get-ChildItem env:PPLX_TEST_PIPED_KEY | Revoke-PplxToken -Vault Prod -RemoveSecret -Force -PassThru }
                    { Import-Clixml -Path $clixml | Revoke-PplxToken -Vault Prod -RemoveSecret -Force -PassThru }
                    { Get-ChildItem env:PPLX_TEST_PIPED_KEY | Revoke-PplxToken -SecretName PPLX_TEST_PIPED_KEY -Vault Prod -Force -PassThru }
                )
                foreach ($run in $runs) {
                    $all = @(& $run 2>&1)
                    $err = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
                    $out = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
                    $out | Should -BeNullOrEmpty -Because "$run reads nothing"
                    $err.Count | Should -Be 1 -Because "$run"
                    $err[0].FullyQualifiedErrorId | Should -BeLike 'EnvironmentVariableNameInvalid,*' -Because "$run"
                    $err[0].TargetObject | Should -Be 'PPLX_TEST_PIPED_KEY'
                }
                { Get-ChildItem env:PPLX_TEST_PIPED_KEY | Revoke-PplxToken -Vault Prod -PSPath x -RemoveSecret -Force } | Should -Throw -ErrorId 'ParameterCombinationInvalid,PerplexityKeys.Commands.RevokePplxTokenCommand'
                (Get-PplxEmulatorKey $emu $other.Fingerprint).revoked | Should -BeFalse -Because 'a secret that shares the name is not what was piped'
                $file = [pscustomobject]@{ Name = 'PPLX_TEST_PIPED_KEY'; PSPath = 'Microsoft.PowerShell.Core\FileSystem::/tmp/PPLX_TEST_PIPED_KEY' }
                ($file | Test-PplxToken -Vault Prod).Fingerprint | Should -Be $other.Fingerprint -Because 'an item of another provider names a secret, as before'
                (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse -Because 'a piped item is refused, not read'
                (Get-SecretInfo -Vault Prod -Name PPLX_TEST_PIPED_KEY).Name | Should -Be 'PPLX_TEST_PIPED_KEY' -Because '-RemoveSecret removed nothing'
                (Get-Item env:PPLX_TEST_PIPED_KEY).PSPath | Should -BeLike '*Environment::PPLX_TEST_PIPED_KEY'
            }
            finally { $env:PPLX_TEST_PIPED_KEY = $null; Remove-Item $clixml -ErrorAction Ignore }
        }

        It 'names the variable, never its value, when the key in it is malformed' {
            $t = New-PplxToken
            $text = ($t.Key | Get-PlainText) + ' tail'
            $env:PPLX_TEST_STEP_KEY = $text
            try {
                $Error.Clear()
                $out = Test-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY -ErrorAction SilentlyContinue
                $out | Should -BeNullOrEmpty
                $Error[0].FullyQualifiedErrorId | Should -Be 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'
                $Error[0].TargetObject | Should -Be 'PPLX_TEST_STEP_KEY'
                ($Error[0] | Format-List * -Force | Out-String) + $Error[0].Exception.ToString() | Should -Not -Match ([regex]::Escape($text.Substring(5, 20)))
            }
            finally { $env:PPLX_TEST_STEP_KEY = $null }

            $Error.Clear()
            Test-PplxToken -EnvironmentVariable "PPLX`e[31mX" -ErrorAction SilentlyContinue
            $Error[0].FullyQualifiedErrorId | Should -Be 'EnvironmentVariableNotSet,PerplexityKeys.Commands.TestPplxTokenCommand'
            ($Error[0] | Out-String) + $Error[0].TargetObject | Should -Not -Match "`e" -Because 'a name from outside is escaped before it reaches the error'
        }

        It 'warns about an oddly shaped key but still probes it' {
            $odd = ConvertTo-SecureString 'pplx-1234567890abcdef' -AsPlainText -Force
            $r = $odd | Test-PplxToken -WarningVariable warn -WarningAction SilentlyContinue
            $r.Status | Should -Be 'Invalid'
            $warn | Should -Match 'does not look like a Perplexity key'
            $env:PPLX_TEST_STEP_KEY = 'pplx-1234567890abcdef'
            try { $r = Test-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY -WarningVariable warnEnv -WarningAction SilentlyContinue }
            finally { $env:PPLX_TEST_STEP_KEY = $null }
            $r.Status | Should -Be 'Invalid'
            $warnEnv | Should -Match 'does not look like a Perplexity key'
        }
    }

    Describe 'Revoke-PplxToken' {
        It 'revokes piped tokens with -Force and passes them through' {
            $t = New-PplxToken -TokenName doomed
            $out = $t | Revoke-PplxToken -Force -PassThru
            $out.Fingerprint | Should -Be $t.Fingerprint
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
            $t | Test-PplxToken -Quiet | Should -BeFalse
        }

        It 'revokes nothing under -WhatIf, even with -Force' {
            $t = New-PplxToken
            $t | Revoke-PplxToken -WhatIf -Force
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse
        }

        It 'revokes with -Confirm:$false' {
            $t = New-PplxToken
            $t | Revoke-PplxToken -Confirm:$false
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
        }

        It 'writes TokenNotFound for an already revoked key and goes on with the next' {
            $gone = New-PplxToken; $gone | Revoke-PplxToken -Force
            $live = New-PplxToken
            $out = $gone, $live | Revoke-PplxToken -Force -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'TokenNotFound,PerplexityKeys.Commands.RevokePplxTokenCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject.Fingerprint | Should -Be $gone.Fingerprint
            $out.Fingerprint | Should -Be $live.Fingerprint
        }

        It 'revokes the key an environment variable holds' {
            $t = New-PplxToken
            $env:PPLX_TEST_STEP_KEY = $t.Key | Get-PlainText
            try {
                Revoke-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY -WhatIf
                (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse -Because '-WhatIf only reports'
                $out = Revoke-PplxToken -EnvironmentVariable PPLX_TEST_STEP_KEY -Force -PassThru
                $out.Fingerprint | Should -Be $t.Fingerprint
                $out.BaseUri | Should -Be $emu.BaseUri -Because 'the token written back remembers where the key was revoked'
                (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
            }
            finally { $env:PPLX_TEST_STEP_KEY = $null }
        }

        It 'takes SecureStrings and an explicit -ApiKey' {
            $t = New-PplxToken
            $env:PERPLEXITY_API_KEY = $null
            $t.Key | Revoke-PplxToken -ApiKey $emu.AdminKey -Force
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
        }
    }

    Describe 'Ctrl+C' {
        It 'cancels an HTTP call in flight instead of waiting for its timeout' {
            $t = New-PplxToken
            $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = '/v1/models' }
            # Stop the pipeline once the request is being handled by the emulator.
            $stopped = Stop-PplxPipelineWhen -Script 'param($m, $t) Import-Module $m; $t | Test-PplxToken -TimeoutSec 3600' -ArgumentList $env:PPLX_TEST_MODULE, $t -Until { (Invoke-PplxEmulator $emu GET inflight).'/v1/models' }
            $stopped.Before | Should -Be 'Running'
            $stopped.After | Should -Be 'Stopped'
            $stopped.Stop.TotalSeconds | Should -BeLessThan 10 -Because 'only cancellation can end a call whose attempt may take an hour'
        }
    }

    Describe 'Proxies' {
        It 'never sends a loopback request through the proxy the environment names' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start()
            try {
                $proxy = "http://127.0.0.1:$($listener.LocalEndpoint.Port)"
                $pwsh = Get-PwshCommand
                $script = "Import-Module '$env:PPLX_TEST_MODULE'; (`$env:PPLX_KEY_UNDER_TEST | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken -TimeoutSec 5).Status; (`$env:PPLX_KEY_UNDER_TEST | ConvertTo-SecureString -AsPlainText -Force | Test-PplxToken -TimeoutSec 5 -Proxy '$proxy').Status"
                $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
                foreach ($a in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
                foreach ($v in 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy') { $psi.Environment[$v] = $proxy }
                $psi.Environment['NO_PROXY'] = ''
                $psi.Environment['PPLX_KEY_UNDER_TEST'] = $emu.AdminKey | Get-PlainText
                $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
                $p = [System.Diagnostics.Process]::Start($psi)
                $out = $p.StandardOutput.ReadToEnd(); $null = $p.StandardError.ReadToEnd(); $p.WaitForExit()
                ($out -split "`n" | Where-Object { $_.Trim() }) | Should -Be @('Valid', 'Valid')
                $listener.Pending() | Should -BeFalse -Because 'the proxy must never have been connected to'
            }
            finally { $listener.Stop() }
        }

        It 'says that proxy authentication failed when a proxy answers 407' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $listener.Start()
            $job = Start-ThreadJob -ArgumentList $listener {
                param($l)
                for ($n = 0; $n -lt 8; $n++) {
                    try { $c = $l.AcceptTcpClient() } catch { return }
                    $s = $c.GetStream(); $buffer = [byte[]]::new(4096); $null = $s.Read($buffer, 0, $buffer.Length)
                    $answer = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required`r`nProxy-Authenticate: Basic realm=`"corp`"`r`nContent-Length: 0`r`nConnection: close`r`n`r`n")
                    $s.Write($answer, 0, $answer.Length); $s.Flush(); $c.Close()
                }
            }
            try {
                $r = $emu.AdminKey | Test-PplxToken -BaseUri 'https://api.perplexity.example/' -Proxy "http://127.0.0.1:$($listener.LocalEndpoint.Port)" -TimeoutSec 5
                $r.Status | Should -Be 'Unreachable'
                $r.Message | Should -Match 'proxy authentication failed'
            }
            finally { $listener.Stop(); $job | Stop-Job -PassThru | Remove-Job -Force }
        }
    }

    Describe 'Unattended use' {
        It 'exits 0 from pwsh -c on success and non-zero on failure' {
            $pwsh = Get-PwshCommand
            $script = "Import-Module '$env:PPLX_TEST_MODULE'; New-PplxToken -TokenName unattended | Test-PplxToken -Quiet"
            $out = & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command $script
            $LASTEXITCODE | Should -Be 0
            $out | Should -Be 'True'
            & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command "Import-Module '$env:PPLX_TEST_MODULE'; New-PplxToken -TokenName x -BaseUri http://example.com" 2>$null
            $LASTEXITCODE | Should -Not -Be 0
        }

        It 'never waits for a confirmation nobody can give: <How> fails at once with ConfirmationRequired and revokes nothing' -TestCases @(
            @{ How = 'pwsh -NonInteractive'; Arguments = @('-NonInteractive') }
            @{ How = 'pwsh with stdin from nowhere'; Arguments = @() }
        ) {
            $t = New-PplxToken -TokenName unconfirmed
            $text = $t.Key | Get-PlainText
            $script = "Import-Module '$env:PPLX_TEST_MODULE'; `$e = `$env:PPLX_KEY_UNDER_TEST | ConvertTo-SecureString -AsPlainText -Force; Revoke-PplxToken -Key `$e -ErrorAction Stop"
            $run = Invoke-PplxChildPwsh -Arguments $Arguments -Command $script -Environment @{ PPLX_KEY_UNDER_TEST = $text }
            $run.ExitCode | Should -Not -Be 0
            $run.Text | Should -Match 'ConfirmationRequired|-Force'
            $run.Text | Should -Not -Match 'Object reference'
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse
        }

        It 'New-PplxToken with <Given> alone under <How> fails at parameter binding and mints nothing' -TestCases @(
            @{ Given = '-Vault'; Missing = 'SecretName'; Parameters = '-Vault Prod'; How = 'pwsh -NonInteractive'; Arguments = @('-NonInteractive') }
            @{ Given = '-SecretName'; Missing = 'Vault'; Parameters = '-SecretName pplx-lonely'; How = 'pwsh -NonInteractive'; Arguments = @('-NonInteractive') }
            @{ Given = '-Vault'; Missing = 'SecretName'; Parameters = '-Vault Prod'; How = 'pwsh with stdin from nowhere'; Arguments = @() }
        ) {
            # Interactively PowerShell asks for the missing one; where nobody can answer, binding fails before anything runs.
            $mints = @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/generate_auth_token').Count
            $script = "Import-Module '$env:PPLX_TEST_MODULE'; try { New-PplxToken -TokenName lonely $Parameters -ErrorAction Stop } catch { 'ERRORID ' + `$_.FullyQualifiedErrorId; exit 3 }"
            $run = Invoke-PplxChildPwsh -Arguments $Arguments -Command $script
            $run.ExitCode | Should -Not -Be 0
            # Without -NonInteractive PowerShell prompts for -$Missing and reads the end of the input: still missing.
            $run.Text | Should -Match 'ERRORID MissingMandatoryParameter,PerplexityKeys\.Commands\.NewPplxTokenCommand'
            $run.Text | Should -Not -Match 'ParameterCombinationInvalid'
            @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/generate_auth_token').Count | Should -Be $mints
            Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'lonely' | Should -BeNullOrEmpty
        }

        It 'leaves nothing in $Error after a command that succeeded, though it looked for secrets that were not there' {
            $null = Initialize-PplxTestWorld $emu
            $null = New-PplxToken -Vault Prod -SecretName pplx-clean
            $env:PERPLEXITY_API_KEY = $null
            $Error.Clear()
            (Invoke-PplxRotation -Vault Prod -SecretName pplx-clean -Force).State | Should -Be 'Done'
            @($Error | ForEach-Object { "$($_.GetType().FullName) $($_.FullyQualifiedErrorId): $(if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.Message } else { $_ })" }) | Should -BeNullOrEmpty
        }
    }
}
