using System.Text;
using System.Web;
using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Slack;

/// <summary>The ack reads Slack's form fields straight from the signed bytes; it must read what a full form parser reads.</summary>
public sealed class FormBodyTests
{
    public static TheoryData<string> SlackBodies() =>
    [
        TestData.Read("slack/slash_command_bolt_python.form.txt"),
        TestData.Read("slack/slash_command_signed_vector.form.txt"),
        SlackRequests.SlashCommandBody("the call 1234567 has no recording, ¿por qué? ça marche pas – 通話"),
        SlackRequests.SlashCommandBody("a+b=c & d%e 100% sure"),
    ];

    [Theory]
    [MemberData(nameof(SlackBodies))]
    public void EveryField_ReadsAsHttpUtilityReadsIt(string body)
    {
        var expected = HttpUtility.ParseQueryString(body);
        var form = new FormBody(Encoding.UTF8.GetBytes(body));
        Assert.NotEmpty(expected.AllKeys);
        foreach (var key in expected.AllKeys)
        {
            Assert.Equal(expected[key], form[key!]);
        }
    }

    [Theory]
    [InlineData("text=a+b", "a b")]
    [InlineData("text=a%2Bb", "a+b")]
    [InlineData("text=%E2%9C%93%20ok", "✓ ok")]
    [InlineData("text=%e2%9c%93", "✓")]
    [InlineData("text=100%", "100%")]
    [InlineData("text=100%2", "100%2")]
    [InlineData("text=%zz%41", "%zzA")]
    [InlineData("text=", "")]
    [InlineData("text", "")]
    [InlineData("other=1&text=x&more=2", "x")]
    [InlineData("te%78t=encoded-name", "encoded-name")]
    [InlineData("text=%FF", "\uFFFD")]
    public void Values_AreDecodedAsTheUrlStandardSays(string body, string expected) =>
        Assert.Equal(expected, new FormBody(Encoding.UTF8.GetBytes(body))["text"]);

    [Theory]
    [InlineData("")]
    [InlineData("texts=1&tex=2&TEXT=3")]
    [InlineData("&&=&")]
    public void MissingField_IsNull(string body) =>
        Assert.Null(new FormBody(Encoding.UTF8.GetBytes(body))["text"]);

    /// <summary>Unlike NameValueCollection (which joins repeats with commas), a repeated field reads as its first value.</summary>
    [Fact]
    public void RepeatedField_ReadsAsItsFirstValue() =>
        Assert.Equal("1234567", new FormBody("text=1234567&text=7654321"u8.ToArray())["text"]);
}
