using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Slack;

public sealed class SlackSignatureTests
{
    private static readonly JsonObject Vector = JsonNode.Parse(TestData.Read("slack/signature_vector.json"))!.AsObject();
    private static readonly string Secret = (string)Vector["signing_secret"]!;
    private static readonly string Timestamp = (string)Vector["x_slack_request_timestamp"]!;
    private static readonly string SignatureHeader = (string)Vector["x_slack_signature"]!;
    private static readonly byte[] Body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "slack", "slash_command_signed_vector.form.txt"));

    private static SlackSignature At(long unixSeconds, string? secret = null) =>
        new(secret ?? Secret, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    private static long Ts => long.Parse(Timestamp, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_OfficialVector_IsValid()
    {
        Assert.Equal(Encoding.UTF8.GetString(Body), (string)Vector["body"]!);
        Assert.Equal(SlackSignatureResult.Valid, At(Ts).Verify(Timestamp, SignatureHeader, Body));
        Assert.Equal(SignatureHeader, Encoding.ASCII.GetString(At(Ts).Compute(Timestamp, Body)));
    }

    [Fact]
    public void Verify_TamperedBody_IsInvalid() =>
        Assert.Equal(SlackSignatureResult.Invalid, At(Ts).Verify(Timestamp, SignatureHeader, [.. Body, .. "------"u8.ToArray()]));

    [Fact]
    public void Verify_WrongSecret_IsInvalid() =>
        Assert.Equal(SlackSignatureResult.Invalid, At(Ts, "another-secret").Verify(Timestamp, SignatureHeader, Body));

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void Verify_TimestampMoreThanFiveMinutesAway_IsRefused(int offsetSeconds) =>
        Assert.Equal(SlackSignatureResult.StaleOrFuture, At(Ts + offsetSeconds).Verify(Timestamp, SignatureHeader, Body));

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    public void Verify_TimestampExactlyFiveMinutesAway_IsAccepted(int offsetSeconds) =>
        Assert.Equal(SlackSignatureResult.Valid, At(Ts + offsetSeconds).Verify(Timestamp, SignatureHeader, Body));

    [Theory]
    [InlineData(null, "v0=abc")]
    [InlineData("1531420618", null)]
    [InlineData("", "")]
    public void Verify_MissingHeaders_AreRefused(string? timestamp, string? signature) =>
        Assert.Equal(SlackSignatureResult.MissingHeaders, At(Ts).Verify(timestamp, signature, Body));

    [Fact]
    public void Verify_NonNumericTimestamp_IsRefused() =>
        Assert.Equal(SlackSignatureResult.StaleOrFuture, At(Ts).Verify("15314206I8", SignatureHeader, Body));

    /// <summary>Anything but "v0=" and 64 hex digits of the right MAC is refused, whatever its length or alphabet.</summary>
    [Theory]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50300")]
    [InlineData("v0=z2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b504")]
    [InlineData("v0=")]
    public void Verify_MalformedOrWrongSignature_IsInvalid(string signature)
    {
        Assert.Equal("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureHeader);
        Assert.Equal(SlackSignatureResult.Invalid, At(Ts).Verify(Timestamp, signature, Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NoSecret_FailsClosed(string? secret) =>
        Assert.Equal(SlackSignatureResult.NotConfigured,
            new SlackSignature(secret, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Ts))).Verify(Timestamp, SignatureHeader, Body));
}
