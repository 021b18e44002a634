import { z } from "zod";
import { AccountKey } from "./account-key.js";
import { FundingStage } from "./account-profile.js";
import { IsoDateTime } from "./time.js";

/**
 * Signals are the volatile facts about an account: when it is in motion. Timing is
 * computed from these alone, and they decay with the clock.
 *
 * Every signal carries `eventId` (globally unique; the same id seen twice is one event),
 * `accountKey` (normalized domain, also the Kafka message key) and `occurredAt` (when
 * it happened in the world, not when we received it). `source` names the feed.
 */

/** The department a role, posting or hiring spike belongs to. */
export const Department = z.enum([
  "sales",
  "marketing",
  "revops",
  "customer_success",
  "engineering",
  "product",
  "data",
  "it",
  "security",
  "finance",
  "hr",
  "operations",
  "legal",
  "executive",
  "other",
]);
export type Department = z.infer<typeof Department>;

const base = {
  eventId: z.string().min(1).max(200),
  accountKey: AccountKey,
  occurredAt: IsoDateTime,
  /** The feed or system that observed it (`crunchbase`, `bombora`, `g2`, `website`, `hubspot`, …). */
  source: z.string().min(1).max(100).optional(),
};

/** Page-level context for first-party web signals. */
const web = {
  url: z.string().min(1).max(2000).optional(),
  /** Anonymous visitor or contact id from the web analytics tool; lets counting rules tell people apart. */
  visitorId: z.string().min(1).max(200).optional(),
};

// ── Situational triggers ────────────────────────────────────────────────────────────
export const FundingRoundSignal = z.object({
  type: z.literal("funding_round"),
  ...base,
  round: FundingStage,
  amountUsd: z.number().nonnegative().optional(),
  leadInvestor: z.string().min(1).optional(),
});
export const LeadershipChangeSignal = z.object({
  type: z.literal("leadership_change"),
  ...base,
  /** Title of the new (or departed) leader: `VP Sales`, `Chief Revenue Officer`. */
  title: z.string().min(1),
  department: Department.optional(),
  change: z.enum(["joined", "departed"]).default("joined"),
});
export const AcquisitionSignal = z.object({
  type: z.literal("acquisition"),
  ...base,
  /** Whether the account bought a company or was bought. */
  role: z.enum(["acquirer", "acquired"]),
  counterparty: z.string().min(1).optional(),
});
export const HiringSpikeSignal = z.object({
  type: z.literal("hiring_spike"),
  ...base,
  department: Department,
  openRoles: z.number().int().nonnegative(),
  /** Growth of open roles over the source's window, in percent (40 = +40%). */
  growthPct: z.number().optional(),
});
export const AnnouncementSignal = z.object({
  type: z.literal("announcement"),
  ...base,
  kind: z.enum(["product_launch", "expansion", "strategic_initiative", "partnership", "other"]),
  title: z.string().min(1).max(500).optional(),
  url: z.string().min(1).max(2000).optional(),
});

// ── Hiring ──────────────────────────────────────────────────────────────────────────
export const JobPostingSignal = z.object({
  type: z.literal("job_posting"),
  ...base,
  /** The posted role as written: `Head of Outbound`, `RevOps Manager`. */
  title: z.string().min(1),
  department: Department.optional(),
  seniority: z.enum(["entry", "mid", "senior", "manager", "director", "vp", "c_level"]).optional(),
  postingId: z.string().min(1).optional(),
});
export const LayoffsSignal = z.object({
  type: z.literal("layoffs"),
  ...base,
  headcountAffected: z.number().int().nonnegative().optional(),
  percentOfWorkforce: z.number().min(0).max(100).optional(),
});

// ── Third-party intent ──────────────────────────────────────────────────────────────
/** Bombora-style Company Surge: a topic whose consumption is above the account's baseline. */
export const IntentTopicSurgeSignal = z.object({
  type: z.literal("intent_topic_surge"),
  ...base,
  topic: z.string().min(1),
  /** Surge strength 0–100 (Bombora reports ≥ 60 as a surge). */
  score: z.number().min(0).max(100),
  source: z.string().min(1).max(100),
});
/** G2-style buyer intent: someone at the account researched a category on a review site. */
export const CategoryResearchSignal = z.object({
  type: z.literal("category_research"),
  ...base,
  category: z.string().min(1),
  activity: z.enum(["category_page", "product_profile", "comparison", "alternatives", "pricing"]).optional(),
  pageViews: z.number().int().positive().optional(),
  source: z.string().min(1).max(100),
});

// ── First-party engagement ──────────────────────────────────────────────────────────
export const PricingPageVisitSignal = z.object({ type: z.literal("pricing_page_visit"), ...base, ...web });
export const DemoRequestSignal = z.object({
  type: z.literal("demo_request"),
  ...base,
  ...web,
  /** Title of the requester, when the form asked. */
  contactTitle: z.string().min(1).optional(),
});
export const ContentDownloadSignal = z.object({
  type: z.literal("content_download"),
  ...base,
  ...web,
  asset: z.string().min(1),
  assetType: z.enum(["roi_calculator", "case_study", "whitepaper", "ebook", "report", "template", "other"]),
});
export const WebinarAttendedSignal = z.object({
  type: z.literal("webinar_attended"),
  ...base,
  webinarId: z.string().min(1),
  title: z.string().min(1).optional(),
});
export const EmailReplySignal = z.object({
  type: z.literal("email_reply"),
  ...base,
  sentiment: z.enum(["positive", "neutral", "negative"]).optional(),
  campaignId: z.string().min(1).optional(),
});

// ── Negative behaviour ──────────────────────────────────────────────────────────────
/** Someone from the account browsed the careers page: more likely job hunting than buying. */
export const CareersPageVisitSignal = z.object({ type: z.literal("careers_page_visit"), ...base, ...web });
export const UnsubscribeSignal = z.object({
  type: z.literal("unsubscribe"),
  ...base,
  channel: z.enum(["email", "sms", "other"]).default("email"),
});
/** A visitor from this account's domain is a competitor doing research (the account is a competitor). */
export const CompetitorVisitorSignal = z.object({ type: z.literal("competitor_visitor"), ...base, ...web });

export const Signal = z.discriminatedUnion("type", [
  FundingRoundSignal,
  LeadershipChangeSignal,
  AcquisitionSignal,
  HiringSpikeSignal,
  AnnouncementSignal,
  JobPostingSignal,
  LayoffsSignal,
  IntentTopicSurgeSignal,
  CategoryResearchSignal,
  PricingPageVisitSignal,
  DemoRequestSignal,
  ContentDownloadSignal,
  WebinarAttendedSignal,
  EmailReplySignal,
  CareersPageVisitSignal,
  UnsubscribeSignal,
  CompetitorVisitorSignal,
]);
export type Signal = z.infer<typeof Signal>;
export type SignalInput = z.input<typeof Signal>;
export type SignalType = Signal["type"];
export type SignalOf<T extends SignalType> = Extract<Signal, { type: T }>;

export type FundingRoundSignal = z.infer<typeof FundingRoundSignal>;
export type LeadershipChangeSignal = z.infer<typeof LeadershipChangeSignal>;
export type AcquisitionSignal = z.infer<typeof AcquisitionSignal>;
export type HiringSpikeSignal = z.infer<typeof HiringSpikeSignal>;
export type AnnouncementSignal = z.infer<typeof AnnouncementSignal>;
export type JobPostingSignal = z.infer<typeof JobPostingSignal>;
export type LayoffsSignal = z.infer<typeof LayoffsSignal>;
export type IntentTopicSurgeSignal = z.infer<typeof IntentTopicSurgeSignal>;
export type CategoryResearchSignal = z.infer<typeof CategoryResearchSignal>;
export type PricingPageVisitSignal = z.infer<typeof PricingPageVisitSignal>;
export type DemoRequestSignal = z.infer<typeof DemoRequestSignal>;
export type ContentDownloadSignal = z.infer<typeof ContentDownloadSignal>;
export type WebinarAttendedSignal = z.infer<typeof WebinarAttendedSignal>;
export type EmailReplySignal = z.infer<typeof EmailReplySignal>;
export type CareersPageVisitSignal = z.infer<typeof CareersPageVisitSignal>;
export type UnsubscribeSignal = z.infer<typeof UnsubscribeSignal>;
export type CompetitorVisitorSignal = z.infer<typeof CompetitorVisitorSignal>;

/** Every signal type, in a stable order (the union's order). */
export const SIGNAL_TYPES = Signal.options.map((o) => o.shape.type.value) as readonly SignalType[];

/** The schema of one signal type, for callers that need its fields (rubric validation, CSV coercion). */
export function signalSchemaFor(type: SignalType): (typeof Signal.options)[number] {
  const schema = Signal.options.find((o) => o.shape.type.value === type);
  if (!schema) throw new RangeError(`unknown signal type ${type}`);
  return schema;
}

/**
 * The canonical order of signals: by instant, then event id. Every computation that
 * walks signals walks them in this order, so results never depend on arrival order.
 */
export function compareSignals(a: Pick<Signal, "occurredAt" | "eventId">, b: Pick<Signal, "occurredAt" | "eventId">): number {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  if (ta !== tb) return ta - tb;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
