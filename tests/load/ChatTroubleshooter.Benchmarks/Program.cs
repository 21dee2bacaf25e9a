using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Slack;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// The hot paths, measured on demand (not part of the tests):
//   dotnet run -c Release --project tests/load/ChatTroubleshooter.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(HotPaths).Assembly).Run(args);

[MemoryDiagnoser]
[ShortRunJob]
public class HotPaths
{
    private static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();

    // Slack's official signing vector.
    private readonly SlackSignature _signature = new("8f742231b10e8888abcd99yyyzzz85a5", new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1531420618)));
    private readonly byte[] _slackBody = Encoding.UTF8.GetBytes("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private readonly TextFactExtractor _extractor = new(Knowledge);
    private readonly CardRenderer _cards = new(Knowledge, Path.Combine(AppContext.BaseDirectory, "cards"));
    private readonly JsonWebTokenHandler _jwt = new();
    private string _token = "";
    private TokenValidationParameters _jwtParameters = new();
    private FactSet _facts = FactSet.Empty;
    private DiagnosisReply _diagnosis = null!;

    /// <summary>About 300 characters in each language.</summary>
    public static IEnumerable<string> Descriptions() =>
    [
        "en: The customer called our support line yesterday afternoon, the agent answered and they talked for about 3 seconds before the line dropped. There is no recording in the dashboard, the recording link does not open and nobody paused anything. Recording is enabled on that number as far as I know.",
        "es: El cliente llamó ayer por la tarde a nuestra línea de soporte, el agente contestó y hablaron unos 3 segundos antes de que se cortara. No hay grabación en el panel, el enlace de la grabación no abre y nadie pausó nada. La grabación está activada en ese número, que yo sepa.",
        "fr: Le client a appelé notre ligne de support hier après-midi, l'agent a décroché et ils ont parlé environ 3 secondes avant que la ligne coupe. Il n'y a pas d'enregistrement dans le dashboard, le lien ne s'ouvre pas et personne n'a mis en pause. L'enregistrement est activé sur ce numéro.",
        "de: Der Kunde hat gestern Nachmittag unsere Support-Hotline angerufen, der Agent hat angenommen und sie haben etwa 3 Sekunden gesprochen, bevor die Leitung abbrach. Im Dashboard gibt es keine Aufnahme, der Link funktioniert nicht und niemand hat pausiert. Die Aufnahme ist aktiviert.",
        "it: Il cliente ha chiamato ieri pomeriggio la nostra linea di assistenza, l'agente ha risposto e hanno parlato circa 3 secondi prima che la linea cadesse. Non c'è registrazione nella dashboard, il link non si apre e nessuno ha messo in pausa. La registrazione è attiva su quel numero.",
        "pt: O cliente ligou ontem à tarde para a nossa linha de suporte, o agente atendeu e falaram cerca de 3 segundos antes de a chamada cair. Não há gravação no painel, o link não abre e ninguém pausou nada. A gravação está ativada nesse número, tanto quanto sei, e não foi uma chamada paralela.",
        "nl: De klant belde gisterenmiddag onze supportlijn, de agent nam op en ze hebben ongeveer 3 seconden gesproken voordat de lijn wegviel. Er is geen opname in het dashboard, de link werkt niet en niemand heeft gepauzeerd. Gespreksopname staat aan voor dat nummer voor zover ik weet, echt waar.",
    ];

    /// <summary>Set per language in <see cref="PerLanguage"/>; the English one for the other benchmarks.</summary>
    public string Description { get; set; } = Descriptions().First();

    [GlobalSetup]
    public void Setup()
    {
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "k1" };
        _token = _jwt.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10",
            Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("serviceurl", "https://smba.test/amer/")]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        // The keys as the authenticator holds them once the metadata is cached.
        _jwtParameters = new TokenValidationParameters
        {
            ValidIssuer = "https://api.botframework.com",
            ValidAudience = "7c1c2e4a-0b5e-4d8e-9a43-2f5b7e6d9a10",
            IssuerSigningKeys = [new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" }],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromMinutes(5),
        };
        _facts = FactSet.From(_extractor.Read(Description).Facts);
        var all = FactSet.From(
        [
            new Fact("answered", FactValue.Yes, FactSource.Api, Evidence.Of("evidence.api.answered", ("callId", "1"), ("answeredAt", "t"))),
            new Fact("talk-seconds", FactValue.Seconds(3), FactSource.Api, Evidence.Of("evidence.text", ("quote", "3 s"))),
            new Fact("recording-enabled", FactValue.No, FactSource.Answer, Evidence.Of("evidence.text", ("quote", "no"))),
            new Fact("parallel-second", FactValue.Yes, FactSource.Answer, Evidence.Of("evidence.text", ("quote", "yes"))),
        ]);
        var three = (Diagnosis)Diagnoser.Decide(Knowledge.Rules, all, new HashSet<string>());
        _diagnosis = new ReplyComposer(Knowledge).Diagnosis(three, all, "en", "d1", "1234567");
    }

    [Benchmark]
    public SlackSignatureResult SlackSignature() => _signature.Verify("1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", _slackBody);

    /// <summary>The fields the slash-command ack reads, as it reads them now (from the signed bytes).</summary>
    [Benchmark]
    public int SlackFormFields()
    {
        var form = new FormBody(_slackBody);
        return (form["command"]?.Length ?? 0) + (form["user_id"]?.Length ?? 0) + (form["channel_id"]?.Length ?? 0)
            + (form["team_id"]?.Length ?? 0) + (form["text"]?.Length ?? 0) + (form["response_url"]?.Length ?? 0);
    }

    /// <summary>The same fields as the ack read them before: the whole body decoded into a NameValueCollection.</summary>
    [Benchmark]
    public int SlackFormFieldsWithHttpUtility()
    {
        var form = System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(_slackBody));
        return (form["command"]?.Length ?? 0) + (form["user_id"]?.Length ?? 0) + (form["channel_id"]?.Length ?? 0)
            + (form["team_id"]?.Length ?? 0) + (form["text"]?.Length ?? 0) + (form["response_url"]?.Length ?? 0);
    }

    [Benchmark]
    public bool JwtValidationWithCachedKeys() => _jwt.ValidateTokenAsync(_token, _jwtParameters).GetAwaiter().GetResult().IsValid;

    public int Extract() => _extractor.Read(Description).Facts.Count;

    public Outcome Plan() => Diagnoser.Decide(Knowledge.Rules, _facts, new HashSet<string>());

    [Benchmark]
    public JsonObject TeamsCardForThreeCauses() => _cards.Teams(_diagnosis);

    [Benchmark]
    public JsonObject SlackMessageForThreeCauses() => _cards.Slack(_diagnosis);

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>Text extraction of a 300-character description, and the rules + question planning over its facts, per language.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PerLanguage
{
    private readonly HotPaths _paths = new();

    [ParamsSource(nameof(Languages))]
    public string Language { get; set; } = "en";

    public static IEnumerable<string> Languages() => HotPaths.Descriptions().Select(d => d[..2]);

    [GlobalSetup]
    public void Setup()
    {
        _paths.Description = HotPaths.Descriptions().Single(d => d.StartsWith(Language, StringComparison.Ordinal))[4..];
        _paths.Setup();
    }

    [Benchmark]
    public int TextExtraction() => _paths.Extract();

    [Benchmark]
    public Outcome RulesAndQuestionPlanning() => _paths.Plan();
}
