/**
 * @icpstream/imports — vendor exports in, typed values out. Text or bytes of a CSV/NDJSON
 * export (Apollo, HubSpot, Clay, Crunchbase, Salesforce, Bombora, G2 …), optionally
 * through a mapping file, become AccountProfile, Signal and Opportunity values the scoring
 * engine and the backtest take as they are, plus warnings (values left unknown) and rejects (rows not imported),
 * each naming file, line, column, value and reason. No I/O: callers read the files.
 */
export { parseAccounts, parseSignals, parseOutcomes, parseProfileSnapshots, parseContacts } from "./parse.js";
export { contactFromView, PERSONAL_MAIL_DOMAINS } from "./contacts.js";
export { foldOutcomeEvents } from "./outcomes.js";
export type { FoldedOutcomes, ProfileSnapshotRow } from "./outcomes.js";
export type { ImportOptions, Imported } from "./parse.js";
export { parseMapping, bindHeader, localeUsesDecimalComma, MAX_MAPPING_CHARS } from "./mapping.js";
export type { Mapping, MappingKind } from "./mapping.js";
export { ACCOUNT_COLUMNS, CONTACT_COLUMNS, KEY_COLUMNS, LIST_COLUMNS, OUTCOME_COLUMNS, SIGNAL_COLUMNS } from "./columns.js";
export { decodeInput, DEFAULT_MAX_LINE_BYTES } from "./text/decode.js";
export { readRows, detectDelimiter, formatFromName, DEFAULT_MAX_ROW_CHARS } from "./text/records.js";
export type { InputFormat, SourceRow } from "./text/records.js";
export { REJECT_REASONS, WARNING_REASONS, formatIssue, countByReason, summaryLines, renderIssues, escapeFormula, parseMaxRejected, ISSUE_FILE_COLUMNS } from "./issues.js";
export type { ImportIssue, IssueReason, RejectReason, WarningReason, ReasonCount } from "./issues.js";
export { parseCount, parseUsd, parseNumber, numberToken } from "./values/amounts.js";
export type { Amount, NumberOptions } from "./values/amounts.js";
export { parseCountry } from "./values/country.js";
export { parseInstant, parseDate } from "./values/instants.js";
export type { DateOrder } from "./values/instants.js";
export { isPlaceholder } from "./values/cell.js";
export type { Cell } from "./values/cell.js";
export { parseFundingStage, parseDepartment, parseSignalType, parseG2Activity, parseSentiment, parseBoolean, parseOpportunityStage, parseContactSeniority, parseEngagementKind, parseContactStatus, vocabularyKey } from "./values/vocabulary.js";
export { accountKeyOf } from "./accounts.js";
export { accountKeyFromValue, signalTypeFromValue, identifierProblem, IDENTIFIER_FIELDS } from "./records-api.js";
export type { RecordCheck } from "./records-api.js";
export { readRecords, accountFromFields } from "./records-adapter.js";
export { parseSourceMapping, parseSourceMappings, sourceFields, MAX_SOURCE_MAPPING_CHARS } from "./sources/source-mapping.js";
export type { SourceMapping, SourceRule, SourceAuth, AuthScheme, SourceEventKind, CompiledPath, PullSpec } from "./sources/source-mapping.js";
export { mapPayload, evaluatePath, PathError } from "./sources/payload.js";
export type { IdIndex, PayloadOptions, MappedPayload, MappedRecord, ItemResult, SourceOutcome } from "./sources/payload.js";
export { isFreeMailDomain, emailDomain } from "./sources/free-mail.js";
export { inTimeZone, zoneOffsetMs } from "./sources/time-zone.js";
export { parseXmlPayload } from "./sources/xml.js";
export { departmentOfTitle } from "./values/vocabulary.js";
