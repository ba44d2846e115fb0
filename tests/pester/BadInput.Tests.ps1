# The bad-input table: every row is one test with its expected ErrorId, and each asserts that
# nothing changed (the vault files and the emulator's key list are the same before and after). New-PplxToken's -Vault
# without -SecretName (or the reverse) is PowerShell's own parameter binding, which would prompt in an interactive
# session: Tokens.Tests.ps1 ('Unattended use') runs it in a child process.
BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
    $adminText = $emu.AdminKey | Get-PlainText

    function ConvertTo-Secure([string] $Text) { if ($Text) { ConvertTo-SecureString $Text -AsPlainText -Force } else { [securestring]::new() } }

    function Get-World {
        # What must not change: every vault file and the emulator's keys.
        $files = Get-ChildItem $env:PPLX_TEST_WORK -Filter '*.json' | Sort-Object Name |
            ForEach-Object { "$($_.Name)=$(Get-Content -Raw $_.FullName)" }
        $keys = Invoke-PplxEmulator $emu GET keys | ForEach-Object { "$($_.fingerprint)/$($_.revoked)" }
        ($files + $keys) -join "`n"
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Bad input' {
    BeforeEach {
        $null = Initialize-PplxTestWorld $emu
        $svc = New-PplxToken -TokenName svc -Vault Prod -SecretName pplx-svc
        Set-Secret -Vault Prod -Name odd-hash -Secret @{ key = 'v' }
        Set-Secret -Vault Prod -Name odd-bytes -Secret ([byte[]](1, 2, 3))
        Set-Secret -Vault Prod -Name not-a-key -Secret 'not a key'
    }

    It '<Case> -> <Id>' -TestCases @(
        # --- token names ------------------------------------------------------------------------
        @{ Case = 'empty token name'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName '' } }
        @{ Case = 'white-space token name'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName '   ' } }
        @{ Case = '10k-character token name'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName ('n' * 10000) } }
        @{ Case = '257-character token name'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName ('n' * 257) } }
        @{ Case = 'token name with a newline'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName "a`nb" } }
        @{ Case = 'token name with a tab'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName "a`tb" } }
        @{ Case = 'token name with a NUL'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName "a`0b" } }
        @{ Case = 'token name with leading space'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName ' svc' } }
        @{ Case = 'token name with trailing space'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName 'svc ' } }
        @{ Case = 'non-ASCII control char in name'; Id = 'TokenNameInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -TokenName "a$([char]0x85)b" } }
        # --- malformed keys -----------------------------------------------------------------------
        @{ Case = 'key with an embedded newline'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { ConvertTo-Secure "pplx-abc`ndef" | Test-PplxToken } }
        @{ Case = 'key with a space'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { ConvertTo-Secure 'pplx-abc def' | Test-PplxToken } }
        @{ Case = 'key with a tab'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { ConvertTo-Secure "pplx-abc`tdef" | Test-PplxToken } }
        @{ Case = 'empty key'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Key ([securestring]::new()) } }
        @{ Case = 'non-ASCII key'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { ConvertTo-Secure 'pplx-abcé' | Test-PplxToken } }
        @{ Case = 'revoking a key with a newline'; Id = 'KeyMalformed,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { ConvertTo-Secure "pplx-a`nb" | Revoke-PplxToken -Force } }
        @{ Case = 'empty -ApiKey'; Id = 'KeyMalformed,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKey ([securestring]::new()) } }
        @{ Case = '-ApiKey with a newline'; Id = 'KeyMalformed,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $svc | Revoke-PplxToken -ApiKey (ConvertTo-Secure "pplx-a`nb") -Force } }
        @{ Case = 'environment key with a space'; Id = 'KeyMalformed,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { $env:PERPLEXITY_API_KEY = 'pplx-abc def'; New-PplxToken } }
        @{ Case = 'testing an environment variable that is not set'; Id = 'EnvironmentVariableNotSet,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { $env:PPLX_TEST_UNSET = $null; Test-PplxToken -EnvironmentVariable PPLX_TEST_UNSET } }
        @{ Case = 'revoking an environment variable that is not set'; Id = 'EnvironmentVariableNotSet,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $env:PPLX_TEST_UNSET = $null; Revoke-PplxToken -EnvironmentVariable PPLX_TEST_UNSET -Force } }
        @{ Case = 'environment variable name with an escape'; Id = 'EnvironmentVariableNotSet,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -EnvironmentVariable "PPLX`e[31mX" } }
        @{ Case = 'empty environment variable name'; Id = 'ParameterArgumentValidationError,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -EnvironmentVariable '' } }
        @{ Case = 'a key given as the variable name'; Id = 'EnvironmentVariableNameInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -EnvironmentVariable ($svc.Key | Get-PlainText) } }
        @{ Case = 'a variable name with ='; Id = 'EnvironmentVariableNameInvalid,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { Revoke-PplxToken -EnvironmentVariable '=C:' -Force } }
        @{ Case = 'a variable left as an undefined Azure Pipelines macro'; Id = 'EnvironmentVariableNotSet,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $env:PPLX_TEST_ODD = '$(PPLX_KEY)'; Revoke-PplxToken -EnvironmentVariable PPLX_TEST_ODD -Force } }
        @{ Case = 'environment variable that is not a key'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { $env:PPLX_TEST_ODD = "pplx-abc`ndef"; Test-PplxToken -EnvironmentVariable PPLX_TEST_ODD } }
        @{ Case = 'revoking an environment variable that is not a key'; Id = 'KeyMalformed,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $env:PPLX_TEST_ODD = 'pplx-abc def'; Revoke-PplxToken -EnvironmentVariable PPLX_TEST_ODD -Force } }
        @{ Case = 'authorizing key without the prefix'; Id = 'ApiKeyUnauthorized,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKey (ConvertTo-Secure ($adminText.Substring(5))) -WarningAction SilentlyContinue } }
        @{ Case = 'truncated authorizing key'; Id = 'ApiKeyUnauthorized,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKey (ConvertTo-Secure ($adminText.Substring(0, 40))) -WarningAction SilentlyContinue } }
        @{ Case = 'no authorizing key at all'; Id = 'ApiKeyNotFound,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { $env:PERPLEXITY_API_KEY = $null; New-PplxToken } }
        @{ Case = 'no authorizing key to revoke'; Id = 'ApiKeyNotFound,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $env:PERPLEXITY_API_KEY = $null; $svc | Revoke-PplxToken -Force } }
        # --- secrets of the wrong type ---------------------------------------------------------------
        @{ Case = 'testing a hashtable secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Vault Prod -SecretName odd-hash } }
        @{ Case = 'testing a byte[] secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Vault Prod -SecretName odd-bytes } }
        @{ Case = 'rotating a hashtable secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName odd-hash -Force } }
        @{ Case = 'rotating a byte[] secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName odd-bytes -Force } }
        @{ Case = 'revoking a hashtable secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { Revoke-PplxToken -Vault Prod -SecretName odd-hash -Force } }
        @{ Case = 'master key in a hashtable secret'; Id = 'SecretTypeInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKeySecretName odd-hash -ApiKeyVault Prod } }
        @{ Case = 'rotating a secret that is not a key'; Id = 'KeyMalformed,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName not-a-key -Force } }
        @{ Case = 'testing a secret that is not a key'; Id = 'KeyMalformed,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Vault Prod -SecretName not-a-key } }
        # --- missing vaults and secrets ----------------------------------------------------------------
        @{ Case = 'testing in a missing vault'; Id = 'VaultNotFound,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Vault Nope -SecretName pplx-svc } }
        @{ Case = 'testing a missing secret'; Id = 'SecretNotFound,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -Vault Prod -SecretName nope } }
        @{ Case = 'testing a secret no vault holds'; Id = 'SecretNotFound,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { Test-PplxToken -SecretName nope } }
        @{ Case = 'rotating in a missing vault'; Id = 'VaultNotFound,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Nope -SecretName pplx-svc -Force } }
        @{ Case = 'rotating a missing secret'; Id = 'SecretNotFound,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName nope -Force } }
        @{ Case = 'revoking a missing secret'; Id = 'SecretNotFound,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { Revoke-PplxToken -Vault Prod -SecretName nope -Force } }
        @{ Case = 'storing into a missing vault'; Id = 'VaultNotFound,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -Vault Nope -SecretName x } }
        @{ Case = 'storing over an existing secret'; Id = 'SecretExists,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -Vault Prod -SecretName pplx-svc } }
        @{ Case = 'master key from a missing secret'; Id = 'SecretNotFound,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKeySecretName nope -ApiKeyVault Prod } }
        @{ Case = 'master key from a missing vault'; Id = 'VaultNotFound,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -ApiKeySecretName pplx-svc -ApiKeyVault Nope } }
        @{ Case = 'rotation master key from a missing secret'; Id = 'SecretNotFound,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -ApiKeySecretName nope -ApiKeyVault Prod -Force } }
        # --- sibling names taken by the user's own secrets ------------------------------------------------
        @{ Case = 'pending name holds a key of yours'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-pending -Secret ($svc.Key) }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'previous name holds a key of yours'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-previous -Secret ($svc.Key) }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'journal name holds text of yours'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-journal -Secret 'notes' }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'journal name holds JSON of yours'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-journal -Secret '{"runId":"x"}' }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'pending name holds a hashtable'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-pending -Secret @{ a = 'b' } }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'previous name holds text'; Id = 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { Set-Secret -Vault Prod -Name pplx-svc-pplx-previous -Secret 'my password' }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } }
        @{ Case = 'aborting once the new key is current'; Id = 'RotationAbortTooLate,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Abort -Force } }
        # --- base URIs ---------------------------------------------------------------------------------
        @{ Case = 'malformed base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'not a uri' } }
        @{ Case = 'http base URI off loopback'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'http://api.perplexity.ai' } }
        @{ Case = 'ftp base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'ftp://api.perplexity.ai' } }
        @{ Case = 'base URI with credentials'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'https://u:p@api.perplexity.ai' } }
        @{ Case = 'base URI with a query'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'https://api.perplexity.ai/?k=1' } }
        @{ Case = 'relative base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { New-PplxToken -BaseUri 'api.perplexity.ai' } }
        @{ Case = 'testing at an http base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'; Run = { $svc | Test-PplxToken -BaseUri 'http://example.com' } }
        @{ Case = 'revoking at an http base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $svc | Revoke-PplxToken -BaseUri 'http://example.com' -Force } }
        @{ Case = 'rotating at an http base URI'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.InvokePplxRotationCommand'; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -BaseUri 'http://example.com' -Force } }
        @{ Case = 'http base URI from the environment'; Id = 'BaseUriInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Run = { $env:PERPLEXITY_BASE_URL = 'http://evil.example'; New-PplxToken } }
        @{ Case = 'a base URI that redirects'; Id = 'ApiResponseInvalid,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 307; body = ''; location = 'https://elsewhere.example/generate_auth_token'; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'a probe that redirects'; Id = 'Unknown'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 302; body = ''; location = 'https://elsewhere.example/'; path = '/v1/models' } }; Run = { $svc | Test-PplxToken | Where-Object Status -EQ 'Unknown' | ForEach-Object { Write-Error -ErrorId 'Unknown' -Message $_.Message } } }
        # --- API bodies ----------------------------------------------------------------------------------
        @{ Case = 'mint answered 200 with an empty body'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = ''; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 200 with HTML'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '<html><body>hi</body></html>'; contentType = 'text/html'; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 200 with 10 MB'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = ('{"pad":"' + ('x' * 10MB) + '"}'); path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered truncated JSON'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '{"auth_token": "pplx-abc'; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered JSON without auth_token'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '{"created_at_epoch_seconds": 1}'; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered a JSON array'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '[]'; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 401 as HTML'; Id = 'ApiKeyUnauthorized,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 401; html = $true; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 403'; Id = 'ApiKeyForbidden,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 400 with an empty body'; Id = 'ApiRequestRejected,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 400; body = ''; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint answered 500'; Id = 'TokenMintOutcomeUnknown,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 500; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'mint rate-limited for an hour'; Id = 'ApiRateLimited,PerplexityKeys.Commands.NewPplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 429; retryAfterSeconds = 3600; path = '/generate_auth_token' } }; Run = { New-PplxToken } }
        @{ Case = 'revoke answered 500'; Id = 'ApiServerError,PerplexityKeys.Commands.RevokePplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 500; path = '/revoke_auth_token' } }; Run = { $svc | Revoke-PplxToken -Force } }
        @{ Case = 'revoke answered 403'; Id = 'ApiKeyForbidden,PerplexityKeys.Commands.RevokePplxTokenCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; path = '/revoke_auth_token' } }; Run = { $svc | Revoke-PplxToken -Force } }
        @{ Case = 'revoke of an unknown key'; Id = 'TokenNotFound,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { ConvertTo-Secure ('pplx-' + 'z' * 48) | Revoke-PplxToken -Force } }
        @{ Case = 'self-revoke refused by the API'; Id = 'ApiRequestRejected,PerplexityKeys.Commands.RevokePplxTokenCommand'; Run = { $svc | Revoke-PplxToken -ApiKey $svc.Key -Force } }
        @{ Case = 'rotation whose mint answer is HTML'; Id = 'RotationMintOutcomeUnknown,PerplexityKeys.Commands.InvokePplxRotationCommand'; Setup = { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '<html/>'; contentType = 'text/html'; path = '/generate_auth_token' } }; Run = { Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force } ; Journal = $true }
    ) {
        if ($Setup) { & $Setup }
        $before = Get-World
        $errors = [System.Collections.Generic.List[object]]::new()
        try { & $Run -ErrorAction SilentlyContinue -WarningAction SilentlyContinue 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } } }
        catch { $errors.Add($_) }
        $errors.Count | Should -BeGreaterThan 0 -Because "$Case must fail"
        $errors[0].FullyQualifiedErrorId | Should -Be $Id
        if ($Journal) {
            # A mint whose answer was lost leaves only its journal, to name the possible orphan.
            $after = Get-World
            $after -replace '(?s)pplx-svc-pplx-journal[^\n]*\n?', '' | Should -Not -BeNullOrEmpty
            (Get-SecretInfo -Vault Prod).Name | Should -Contain 'pplx-svc-pplx-journal'
            (Test-PplxToken -Vault Prod -SecretName pplx-svc).Fingerprint | Should -Be $svc.Fingerprint
        }
        else {
            Get-World | Should -Be $before -Because 'bad input must change nothing'
        }
    }

    It 'accepts a key minted at a skewed clock, with a warning' {
        $fake = 'pplx-' + ('Q' * 48)
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = "{`"auth_token`":`"$fake`",`"created_at_epoch_seconds`":4102444800}"; path = '/generate_auth_token' }
        $t = New-PplxToken -TokenName skewed -WarningVariable warn -WarningAction SilentlyContinue
        $t.CreatedAt.Year | Should -Be 2100
        $warn | Should -Match 'clock'
    }
}
