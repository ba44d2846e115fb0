# What a rotation costs in vault calls (docs/rotation.md, "Vault operations"): the result counts the run's operations and
# the SecretManagement calls they took, and each kind of run is pinned here against real extension vaults, so a call
# added or removed is a decision. The core's tests pin the operations of every kind of run (RotationVaultOperationTests).

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Vault operations of a rotation' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
        $null = New-PplxTestVault -Kind KeyVault -Name AzKV
        $null = New-PplxToken -TokenName 'ops original' -Vault Prod -SecretName pplx-ops
        $null = New-PplxToken -TokenName 'ops original kv' -Vault AzKV -SecretName pplx-ops
        $env:PERPLEXITY_API_KEY = $null   # rotations authorize themselves with the key being rotated
    }

    It 'a plain rotation in a vault <Vault> makes 13 reads, 10 writes and 1 metadata write, in 25 SecretManagement calls' -ForEach @(
        @{ Vault = 'Prod'; Kind = 'with metadata' }
        @{ Vault = 'AzKV'; Kind = 'without metadata (its Set-SecretInfo fails, and counts)' }
    ) {
        $result = Invoke-PplxRotation -Vault $Vault -SecretName pplx-ops -Force

        $result.State | Should -Be 'Done'
        ($result.VaultReads, $result.VaultWrites, $result.VaultMetadataWrites) | Should -Be (13, 10, 1)
        $result.VaultOperations | Should -Be 24
        $result.SecretManagementCalls | Should -Be 25 -Because 'one Get-SecretInfo keeps the secret''s type and metadata when it is written'
    }

    It 'a staged rotation: Prepare makes 18 operations in 19 calls, Finish 10 in 10' {
        $prepared = Invoke-PplxRotation -Vault Prod -SecretName pplx-ops -Stage Prepare -Force
        $finished = Invoke-PplxRotation -Vault Prod -SecretName pplx-ops -Stage Finish -Force

        $prepared.AwaitingFinish | Should -BeTrue
        ($prepared.VaultOperations, $prepared.SecretManagementCalls) | Should -Be (18, 19)
        $finished.State | Should -Be 'Done'
        ($finished.VaultOperations, $finished.SecretManagementCalls) | Should -Be (10, 10)
    }

    It 'keeps the user''s metadata and sets the module''s beside it, without reading the metadata again' {
        Set-SecretInfo -Vault Prod -Name pplx-ops -Metadata @{ Owner = 'billing'; PplxFingerprint = 'stale' }

        $result = Invoke-PplxRotation -Vault Prod -SecretName pplx-ops -Force

        $metadata = (Get-SecretInfo -Vault Prod -Name pplx-ops).Metadata
        $metadata['Owner'] | Should -Be 'billing'
        $metadata['PplxFingerprint'] | Should -Be $result.NewFingerprint
        $metadata['PplxRotatedFrom'] | Should -Be $result.OldFingerprint
        $result.SecretManagementCalls | Should -Be 25
    }
}
