namespace PypiForge.Protos;

/// <summary>Names shared by the server and build agents.</summary>
public static class Contracts
{
    /// <summary>The protobuf package every PypiForge service lives in.</summary>
    public const string ProtoPackage = "pypiforge.v1";
}
