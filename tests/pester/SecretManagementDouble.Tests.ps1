# The SecretManagement double (testkit/SecretManagementDouble) behaves as the real module does
# where a caller can tell (../shared/secretmanagement.md): the FullyQualifiedErrorId suffix, errors
# wrapped with the vault's reason inside, a prompt that stops the caller's pipeline without an error
# record, and the vault registry under $HOME.
BeforeAll {
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force

    function Invoke-Nested([string] $Command, [hashtable] $Parameters) {
        # As the module's adapter calls SecretManagement: a nested pipeline in the caller's runspace.
        $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::CurrentRunspace)
        try {
            $null = $ps.AddCommand("Microsoft.PowerShell.SecretManagement\$Command").AddParameters($Parameters)
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = $output; State = $ps.InvocationStateInfo.State; HadErrors = $ps.HadErrors; Errors = @($ps.Streams.Error) }
        }
        finally { $ps.Dispose() }
    }
}

Describe 'The SecretManagement double' {
    BeforeEach {
        $null = Use-PplxTestRegistry
        $prod = New-PplxTestVault -Kind File -Name Prod -DefaultVault
        $flaky = New-PplxTestVault -Kind Flaky -Name Flaky
    }

    It 'is a binary module whose cmdlets are SecretManagement''s own types' {
        $module = Get-Module Microsoft.PowerShell.SecretManagement
        $module.ModuleType | Should -Be 'Binary'
        (Get-Command Microsoft.PowerShell.SecretManagement\Get-Secret).ImplementingType.FullName | Should -Be 'Microsoft.PowerShell.SecretManagement.GetSecretCommand'
        (Get-Command Microsoft.PowerShell.SecretManagement\Set-Secret).ParameterSets.Name | Sort-Object | Should -Be @('ObjectParameterSet', 'SecretInfoParameterSet', 'SecureStringParameterSet')
    }

    It 'gives its own errors the FQID ErrorId,Microsoft.PowerShell.SecretManagement.(Cmdlet)Command' {
        Get-Secret -Name nope -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'GetSecretNotFound,Microsoft.PowerShell.SecretManagement.GetSecretCommand'
        { Set-Secret -Name x -Secret y -Vault Nope } | Should -Throw -ErrorId 'GetSecretVaultNotFound,Microsoft.PowerShell.SecretManagement.SetSecretCommand'
        Set-SecretVaultDefault -ClearDefault
        { Set-Secret -Name x -Secret y } | Should -Throw -ErrorId 'SetSecretCommandFailNoVault,Microsoft.PowerShell.SecretManagement.SetSecretCommand'
    }

    It 'keeps a vault''s Write-Error ErrorId under the SecretManagement cmdlet''s name' {
        Remove-Secret -Name nope -Vault Prod -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'FileVaultRemoveSecretFailed,Microsoft.PowerShell.SecretManagement.RemoveSecretCommand'
        Remove-Secret -Name nope -Vault Flaky -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -Be 'Microsoft.PowerShell.Commands.WriteErrorException,Microsoft.PowerShell.SecretManagement.RemoveSecretCommand'
    }

    It 'wraps a vault function that throws: SetSecretInvalidOperation, the vault''s reason as InnerException' {
        Set-PplxTestVaultFault $flaky -FailNextSet svc
        Set-Secret -Name svc -Secret 'v' -Vault Flaky -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1.Count | Should -Be 1
        $e1[0].FullyQualifiedErrorId | Should -Be 'SetSecretInvalidOperation,Microsoft.PowerShell.SecretManagement.SetSecretCommand'
        $e1[0].Exception.Message | Should -Be 'Unable to add secret svc to vault Flaky'
        $e1[0].Exception.InnerException.Message | Should -Be "FlakyVault refused to write 'svc' (injected fault)."
    }

    It 'wraps a throwing <Cmdlet> as <Id>, the vault''s exception inside' -TestCases @(
        @{ Cmdlet = 'Get-Secret'; Id = 'GetSecretInvalidOperation,Microsoft.PowerShell.SecretManagement.GetSecretCommand'; Run = { Get-Secret -Name s -Vault Flaky -ErrorVariable err -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Get-SecretInfo'; Id = 'GetSecretInfoInvalidOperation,Microsoft.PowerShell.SecretManagement.GetSecretInfoCommand'; Run = { Get-SecretInfo -Vault Flaky -ErrorVariable err -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Remove-Secret'; Id = 'RemoveSecretInvalidOperation,Microsoft.PowerShell.SecretManagement.RemoveSecretCommand'; Run = { Remove-Secret -Name s -Vault Flaky -ErrorVariable err -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Test-SecretVault'; Id = 'TestSecretVaultInvalidOperation,Microsoft.PowerShell.SecretManagement.TestSecretVaultCommand'; Run = { Test-SecretVault -Name Flaky -ErrorVariable err -ErrorAction SilentlyContinue } }
    ) {
        Set-Secret -Name s -Secret 'v' -Vault Flaky
        Set-PplxTestVaultFault $flaky -Broken 'disk on fire'
        $err = $null
        $null = . $Run
        $err[0].FullyQualifiedErrorId | Should -Be $Id
        $err[0].Exception | Should -BeOfType ([System.Management.Automation.PSInvalidOperationException])
        $err[0].Exception.InnerException.Message | Should -Be 'disk on fire'
    }

    It 'unwraps a PasswordRequiredException and throws it, as the real module does' {
        Set-PplxTestVaultFault $flaky -Locked
        { Set-Secret -Name s -Secret 'v' -Vault Flaky } | Should -Throw -ErrorId 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException,Microsoft.PowerShell.SecretManagement.SetSecretCommand'
        Get-Secret -Name s -Vault Flaky -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -Be 'GetSecretException,Microsoft.PowerShell.SecretManagement.GetSecretCommand'
        $e1[0].Exception | Should -BeOfType ([Microsoft.PowerShell.SecretManagement.PasswordRequiredException])
    }

    It 'stops the caller''s nested pipeline on a prompt: state Stopped, HadErrors, no error record (<Command>)' -TestCases @(
        @{ Command = 'Set-Secret'; Parameters = @{ Name = 'svc'; Secret = 'v'; Vault = 'Flaky' } }
        @{ Command = 'Get-Secret'; Parameters = @{ Name = 'svc'; Vault = 'Flaky' } }
        @{ Command = 'Get-SecretInfo'; Parameters = @{ Name = 'svc'; Vault = 'Flaky' } }
        @{ Command = 'Remove-Secret'; Parameters = @{ Name = 'svc'; Vault = 'Flaky'; Confirm = $false } }
    ) {
        Set-Secret -Name svc -Secret 'v' -Vault Flaky
        Set-PplxTestVaultFault $flaky -Prompt
        $r = Invoke-Nested $Command $Parameters
        $r.State | Should -Be 'Stopped'
        $r.HadErrors | Should -BeTrue
        $r.Errors.Count | Should -Be 0
        $r.Output.Count | Should -Be 0
    }

    It 'keeps the registry in $HOME/.secretmanagement/secretvaultregistry/vaultinfo, with no variable to move it' {
        $env:HOME | Should -Be $env:PPLX_TEST_HOME
        $file = Join-Path $env:HOME '.secretmanagement/secretvaultregistry/vaultinfo'
        $registry = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
        $registry.DefaultVaultName | Should -Be 'Prod'
        $registry.Vaults.Keys | Sort-Object | Should -Be @('Flaky', 'Prod')
        $registry.Vaults.Prod.SetSecretSupportsMetadata | Should -BeTrue
        $registry.Vaults.Flaky.SetSecretSupportsMetadata | Should -BeFalse
        $source = Get-ChildItem (Join-Path $env:PPLX_TEST_SUPPORT '../SecretManagementDouble') -Recurse -Include '*.cs', '*.psd1', '*.psm1' | Get-Content -Raw
        ($source -join "`n") | Should -Not -Match 'PPLX_SM_REGISTRY'
    }

    It 'shares the registry with a child pwsh, which inherits HOME' {
        $pwsh = Get-PwshCommand
        $script = 'Import-Module Microsoft.PowerShell.SecretManagement; (Get-SecretVault).Name -join ","'
        $out = & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command $script
        $out | Should -Be 'Flaky,Prod'
    }
}
