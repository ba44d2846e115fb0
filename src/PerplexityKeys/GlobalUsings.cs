// The namespaces nearly every file of the cmdlet layer uses: the BCL basics, PowerShell, and the core's exceptions and
// key model. Namespaces only some files need (the core's Api, Rotation and Vault, System.Security, ...) stay in those files.
global using System;
global using System.Collections.Generic;
global using System.Management.Automation;
global using PerplexityKeys.Core;
global using PerplexityKeys.Core.Model;
