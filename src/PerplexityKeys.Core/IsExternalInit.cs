namespace System.Runtime.CompilerServices;

/// <summary>Lets netstandard2.0 code use init accessors and records.</summary>
internal static class IsExternalInit
{
}
