import { z } from "zod";
import {
  AcquisitionSignal,
  AnnouncementSignal,
  CareersPageVisitSignal,
  CategoryResearchSignal,
  CompetitorVisitorSignal,
  ContentDownloadSignal,
  DemoRequestSignal,
  EmailReplySignal,
  FundingRoundSignal,
  HiringSpikeSignal,
  IntentTopicSurgeSignal,
  JobPostingSignal,
  LayoffsSignal,
  LeadershipChangeSignal,
  PricingPageVisitSignal,
  UnsubscribeSignal,
  WebinarAttendedSignal,
} from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";

/**
 * Signal events: each is the scoring package's signal of the same `type`, plus the
 * envelope (`observedAt`, `schemaVersion`, and `source`, which the envelope requires).
 * `Signal.parse(event)` gives the signal the timing engine scores.
 */
const v1 = envelopeShape(1);

// ── hiring: job postings, hiring spikes, leadership changes, layoffs ────────────────────
export const JobPostingEventV1 = JobPostingSignal.extend(v1);
export type JobPostingEventV1 = z.infer<typeof JobPostingEventV1>;
export const HiringSpikeEventV1 = HiringSpikeSignal.extend(v1);
export type HiringSpikeEventV1 = z.infer<typeof HiringSpikeEventV1>;
export const LeadershipChangeEventV1 = LeadershipChangeSignal.extend(v1);
export type LeadershipChangeEventV1 = z.infer<typeof LeadershipChangeEventV1>;
export const LayoffsEventV1 = LayoffsSignal.extend(v1);
export type LayoffsEventV1 = z.infer<typeof LayoffsEventV1>;

export const HiringEventV1 = z.discriminatedUnion("type", [JobPostingEventV1, HiringSpikeEventV1, LeadershipChangeEventV1, LayoffsEventV1]);
export type HiringEventV1 = z.infer<typeof HiringEventV1>;

// ── funding: rounds, acquisitions, public strategic announcements ───────────────────────
export const FundingRoundEventV1 = FundingRoundSignal.extend(v1);
export type FundingRoundEventV1 = z.infer<typeof FundingRoundEventV1>;
export const AcquisitionEventV1 = AcquisitionSignal.extend(v1);
export type AcquisitionEventV1 = z.infer<typeof AcquisitionEventV1>;
export const AnnouncementEventV1 = AnnouncementSignal.extend(v1);
export type AnnouncementEventV1 = z.infer<typeof AnnouncementEventV1>;

export const FundingEventV1 = z.discriminatedUnion("type", [FundingRoundEventV1, AcquisitionEventV1, AnnouncementEventV1]);
export type FundingEventV1 = z.infer<typeof FundingEventV1>;

// ── intent: third-party surges and research, first-party engagement, negative behaviour ─
export const IntentTopicSurgeEventV1 = IntentTopicSurgeSignal.extend(v1);
export type IntentTopicSurgeEventV1 = z.infer<typeof IntentTopicSurgeEventV1>;
export const CategoryResearchEventV1 = CategoryResearchSignal.extend(v1);
export type CategoryResearchEventV1 = z.infer<typeof CategoryResearchEventV1>;
export const PricingPageVisitEventV1 = PricingPageVisitSignal.extend(v1);
export type PricingPageVisitEventV1 = z.infer<typeof PricingPageVisitEventV1>;
export const DemoRequestEventV1 = DemoRequestSignal.extend(v1);
export type DemoRequestEventV1 = z.infer<typeof DemoRequestEventV1>;
export const ContentDownloadEventV1 = ContentDownloadSignal.extend(v1);
export type ContentDownloadEventV1 = z.infer<typeof ContentDownloadEventV1>;
export const WebinarAttendedEventV1 = WebinarAttendedSignal.extend(v1);
export type WebinarAttendedEventV1 = z.infer<typeof WebinarAttendedEventV1>;
export const EmailReplyEventV1 = EmailReplySignal.extend(v1);
export type EmailReplyEventV1 = z.infer<typeof EmailReplyEventV1>;
/** Negative: job hunting rather than buying. */
export const CareersPageVisitEventV1 = CareersPageVisitSignal.extend(v1);
export type CareersPageVisitEventV1 = z.infer<typeof CareersPageVisitEventV1>;
/** Negative. */
export const UnsubscribeEventV1 = UnsubscribeSignal.extend(v1);
export type UnsubscribeEventV1 = z.infer<typeof UnsubscribeEventV1>;
/** Negative: the visitor's company is a competitor doing research. */
export const CompetitorVisitorEventV1 = CompetitorVisitorSignal.extend(v1);
export type CompetitorVisitorEventV1 = z.infer<typeof CompetitorVisitorEventV1>;

export const IntentEventV1 = z.discriminatedUnion("type", [
  IntentTopicSurgeEventV1,
  CategoryResearchEventV1,
  PricingPageVisitEventV1,
  DemoRequestEventV1,
  ContentDownloadEventV1,
  WebinarAttendedEventV1,
  EmailReplyEventV1,
  CareersPageVisitEventV1,
  UnsubscribeEventV1,
  CompetitorVisitorEventV1,
]);
export type IntentEventV1 = z.infer<typeof IntentEventV1>;

/** Any signal event, whichever topic it travels on. */
export type SignalEventV1 = HiringEventV1 | FundingEventV1 | IntentEventV1;
