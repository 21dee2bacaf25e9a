using System.Net;
using System.Web;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Feedback;

public sealed class ObservabilityTests : IDisposable
{
    private readonly BotApp _app = new();
    private readonly HttpClient _client;

    public ObservabilityTests() => _client = _app.CreateClient();

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAndReadiness_AreServed()
    {
        Assert.Equal("ok", await _client.GetStringAsync("/healthz", Ct));
        var ready = System.Text.Json.Nodes.JsonNode.Parse(await _client.GetStringAsync("/readyz", Ct))!;
        Assert.Equal("Healthy", (string?)ready["status"]);
        Assert.Equal(["cards", "knowledge", "slack-socket-mode", "state"], ready["checks"]!.AsObject().Select(c => c.Key).Order());
        Assert.All(ready["checks"]!.AsObject(), c => Assert.Equal("Healthy", (string?)c.Value!["status"]));
    }

    [Fact]
    public async Task Metrics_CountDiagnosesAircallCallsAndAckLatency_ForPrometheus()
    {
        var form = HttpUtility.ParseQueryString(TestData.Read("slack/slash_command_bolt_python.form.txt"));
        form["command"] = "/norecording";
        form["text"] = "1000004";
        await _client.SendAsync(BotApp.Signed("/slack/commands", form.ToString()!, "application/x-www-form-urlencoded"), Ct);
        await _app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com");

        string metrics = "";
        for (var i = 0; i < 50 && !metrics.Contains("chattroubleshooter_diagnoses_total", StringComparison.Ordinal); i++)
        {
            var response = await _client.GetAsync("/metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            metrics = await response.Content.ReadAsStringAsync(Ct);
            await Task.Delay(100, Ct);
        }

        var lines = metrics.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("target_info{", StringComparison.Ordinal) && l.Contains("service_name=\"chattroubleshooter\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("chattroubleshooter_diagnoses_total{", StringComparison.Ordinal) && l.Contains("cause=\"too-short\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("chattroubleshooter_aircall_calls_total{", StringComparison.Ordinal) && l.Contains("resource=\"calls\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("chattroubleshooter_ack_duration_milliseconds_bucket{", StringComparison.Ordinal) && l.Contains("channel=\"slack\"", StringComparison.Ordinal));
    }
}
