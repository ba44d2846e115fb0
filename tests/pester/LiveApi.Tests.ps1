BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
    $retiredBody = '{"error":{"message":"Sonar is now the Agent API. Use /v1/responses instead.","type":"chat_completions_not_available","code":403}}'

    function Get-SonarRequest {
        @(Invoke-PplxEmulator $emu GET requests | Where-Object { $_.path -like '*chat/completions*' })
    }

    function Set-RetiredEverywhere {
        # Every path a probe could use answers as the live API answers a retired path.
        foreach ($path in '/v1/models', '/v1/agent', '/v1/responses') {
            $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; body = $retiredBody; count = 1000; path = $path }
        }
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'The module against the live API of today (Sonar chat retired), and with the old Sonar answers' -ForEach @(
    @{ Sonar = 'Retired' }
    @{ Sonar = 'Live' }
) {
    BeforeEach {
        $null = Initialize-PplxTestWorld $emu
        $null = Invoke-PplxEmulator $emu POST config @{ sonar = $Sonar }
    }

    It 'runs the README pipelines and calls no Sonar path (Sonar <Sonar>)' {
        $token = New-PplxToken -TokenName 'billing-service'
        ($token | Test-PplxToken).Status | Should -Be 'Valid'
        ($token | Test-PplxToken -Probe Completion).Status | Should -Be 'Valid'
        $token | Test-PplxToken -Quiet | Should -BeTrue
        @('svc-a', 'svc-b' | New-PplxToken | Test-PplxToken).Status | Should -Be @('Valid', 'Valid')
        $token | Revoke-PplxToken -Force
        ($token | Test-PplxToken).Status | Should -Be 'Invalid'
        Get-SonarRequest | Should -BeNullOrEmpty
    }

    It 'rotates through a vault, in one run and staged, and calls no Sonar path (Sonar <Sonar>)' {
        $env:PERPLEXITY_API_KEY = $null
        $old = New-PplxToken -TokenName one -Vault Prod -SecretName pplx-one -ApiKey $emu.AdminKey
        $staged = New-PplxToken -TokenName two -Vault Prod -SecretName pplx-two -ApiKey $emu.AdminKey

        (Invoke-PplxRotation -Vault Prod -SecretName pplx-one -Probe Completion -Force).State | Should -Be 'Done'
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-two -Stage Prepare -Force).State | Should -Be 'Propagating'
        (Get-PplxEmulatorKey $emu $staged.Fingerprint).revoked | Should -BeFalse
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-two -Stage Finish -Force).State | Should -Be 'Done'

        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
        (Get-PplxEmulatorKey $emu $staged.Fingerprint).revoked | Should -BeTrue
        (Test-PplxToken -Vault Prod -SecretName pplx-one).Status | Should -Be 'Valid'
        (Test-PplxToken -Vault Prod -SecretName pplx-two).Status | Should -Be 'Valid'
        Get-SonarRequest | Should -BeNullOrEmpty
    }
}

Describe 'When every probe path answers 403 retired' {
    BeforeEach {
        $null = Initialize-PplxTestWorld $emu
    }

    It 'calls no key Invalid or Forbidden, with either probe' {
        $token = New-PplxToken
        Set-RetiredEverywhere
        $results = @($token | Test-PplxToken), @($token | Test-PplxToken -Probe Completion), @($token | Test-PplxToken -Model perplexity/sonar)
        $results.Status | Should -Be @('EndpointRetired', 'EndpointRetired', 'EndpointRetired')
        $results[0].Message | Should -Match 'says nothing about key'
        $token | Test-PplxToken -Quiet | Should -BeFalse
    }

    It 'neither rolls back nor revokes the old key; a later run finishes' {
        $env:PERPLEXITY_API_KEY = $null
        $old = New-PplxToken -Vault Prod -SecretName pplx-svc -ApiKey $emu.AdminKey
        Set-RetiredEverywhere

        $result = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $result.State | Should -Not -Be 'RolledBack'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeFalse
        (Get-PplxEmulatorKey $emu $result.NewFingerprint).revoked | Should -BeFalse
        @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/revoke_auth_token') | Should -BeNullOrEmpty

        $null = Invoke-PplxEmulator $emu DELETE faults
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force).State | Should -Be 'Done'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-svc/*' }).Count | Should -Be 1
    }

    It 'does not count the old key as revoked when its verification meets a retired answer' {
        $env:PERPLEXITY_API_KEY = $null
        $old = New-PplxToken -Vault Prod -SecretName pplx-svc -ApiKey $emu.AdminKey
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force
        # The first probe (of the new key) passes; the verification after the revocation meets 403 retired.
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 1; count = 1; path = '/v1/models' }
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; body = $retiredBody; count = 5; path = '/v1/models' }

        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Finish -Force -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $err[0].Exception.Message | Should -Match 'could not be verified'
        @(Get-SecretInfo -Vault Prod).Name | Should -Contain 'pplx-svc-pplx-previous'
        $null = Invoke-PplxEmulator $emu DELETE faults
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Finish -Force).State | Should -Be 'Done'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
    }
}
