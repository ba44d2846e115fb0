// The namespaces most files of the core use: the BCL basics, tasks, and the key model. Namespaces only some files need
// (the core's Api, Rotation and Vault, System.Threading, ...) stay in those files.
global using System;
global using System.Threading.Tasks;
global using PerplexityKeys.Core.Model;
