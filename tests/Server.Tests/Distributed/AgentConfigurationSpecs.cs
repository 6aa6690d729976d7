
namespace PypiForge.Server.Tests.Distributed;

/// <summary>Start-up mistakes of a remote agent or of a PostgreSQL-backed server end with exit code 2 and a message naming the key.</summary>
public sealed class AgentConfigurationSpecs
{
    [Fact]
    public async Task An_agent_without_a_server_address_exits_2_naming_Agent_Server()
    {
        var work = TempDirectory.Create("agent-config");
        await using var agent = AgentProcess.Start(["--hangfire", TestPostgres.ConnectionString], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains("Agent:Server (--server) is missing", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_without_a_queue_connection_string_exits_2_naming_it()
    {
        var work = TempDirectory.Create("agent-config");
        await using var agent = AgentProcess.Start(["--server", "http://127.0.0.1:1"], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains("Queue:ConnectionString is empty", agent.Output, StringComparison.Ordinal);
        Assert.Contains("--hangfire", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Agent:BuildTimeout", "-00:00:05", "Agent:BuildTimeout is -00:00:05")]
    [InlineData("--Agent:ExtraIndexUrls:0", "not a url", "Agent:ExtraIndexUrls:0 is 'not a url'")]
    [InlineData("--Agent:WorkerCount", "-3", "Agent:WorkerCount is -3")]
    [InlineData("--Agent:WorkerCount", "banana", "'Agent:WorkerCount'")]
    public async Task An_agent_with_a_bad_build_setting_exits_2_naming_the_key_before_it_reaches_the_queue(string key, string value, string message)
    {
        var work = TempDirectory.Create("agent-config");
        // Nothing listens on port 1: the agent must stop on the setting before it ever connects.
        await using var agent = AgentProcess.Start(["--server", "http://127.0.0.1:1", "--hangfire", "Host=127.0.0.1;Port=1;Database=none", key, value], work);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), agent.Output);
        Assert.Equal(2, agent.ExitCode);
        Assert.Contains(message, agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Output);
    }

    [Theory]
    [InlineData("--Queue:Storage", "PostgreSql", "Queue:ConnectionString is empty")]
    [InlineData("--Queue:Schema", "Bad-Schema", "Queue:Schema is 'Bad-Schema'")]
    [InlineData("--Queue:AgentTimeout", "00:00:01", "Queue:AgentTimeout is 00:00:01")]
    [InlineData("--Queue:MaxWheelBytes", "10", "Queue:MaxWheelBytes must be")]
    public async Task A_server_with_bad_queue_settings_exits_2_naming_the_key(string key, string value, string message)
    {
        var root = TempDirectory.Create("server-config");
        await using var server = ServerProcess.Start(root, ["--urls", "http://127.0.0.1:0", "--grpc-port", "0", "--root", root, key, value]);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(message, server.Output, StringComparison.Ordinal);
    }
}
