using System.Runtime.Versioning;

// The gates run Linux tools in their own sessions (setsid, /proc).
[assembly: SupportedOSPlatform("linux")]
