namespace ChatTroubleshooter.Diagnostics.Texts;

/// <summary>Text keys the code uses directly; the loader checks each exists in every language.</summary>
public static class TextKeys
{
    public const string LanguageName = "language.name";
    public const string LinkLocale = "link.locale";
    public const string OptionUnknown = "option.unknown";
    public const string RangeBelow = "range.below";
    public const string RangeAtLeast = "range.at-least";
    public const string RangeBetween = "range.between";
    public const string ValueUnknown = "value.unknown";
    public const string FormatDate = "format.date";
    public const string FormatDateTime = "format.datetime";
    public const string FormatMoment = "format.moment";
    public const string FormatTime = "format.time";
    public const string EvidenceText = "evidence.text";
    public const string EvidenceAnswer = "evidence.answer";
    public const string DiagnosisConfirmed = "reply.diagnosis.confirmed";
    public const string DiagnosisPossible = "reply.diagnosis.possible";
    public const string DiagnosisNone = "reply.diagnosis.none";
    public const string DiagnosisNoneBody = "reply.diagnosis.none.body";
    public const string Evidence = "reply.evidence";
    public const string Steps = "reply.steps";
    public const string Checked = "reply.checked";
    public const string RuledOut = "reply.ruled-out";
    public const string Reason = "reply.reason";
    public const string Call = "reply.call";
    public const string QuestionProgress = "reply.question.progress";
    public const string HelpTitle = "reply.help.title";
    public const string HelpBody = "reply.help.body";
    public const string HelpExamples = "reply.help.examples";
    public const string NoticeLookupOff = "reply.notice.lookup-off";
    public const string NoticeSid = "reply.notice.sid";
    public const string NoticeContradiction = "reply.notice.contradiction";
    public const string ErrorExpired = "reply.error.expired";
    public const string ErrorUnknownAnswer = "reply.error.unknown-answer";
    public const string ErrorAlreadyAnswered = "reply.error.already-answered";
    public const string ErrorGeneric = "reply.error.generic";
    public const string Restarted = "reply.restarted";
    public const string Greeting = "reply.greeting";
    public const string Thanks = "reply.thanks";
    public const string PickOption = "reply.pick-option";
    public const string Healthy = "reply.healthy";
    public const string NoticeNewConversation = "reply.notice.new-conversation";
    public const string CardStartOver = "card.start-over";


    public const string EscalationTitle = "escalation.title";
    public const string EscalationCall = "escalation.call";
    public const string EscalationNoCall = "escalation.no-call";
    public const string EscalationFacts = "escalation.facts";
    public const string EscalationFact = "escalation.fact";
    public const string EscalationRuledOut = "escalation.ruled-out";
    public const string EscalationRuledOutItem = "escalation.ruled-out.item";
    public const string EscalationPossible = "escalation.possible";
    public const string EscalationItem = "escalation.item";
    public const string EscalationNone = "escalation.none";

    public const string ApiDirection = "evidence.api.direction";
    public const string ApiNotAnswered = "evidence.api.not-answered";
    public const string ApiOutboundNoVoicemail = "evidence.api.outbound-no-voicemail";
    public const string ApiAnswered = "evidence.api.answered";
    public const string ApiTalkSeconds = "evidence.api.talk-seconds";
    public const string ApiVoicemail = "evidence.api.voicemail";
    public const string ApiRecordingLink = "evidence.api.recording-link";
    public const string ApiRecordingExists = "evidence.api.recording-exists";
    public const string ApiNumberDeleted = "evidence.api.number-deleted";
    public const string ApiNumberDeletedEvent = "evidence.api.number-deleted-event";
    public const string ApiNumberExists = "evidence.api.number-exists";
    public const string ApiRecordingOff = "evidence.api.recording-off";
    public const string ApiParallel = "evidence.api.parallel";
    public const string ApiNoParallel = "evidence.api.no-parallel";
    public const string NoticeCallNotFound = "reply.notice.call-not-found";
    public const string NoticeAircallUnauthorized = "reply.notice.aircall-unauthorized";
    public const string NoticeAircallUnavailable = "reply.notice.aircall-unavailable";
    public const string NoticeLookupsWaiting = "reply.notice.lookups-waiting";
    public const string NoticeAlertInbound = "reply.notice.alert.inbound";
    public const string NoticeAlertOutbound = "reply.notice.alert.outbound";
    public const string NoticeAlertBurst = "reply.notice.alert-burst";
    public const string LinkTitle = "link.title";
    public const string LinkSummaryInbound = "link.summary.inbound";
    public const string LinkSummaryOutbound = "link.summary.outbound";
    public const string LinkTalk = "link.talk";
    public const string LinkNotAnswered = "link.not-answered";
    public const string LinkRecorded = "link.recorded";
    public const string LinkCauseConfirmed = "link.cause.confirmed";
    public const string LinkCausePossible = "link.cause.possible";
    public const string LinkCauseNone = "link.cause.none";
    public const string CardLinkOpen = "card.link.open";
    public const string CardLinkDiagnose = "card.link.diagnose";
    public const string ModalTitle = "modal.title";
    public const string ModalSubmit = "modal.submit";
    public const string ModalClose = "modal.close";
    public const string ModalCallLabel = "modal.call.label";
    public const string ModalCallHint = "modal.call.hint";
    public const string ModalDescriptionLabel = "modal.description.label";
    public const string ModalDescriptionPlaceholder = "modal.description.placeholder";
    public const string ModalWhereLabel = "modal.where.label";
    public const string ModalErrorEmpty = "modal.error.empty";
    public const string ModalErrorCall = "modal.error.call";
    public const string ModalErrorWhere = "modal.error.where";
    public const string InCallTitle = "incall.title";
    public const string InCallLabelWhy = "incall.label.why";
    public const string InCallWhyInbound = "incall.why.inbound";
    public const string InCallWhyOutbound = "incall.why.outbound";
    public const string InCallLabelNow = "incall.label.now";
    public const string InCallNow = "incall.now";
    public const string WriteBackComment = "writeback.comment";
    public const string WriteBackWhoAlert = "writeback.who.alert";
    public const string NoticeWrittenTag = "reply.notice.written.tag";
    public const string NoticeWrittenComment = "reply.notice.written.comment";
    public const string NoticeWrittenBoth = "reply.notice.written.both";
    public const string NoticeNotReady = "reply.notice.not-ready";
    public const string NoticeHasRecording = "reply.notice.has-recording";
    public const string CardSolved = "card.feedback.solved";
    public const string CardNotSolved = "card.feedback.not-solved";
    public const string CardDetails = "card.details";
    public const string CardCopySummary = "card.copy-summary";
    public const string CardDraft = "card.draft";
    public const string CardAlertExpected = "card.alert.expected";
    public const string CardAlertInvestigate = "card.alert.investigate";
    public const string AlertMuted = "reply.alert.muted";
    public const string AlertsOn = "reply.alerts.on";
    public const string AlertsOff = "reply.alerts.off";
    public const string AlertsWereOff = "reply.alerts.were-off";
    public const string AlertsStatusOn = "reply.alerts.status-on";
    public const string AlertsStatusOff = "reply.alerts.status-off";
    public const string AlertsRefused = "reply.alerts.refused";
    public const string AlertsNotHere = "reply.alerts.not-here";
    public const string AlertsNoWebhooks = "reply.alerts.no-webhooks";
    public const string AuditTitle = "audit.title";
    public const string AuditSubjectNumber = "audit.subject.number";
    public const string AuditSubjectUser = "audit.subject.user";
    public const string AuditPeriod24h = "audit.period.24h";
    public const string AuditPeriod7d = "audit.period.7d";
    public const string AuditPeriod30d = "audit.period.30d";
    public const string AuditPeriodSince = "audit.period.since";
    public const string AuditStarted = "audit.started";
    public const string AuditProgress = "audit.progress";
    public const string AuditCancelling = "audit.cancelling";
    public const string AuditCancelled = "audit.cancelled";
    public const string AuditTotals = "audit.totals";
    public const string AuditCause = "audit.cause";
    public const string AuditFirstLast = "audit.first-last";
    public const string AuditTopAgents = "audit.top-agents";
    public const string AuditTopNumbers = "audit.top-numbers";
    public const string AuditSentenceOffSince = "audit.sentence.off-since";
    public const string AuditSentenceNone = "audit.sentence.none";
    public const string AuditSentenceMixed = "audit.sentence.mixed";
    public const string AuditErrorUsage = "audit.error.usage";
    public const string AuditErrorFuture = "audit.error.future";
    public const string AuditErrorTooLong = "audit.error.too-long";
    public const string AuditErrorUnknownNumber = "audit.error.unknown-number";
    public const string AuditErrorUnknownUser = "audit.error.unknown-user";
    public const string AuditErrorAircall = "audit.error.aircall";
    public const string AuditRefused = "audit.refused";
    public const string AuditNotHere = "audit.not-here";
    public const string AuditChartExpected = "audit.chart.expected";
    public const string AuditChartAxis = "audit.chart.axis";
    public const string AuditCardCancel = "card.audit.cancel";
    public const string AuditCardCsv = "card.audit.csv";
    public const string CardBackToDiagnosis = "card.back-to-diagnosis";
    public const string DraftTitle = "draft.title";
    public const string DraftGreeting = "draft.greeting";
    public const string DraftIntro = "draft.intro";
    public const string DraftPossible = "draft.possible";
    public const string DraftClosing = "draft.closing";
    public const string CardYourAnswer = "card.your-answer";
    public const string CardExamples = "card.examples";
    public const string CardNotReadyTitle = "card.not-ready.title";
    public const string FeedbackThanks = "reply.feedback.thanks";
    public const string StatsTitle = "stats.title";
    public const string StatsRefused = "stats.refused";
    public const string StatsWindow = "stats.window";
    public const string StatsTopCauses = "stats.top-causes";
    public const string StatsZeroQuestions = "stats.zero-questions";
    public const string StatsMedianQuestions = "stats.median-questions";
    public const string StatsHelpful = "stats.helpful";
    public const string StatsUnknownInputs = "stats.unknown-inputs";
    public const string StatsNone = "stats.none";

    public static string Source(Facts.FactSource source) => $"source.{source.ToString().ToLowerInvariant()}";

    /// <summary>Keys that hold a list of strings rather than one string.</summary>
    public static IReadOnlySet<string> Lists { get; } = new HashSet<string>(StringComparer.Ordinal) { HelpExamples, DraftClosing };

    /// <summary>Every key above (and the three source labels), for the loader's completeness check.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(TextKeys)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Concat(Enum.GetValues<Facts.FactSource>().Select(Source))
        .ToArray();
}

/// <summary>The placeholders a customer draft keeps for the agent to fill in (literal text: no value replaces them).</summary>
public static class DraftPlaceholders
{
    public const string CustomerName = "{customer name}";
    public const string AgentName = "{agent name}";
}
