import type { AccountProfileEventV1 } from "./events/firmographic.js";
import type { ContactEventV1 } from "./events/contact.js";
import type { EnrichmentRequestedEventV1 } from "./events/enrichment.js";
import type { OutcomeEventV1 } from "./events/outcome.js";
import type { OutcomeScoredEventV1 } from "./events/outcome-scored.js";
import type { ParkedEventV1 } from "./events/parked.js";
import type { RubricControlEventV1 } from "./events/rubric-control.js";
import type { RoutingActionV1 } from "./events/routing-action.js";
import type { FitScoredEventV1, TimingScoredEventV1 } from "./events/scores.js";
import type { FundingEventV1, HiringEventV1, IntentEventV1 } from "./events/signals.js";
import type { TierChangedEventV1 } from "./events/tier-changed.js";
import type { TopicId } from "./catalog.js";

/**
 * Example events, one or more per event type, grouped by topic. A test checks each against
 * its zod schema and the generated JSON Schema; the integration tests send them through the
 * real registry. They double as documentation of the wire format.
 */
const env = (n: number, source: string) => ({
  eventId: `ex-${String(n).padStart(4, "0")}`,
  accountKey: "northwind-analytics.com",
  occurredAt: "2026-10-20T09:30:00Z",
  observedAt: "2026-10-20T09:31:12.345Z",
  source,
  schemaVersion: 1 as const,
});
const rubricVersion = { hash: "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef", label: "enterprise 2026-Q3" };
const tier1 = { id: "tier1", name: "Tier 1", rank: 1 };
const BEST_CONTACT = { contactId: "hs-51", title: "Head of RevOps", score: 40, roles: ["champion" as const, "user" as const], why: "champion, user; referred by a customer +25, engaged with content +15" };
const tier2 = { id: "tier2", name: "Tier 2", rank: 2 };

const firmographic: AccountProfileEventV1[] = [
  {
    type: "account_profile",
    ...env(1, "apollo"),
    name: "Northwind Analytics",
    firmographics: { industry: "Computer Software", employeeCount: 420, revenueRange: { minUsd: 50_000_000, maxUsd: 100_000_000 }, country: "US", region: "NA", businessModel: "b2b", deliveryModel: "saas", fundingStage: "series_b" },
    technographics: {
      technologies: [{ name: "Salesforce", category: "crm" }, { name: "Outreach" }],
      competitorContracts: [{ vendor: "LegacyScore", strength: "entrenched", contractEndsAt: "2027-06-30" }],
    },
    organisational: { buyingRolesPresent: ["RevOps Lead", "VP Demand Gen"], championIdentified: true, hasTechnicalTeam: true },
    antiIcp: { hiringFreeze: false, regulatoryBlocker: false },
  },
];

const contacts: ContactEventV1[] = [
  {
    type: "contact",
    ...env(5, "hubspot"),
    contactId: "hs-51",
    title: "Head of RevOps",
    seniority: "head",
    department: "revops",
    budgetAuthority: false,
    technicalBackground: false,
    referredByCustomer: true,
    engagements: [{ kind: "webinar_attended", occurredAt: "2026-10-14T16:00:00Z", detail: "Scoring that sales trusts" }],
    status: "active",
  },
  { type: "contact", ...env(6, "salesforce"), contactId: "003Dn00000Abc12", title: "CFO", budgetAuthority: true, engagements: [], status: "left" },
];

const hiring: HiringEventV1[] = [
  { type: "job_posting", ...env(10, "linkedin-jobs"), title: "Head of Outbound", department: "sales", seniority: "director", postingId: "li-889" },
  { type: "hiring_spike", ...env(11, "hiring-feed"), department: "sales", openRoles: 14, growthPct: 55 },
  { type: "leadership_change", ...env(12, "crunchbase"), title: "Chief Revenue Officer", department: "sales", change: "joined" },
  { type: "layoffs", ...env(13, "layoffs-feed"), headcountAffected: 40, percentOfWorkforce: 8 },
];

const funding: FundingEventV1[] = [
  { type: "funding_round", ...env(20, "crunchbase"), round: "series_b", amountUsd: 45_000_000, leadInvestor: "Accel" },
  { type: "acquisition", ...env(21, "crunchbase"), role: "acquirer", counterparty: "Tiny Metrics" },
  { type: "announcement", ...env(22, "press"), kind: "expansion", title: "Northwind opens EMEA office", url: "https://northwind-analytics.com/news/emea" },
];

const intent: IntentEventV1[] = [
  { type: "intent_topic_surge", ...env(30, "bombora"), topic: "Sales Engagement", score: 78 },
  { type: "category_research", ...env(31, "g2"), category: "Sales Intelligence", activity: "comparison", pageViews: 6 },
  { type: "pricing_page_visit", ...env(32, "website"), url: "https://example-seller.com/pricing", visitorId: "v-123" },
  { type: "demo_request", ...env(33, "website"), contactTitle: "RevOps Manager" },
  { type: "content_download", ...env(34, "website"), asset: "ROI calculator", assetType: "roi_calculator" },
  { type: "webinar_attended", ...env(35, "zoom"), webinarId: "wb-2026-10", title: "Scoring accounts in real time" },
  { type: "email_reply", ...env(36, "outreach"), sentiment: "positive", campaignId: "q4-outbound" },
  { type: "careers_page_visit", ...env(37, "website"), url: "https://example-seller.com/careers", visitorId: "v-456" },
  { type: "unsubscribe", ...env(38, "hubspot"), channel: "email" },
  { type: "competitor_visitor", ...env(39, "website"), visitorId: "v-789" },
];

const outcome: OutcomeEventV1[] = [
  { type: "opportunity_created", ...env(40, "salesforce"), opportunityId: "006A1", name: "Northwind — platform", amountUsd: 60_000, createdAt: "2026-10-20T09:00:00Z" },
  { type: "opportunity_closed_won", ...env(41, "salesforce"), opportunityId: "006A1", amountUsd: 72_000, createdAt: "2026-10-20T09:00:00Z", closedAt: "2026-12-15T16:00:00Z" },
  { type: "opportunity_closed_lost", ...env(42, "salesforce"), opportunityId: "006A2", createdAt: "2026-09-01T09:00:00Z", closedAt: "2026-10-02T12:00:00Z", lostReason: "price", lostReasonDetail: "Chose a cheaper point tool" },
];

const contribution = { rule: "firmographics.industry", layer: "firmographics", label: "Industry", points: 10, evidence: [{ description: "industry = Computer Software", points: 10 }] };

const fitScored: FitScoredEventV1[] = [
  {
    type: "fit_scored",
    ...env(50, "fit"),
    scorecard: "enterprise",
    rubricVersion,
    fit: 81.43,
    excluded: false,
    exclusions: [],
    tierCaps: [],
    layers: [{ id: "firmographics", points: 26, score: 86.67 }],
    contributions: [contribution],
    committee: { contacts: 2, coverage: { held: 3, of: 4 }, bestContact: BEST_CONTACT },
    causingEventIds: ["ex-0001"],
  },
  {
    type: "fit_scored",
    ...env(49, "fit"),
    scorecard: "enterprise",
    rubricVersion,
    fit: -7.14,
    excluded: false,
    exclusions: [],
    tierCaps: [{ tierId: "tier2", rule: "antiIcp.entrenchedCompetitor", reason: "entrenched competitor contract (competitor legacyscore (entrenched until 2028-06-30))" }],
    layers: [
      { id: "firmographics", points: 0, score: 0 },
      { id: "antiIcp", points: -5, score: -50 },
    ],
    contributions: [{ rule: "antiIcp.entrenchedCompetitor", layer: "antiIcp", label: "entrenched competitor contract", points: -5, evidence: [{ description: "competitor legacyscore (entrenched until 2028-06-30)", points: -5 }] }],
    causingEventIds: ["ex-0002"],
  },
];

const timingScored: TimingScoredEventV1[] = [
  {
    type: "timing_scored",
    ...env(51, "timing"),
    scorecard: "enterprise",
    rubricVersion,
    timing: 55,
    strongIntent: true,
    strongSignals: [{ rule: "timing.engagement.demo-request", label: "demo request", eventId: "ex-0030", occurredAt: "2026-10-20T10:00:00Z", description: "demo_request", strongUntil: "2026-11-03T10:00:00.000Z" }],
    hasTimingSignal: true,
    nextChangeAt: "2026-11-19T09:30:00Z",
    layers: [{ id: "triggers", points: 12, score: 60 }],
    contributions: [
      {
        rule: "timing.triggers.funding",
        layer: "triggers",
        label: "Funding round",
        points: 12,
        evidence: [{ description: "funding_round series_b", eventId: "ex-0020", occurredAt: "2026-10-20T09:30:00Z", ageDays: 0, factor: 1, points: 12 }],
      },
    ],
    causingEventIds: ["ex-0020", "ex-0030"],
  },
];

const tierChanged: TierChangedEventV1[] = [
  {
    type: "tier_changed",
    ...env(52, "combiner"),
    idempotencyKey: "tc-5d1c2b3a4f5e6d7c",
    scorecard: "enterprise",
    rubricVersion,
    previousTier: tier2,
    tier: tier1,
    total: 70.86,
    fit: 81.43,
    timing: 55,
    components: { fit: 81.43, timing: 55 },
    quadrant: "top_priority",
    excluded: false,
    strongIntent: true,
    triggerActive: true,
    reasons: [
      { text: "Funding round +12", rule: "timing.triggers.funding", points: 12 },
      { text: "strong intent: lifted one tier" },
    ],
    bestContact: BEST_CONTACT,
    causingEventIds: ["ex-0020"],
  },
];

const outcomeScored: OutcomeScoredEventV1[] = [
  {
    type: "outcome_scored",
    ...env(70, "outcomes"),
    opportunityId: "006Dn00000AbCdE",
    scorecard: "enterprise",
    revision: 2,
    stage: "won",
    createdAt: "2026-10-20T09:30:00Z",
    closedAt: "2026-12-01T16:00:00Z",
    amountUsd: 48000,
    daysToClose: 42.27,
    atCreation: { tier: tier1, total: 70.86, excluded: false, rubricVersion, tierChangedEventId: "tc-5d1c2b3a4f5e6d7c:v3", since: "2026-10-20T09:30:00Z" },
    atClose: { tier: tier2, total: 61, excluded: false, rubricVersion, tierChangedEventId: "tc-0a1b2c3d4e5f6071:v4", since: "2026-11-25T00:00:00Z" },
  },
  {
    type: "outcome_scored",
    ...env(71, "outcomes"),
    opportunityId: "deal-4412",
    scorecard: "enterprise",
    revision: 1,
    stage: "open",
    createdAt: "2026-10-20T09:30:00Z",
    atCreation: { tier: tier2, total: 58, excluded: false, rubricVersion, tierChangedEventId: "tc-0a1b2c3d4e5f6071:v2", since: "2026-10-01T00:00:00Z" },
    atClose: null,
  },
];

const routingActions: RoutingActionV1[] = [
  { type: "route_to_owner", ...env(60, "router"), idempotencyKey: "tc-5d1c2b3a4f5e6d7c:route_to_owner", tierChangedEventId: "ex-0052", scorecard: "enterprise", tier: tier1, reason: "Tier 1 with an active trigger: front of the queue; reach hs-51 (Head of RevOps)", owner: "ae-emea-2", team: "emea-enterprise", slaDueAt: "2026-10-20T13:31:12Z", priority: "front", contact: BEST_CONTACT },
  { type: "enroll_in_sequence", ...env(61, "router"), idempotencyKey: "tc-0a:enroll", tierChangedEventId: "ex-0053", scorecard: "enterprise", tier: tier2, reason: "Tier 2: automated sequence", sequenceId: "seq-tier2-revops" },
  { type: "add_to_nurture", ...env(62, "router"), idempotencyKey: "tc-0b:nurture", tierChangedEventId: "ex-0054", scorecard: "enterprise", tier: { id: "tier3", name: "Tier 3", rank: 3 }, reason: "Tier 3: nurture", program: "monthly-newsletter" },
  { type: "monitor", ...env(63, "router"), idempotencyKey: "tc-0c:monitor", tierChangedEventId: "ex-0055", scorecard: "enterprise", tier: { id: "excluded", name: "Excluded", rank: 4 }, reason: "Excluded: monitor only" },
  { type: "unassign_owner", ...env(64, "router"), idempotencyKey: "tc-0d:unassign_owner", tierChangedEventId: "ex-0056", scorecard: "enterprise", tier: tier2, reason: "left Tier 1 for Tier 2: owner released", previousTier: tier1 },
  { type: "stop_sequence", ...env(65, "router"), idempotencyKey: "tc-0e:stop_sequence:seq-tier2-revops", tierChangedEventId: "ex-0057", scorecard: "enterprise", tier: tier1, reason: "left Tier 2 for Tier 1: sequence seq-tier2-revops stopped", sequenceId: "seq-tier2-revops", previousTier: tier2 },
  { type: "switch_contact", ...env(66, "router"), idempotencyKey: "tc-0f:switch_contact:hs-51", tierChangedEventId: "ex-0058", scorecard: "enterprise", tier: tier1, reason: "Tier 1: best contact is now hs-51 (Head of RevOps) instead of 003Dn00000Abc12", contact: BEST_CONTACT, previousContactId: "003Dn00000Abc12" },
];

const enrichmentRequests: EnrichmentRequestedEventV1[] = [
  {
    type: "enrichment_requested",
    ...env(70, "enrichment"),
    eventId: "enrich:northwind-analytics.com:technographic:ex-0001",
    step: "technographic",
    scorecard: "enterprise",
    reason: "passed the firmographic floor (30 ≥ 13 points): enrich technographics",
    firmographicPoints: 30,
    profileEventId: "ex-0001",
    profileOccurredAt: "2026-10-20T09:30:00Z",
    profile: { accountKey: "northwind-analytics.com", firmographics: { industry: "Computer Software", employeeCount: 420 }, technographics: { technologies: [], competitorContracts: [] }, organisational: { buyingRolesPresent: [] }, antiIcp: {} },
  },
];

const parked: ParkedEventV1[] = [
  {
    type: "parked_item",
    eventId: "park:derived-eb49657addc709ddc462ab21",
    parkKey: "opportunity:30518846532",
    occurredAt: "2026-10-20T09:30:00Z",
    observedAt: "2026-10-20T09:30:00.120Z",
    source: "hubspot",
    schemaVersion: 1,
    vendorEventId: "4471092385",
    ids: [{ system: "opportunity", id: "30518846532" }],
    item: '{"eventId":4471092385,"subscriptionType":"deal.propertyChange","objectId":30518846532,"propertyName":"dealstage","propertyValue":"closedwon","occurredAt":1760952600000}',
    defaultOccurredAt: "2026-10-20T09:30:00Z",
  },
];

const rubricControl: RubricControlEventV1[] = [
  {
    type: "rubric_promoted",
    eventId: "promote:2:0",
    controlKey: "rubric:3",
    occurredAt: "2026-10-21T08:00:00Z",
    observedAt: "2026-10-21T08:00:00.050Z",
    source: "icp-rubric-promote",
    schemaVersion: 1,
    epoch: 2,
    rubricVersion: { hash: "3f1c0b6a2d9e4f5a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a", label: "enterprise 2026-Q4" },
    rubricText: "version:\n  label: enterprise 2026-Q4\n# … the rubric file as written …\n",
    rubricSource: "rubrics/enterprise.yaml",
  },
];

export const EXAMPLE_EVENTS = {
  firmographic,
  hiring,
  funding,
  intent,
  contacts,
  outcome,
  fitScored,
  timingScored,
  tierChanged,
  currentTier: tierChanged,
  outcomeScored,
  enrichmentRequests,
  routingActions,
  parked,
  rubricControl,
} satisfies Record<TopicId, unknown[]>;
