namespace ChatTroubleshooter.Http;

internal static class UrlRules
{
    /// <summary>A configured peer URL: https, or plain http on loopback only (tests, local emulators).</summary>
    public static bool IsHttpsOrLoopbackHttp(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
