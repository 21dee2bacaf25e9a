using ChatTroubleshooter.Diagnostics;

namespace ChatTroubleshooter.Diagnostics.Tests;

public sealed class KnowledgeLoaderTests
{
    [Fact]
    public void LoadEmbedded_ShippedFiles_PassValidation()
    {
        var knowledge = Knowledge.LoadEmbedded();
        Assert.Equal(8, knowledge.Rules.Causes.Count);
    }
}
