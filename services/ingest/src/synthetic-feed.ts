import type { AccountProfileEventV1, ContactEventV1, SignalEventV1 } from "@icpstream/contracts";
import type { InputTopicId } from "./to-events.js";
import { SIGNAL_TOPIC } from "./to-events.js";

/**
 * A seeded synthetic market, shaped like a prospect list a RevOps team scores: three segments
 * — the core ICP (about a quarter: software and fintech companies of 200–2,000 people in the
 * regions served, on a CRM the product plugs into, with a RevOps function), the adjacent
 * (about a third: partly fitting) and the outside (the rest: wrong industry, size or model) —
 * each with a realistic firmographic spread (log-normal headcount, industry and country mix,
 * funding stage that follows size). The signals behave like a market: hiring bursts, funding
 * rounds followed by hiring, intent surges with first-party engagement on top, negative
 * behaviour; accounts that fit are more often in motion in the seller's category than those
 * that do not (activity follows the profile, not a hidden label). A small share of bad records
 * (invalid domains, out-of-range values, unknown types) feeds the dead-letter paths.
 * The same seed gives the same market, event for event.
 */
export interface MarketOptions {
  seed: number;
  accounts: number;
  /** The first instant of the simulated window (ISO). */
  start: string;
  days: number;
  /** Share of bad records among the signals (default 0.01). */
  badShare?: number;
  /** Generate signals for these accounts instead of new ones (a later window of the same market); `accounts` is then ignored. */
  profiles?: readonly AccountProfileEventV1[];
}

export type MarketRecord =
  | { ok: true; topic: InputTopicId; event: AccountProfileEventV1 | SignalEventV1 }
  | { ok: false; topic: InputTopicId; raw: Record<string, unknown>; defect: string };

export interface Market {
  profiles: AccountProfileEventV1[];
  /** In occurrence order. */
  signals: MarketRecord[];
  /**
   * The people inside the accounts, in occurrence order: a few per account (more at a core
   * account), some updated later in the window, some leaving. Drawn from a random stream of
   * their own, so adding them changed neither the profiles nor the signals of a seed.
   */
  contacts: ContactEventV1[];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Segment = "core" | "adjacent" | "outside";
const SEGMENTS: [Segment, number][] = [["core", 32], ["adjacent", 36], ["outside", 32]];

const INDUSTRIES: Record<Segment, [string, number][]> = {
  core: [["Computer Software", 55], ["Internet", 12], ["Financial Technology", 13], ["Information Technology and Services", 12], ["Marketing and Advertising", 8]],
  adjacent: [["Computer Software", 25], ["Information Technology and Services", 20], ["Financial Services", 15], ["Marketing and Advertising", 12], ["Telecommunications", 8], ["Professional Services", 10], ["Staffing and Recruiting", 5], ["Education", 5]],
  outside: [["Hospital & Health Care", 16], ["Retail", 16], ["Manufacturing", 16], ["Education", 12], ["Gambling & Casinos", 4], ["Staffing and Recruiting", 8], ["Telecommunications", 8], ["Computer Software", 10], ["Government Administration", 4], ["Restaurants", 6]],
};
const COUNTRIES: Record<Segment, [string, string, number][]> = {
  core: [["US", "NA", 50], ["GB", "EMEA", 12], ["DE", "EMEA", 10], ["FR", "EMEA", 6], ["CA", "NA", 8], ["NL", "EMEA", 6], ["ES", "EMEA", 4], ["AU", "APAC", 4]],
  adjacent: [["US", "NA", 40], ["GB", "EMEA", 10], ["DE", "EMEA", 9], ["FR", "EMEA", 6], ["CA", "NA", 6], ["NL", "EMEA", 4], ["AU", "APAC", 6], ["IN", "APAC", 8], ["BR", "LATAM", 5], ["SG", "APAC", 3], ["ES", "EMEA", 3]],
  outside: [["US", "NA", 30], ["GB", "EMEA", 8], ["DE", "EMEA", 8], ["IN", "APAC", 14], ["BR", "LATAM", 12], ["SG", "APAC", 6], ["AU", "APAC", 8], ["FR", "EMEA", 6], ["ES", "EMEA", 4], ["CA", "NA", 4]],
};
/** Headcount: log-normal, median and spread per segment (core: ~600, adjacent: ~200, outside: ~60). */
const HEADCOUNT: Record<Segment, [number, number]> = { core: [6.4, 0.75], adjacent: [5.3, 1.3], outside: [4.1, 1.5] };
/** Chance of each kind of tool in the stack, per segment. */
const STACK: Record<Segment, { crm: number; adjacent: number; other: number }> = { core: { crm: 0.85, adjacent: 0.5, other: 0.3 }, adjacent: { crm: 0.45, adjacent: 0.22, other: 0.25 }, outside: { crm: 0.15, adjacent: 0.05, other: 0.2 } };
/** How often accounts of a segment are in motion in the seller's category, relative to the adjacent segment. */
const ACTIVITY: Record<Segment, number> = { core: 5, adjacent: 1.2, outside: 0.45 };
const CRMS: [string, string][] = [["Salesforce", "crm"], ["HubSpot", "crm"]];
const ADJACENT_TECH: [string, string][] = [["Outreach", "sales engagement"], ["Salesloft", "sales engagement"], ["Gong", "conversation intelligence"], ["6sense", "intent"], ["Clari", "revenue intelligence"], ["ZoomInfo", "data"]];
const OTHER_TECH: [string, string][] = [["Snowflake", "data"], ["Segment", "data"], ["Marketo", "marketing automation"], ["Zendesk", "support"], ["Slack", "collaboration"]];
const COMPETITORS = ["LegacyScore", "ScoreCo", "LeadRank"];
const ROLES = ["RevOps Lead", "VP Demand Gen", "Head of Growth", "VP Sales", "Marketing Ops Manager"];
const HIRING_TITLES: [string, "sales" | "revops" | "marketing" | "engineering"][] = [
  ["Head of Outbound", "sales"],
  ["RevOps Manager", "revops"],
  ["Sr. Revenue Operations Analyst", "revops"],
  ["Demand Gen Lead", "marketing"],
  ["Head of Growth", "marketing"],
  ["Outbound Sales Rep", "sales"],
  ["Account Executive", "sales"],
  ["SDR", "sales"],
  ["Senior Engineer", "engineering"],
];
const TOPICS_OF_INTEREST = ["Sales Engagement", "Account Based Marketing", "Lead Scoring", "Revenue Operations", "Sales Intelligence"];
const SYLLABLES = ["nor", "th", "wind", "ac", "me", "glo", "bex", "ini", "tech", "um", "bre", "lla", "vex", "ora", "zen", "data", "flow", "loop", "stack", "ly", "io", "ra", "qui", "ton", "mar", "pex", "sol", "vi"];
const TLDS: [string, number][] = [["com", 70], ["io", 12], ["co", 6], ["ai", 5], ["de", 3], ["co.uk", 4]];
function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
function weighted<T extends readonly unknown[]>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + (i[i.length - 1] as number), 0);
  let r = random() * total;
  for (const item of items) {
    r -= item[item.length - 1] as number;
    if (r <= 0) return item;
  }
  return items[items.length - 1] as T;
}
/** Headcount: log-normal (the segment's median and spread), from 2 to ~50k. */
function headcount(random: () => number, segment: Segment): number {
  const [mu, sigma] = HEADCOUNT[segment];
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(2, Math.min(50_000, Math.round(Math.exp(mu + sigma * normal))));
}

/**
 * How often an account is in motion in the seller's category, read off its profile (so a
 * later window of the same market, generated from the profiles alone, behaves the same):
 * a software or fintech company of 100–5,000 people on a CRM is the most active.
 */
function activityOf(profile: AccountProfileEventV1): number {
  const f = profile.firmographics;
  const software = ["Computer Software", "Internet", "Financial Technology", "Information Technology and Services", "Marketing and Advertising"].includes(f.industry ?? "");
  const crm = profile.technographics.technologies.some((t) => t.category === "crm");
  const sized = (f.employeeCount ?? 0) >= 100 && (f.employeeCount ?? 0) <= 5000;
  const score = (software ? 1 : 0) + (crm ? 1 : 0) + (sized ? 1 : 0);
  return score === 3 ? ACTIVITY.core : score === 2 ? ACTIVITY.adjacent : ACTIVITY.outside;
}
function fundingStageFor(employees: number, random: () => number): AccountProfileEventV1["firmographics"]["fundingStage"] {
  if (employees < 15) return pick(random, ["bootstrapped", "pre_seed", "seed"] as const);
  if (employees < 60) return pick(random, ["seed", "series_a", "bootstrapped"] as const);
  if (employees < 250) return pick(random, ["series_a", "series_b", "series_b"] as const);
  if (employees < 1500) return pick(random, ["series_c", "series_d_plus", "private_equity"] as const);
  return pick(random, ["public", "private_equity", "acquired"] as const);
}

export function generateMarket(options: MarketOptions): Market {
  const random = seededRandom(options.seed);
  const startMs = Date.parse(options.start);
  if (Number.isNaN(startMs)) throw new RangeError(`start: not an ISO instant: ${options.start}`);
  const windowMs = options.days * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const badShare = options.badShare ?? 0.01;
  let counter = 0;
  const nextId = () => `syn-${options.seed}-${(counter++).toString(36)}`;

  const domains = new Set<string>();
  const profiles: AccountProfileEventV1[] = options.profiles ? [...options.profiles] : [];
  while (!options.profiles && profiles.length < options.accounts) {
    const name = Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(random, SYLLABLES)).join("");
    const domain = `${name}${domains.size % 7 === 0 ? `-${domains.size}` : ""}.${weighted(random, TLDS)[0]}`;
    if (domains.has(domain)) continue;
    domains.add(domain);
    const [segment] = weighted(random, SEGMENTS);
    const employees = headcount(random, segment);
    const [country, region] = weighted(random, COUNTRIES[segment]);
    const stack = STACK[segment];
    const crm: [string, string][] = random() < stack.crm ? [pick(random, CRMS)] : [];
    const technologies = [...crm, ...ADJACENT_TECH.filter(() => random() < stack.adjacent), ...OTHER_TECH.filter(() => random() < stack.other)].map(([n, category]) => ({ name: n, category }));
    const competitor = random() < 0.25 ? [{ vendor: pick(random, COMPETITORS), strength: random() < 0.35 ? ("entrenched" as const) : ("weak" as const), ...(random() < 0.5 ? { contractEndsAt: iso(startMs + random() * 700 * 86_400_000).slice(0, 10) } : {}) }] : [];
    const observed = startMs - Math.floor(random() * 30) * 86_400_000;
    const core = segment === "core";
    profiles.push({
      type: "account_profile",
      eventId: nextId(),
      accountKey: domain,
      occurredAt: iso(observed),
      observedAt: iso(observed + 60_000),
      source: "synthetic",
      schemaVersion: 1,
      name: name.charAt(0).toUpperCase() + name.slice(1),
      firmographics: {
        industry: weighted(random, INDUSTRIES[segment])[0],
        employeeCount: employees,
        revenueUsd: Math.round(employees * (80_000 + random() * 220_000)),
        country,
        region,
        businessModel: random() < (core ? 0.95 : 0.78) ? "b2b" : random() < 0.5 ? "b2c" : "b2b2c",
        deliveryModel: random() < (core ? 0.9 : 0.55) ? "saas" : pick(random, ["services", "marketplace", "hardware", "other"] as const),
        fundingStage: fundingStageFor(employees, random),
      },
      technographics: { technologies, competitorContracts: competitor },
      organisational: {
        buyingRolesPresent: ROLES.filter(() => random() < (core ? 0.5 : employees > 200 ? 0.3 : 0.1)),
        ...(random() < (core ? 0.6 : 0.3) ? { championIdentified: random() < (core ? 0.7 : 0.5) } : {}),
        ...(random() < (core ? 0.6 : 0.4) ? { budgetHolderIdentified: random() < (core ? 0.75 : 0.6) } : {}),
        ...(random() < 0.6 ? { hasTechnicalTeam: random() < 0.8 } : {}),
      },
      antiIcp: {
        ...(random() < 0.04 ? { hiringFreeze: true } : {}),
        ...(random() < 0.03 ? { recentLayoffs: true } : {}),
        ...(random() < 0.02 ? { badPaymentHistory: true } : {}),
        ...(random() < 0.01 ? { regulatoryBlocker: true } : {}),
      },
    });
  }

  const signals: MarketRecord[] = [];
  const at = (ms: number) => Math.min(startMs + windowMs - 1, Math.max(startMs, Math.round(ms)));
  const emit = (event: DistributiveOmit<SignalEventV1, "eventId" | "occurredAt" | "observedAt" | "schemaVersion">, ms: number) => {
    const occurred = at(ms);
    const full = { ...event, eventId: nextId(), occurredAt: iso(occurred), observedAt: iso(occurred + Math.floor(random() * 3_600_000)), schemaVersion: 1 } as SignalEventV1;
    signals.push({ ok: true, topic: SIGNAL_TOPIC[full.type], event: full });
  };
  for (const profile of profiles) {
    const base = { accountKey: profile.accountKey };
    const when = () => startMs + random() * windowMs;
    const employees = profile.firmographics.employeeCount ?? 50;
    // The window's chances below are for an adjacent account; `active` scales the category-related ones.
    const active = activityOf(profile);
    const chance = (p: number) => random() < Math.min(0.9, p * active);
    // Funding rounds, often followed within weeks by a hiring burst.
    const funded = chance(0.05);
    let burstAt = chance(0.1) ? when() : undefined;
    if (funded) {
      const t = when();
      emit({ ...base, type: "funding_round", source: "crunchbase", round: pick(random, ["seed", "series_a", "series_b", "series_c"] as const), amountUsd: Math.round((1 + random() * 60) * 1e6) }, t);
      burstAt ??= t + (7 + random() * 30) * 86_400_000;
    }
    if (burstAt !== undefined) {
      const postings = 3 + Math.floor(random() * 6);
      for (let i = 0; i < postings; i++) {
        const [title, department] = pick(random, HIRING_TITLES);
        emit({ ...base, type: "job_posting", source: "jobs-feed", title, department, postingId: `p-${counter}` }, burstAt + random() * 7 * 86_400_000);
      }
      emit({ ...base, type: "hiring_spike", source: "jobs-feed", department: "sales", openRoles: postings + Math.floor(random() * 10), growthPct: Math.round(20 + random() * 80) }, burstAt + 7 * 86_400_000);
    }
    if (chance(0.02)) emit({ ...base, type: "leadership_change", source: "news", title: pick(random, ["VP Sales", "Chief Revenue Officer", "Head of RevOps"]), department: "sales", change: "joined" }, when());
    if (random() < 0.01) emit({ ...base, type: "acquisition", source: "crunchbase", role: random() < 0.7 ? "acquirer" : "acquired" }, when());
    if (random() < 0.015) emit({ ...base, type: "layoffs", source: "layoffs-feed", percentOfWorkforce: Math.round(3 + random() * 20), headcountAffected: Math.max(1, Math.round(employees * 0.1)) }, when());
    if (chance(0.02)) emit({ ...base, type: "announcement", source: "press", kind: pick(random, ["product_launch", "expansion", "strategic_initiative", "partnership"] as const) }, when());
    // Intent surges; accounts that surge often also engage first-party. An account that fits
    // researches longer and harder once it is in market (more weeks, higher surge scores).
    if (chance(0.12)) {
      const t = when();
      const topic = pick(random, TOPICS_OF_INTEREST);
      const keen = active > 2;
      const weeks = 1 + Math.floor(random() * (keen ? 8 : 4));
      for (let w = 0; w < weeks; w++) emit({ ...base, type: "intent_topic_surge", source: "bombora", topic, score: Math.round(Math.min(100, 50 + random() * 50 + (keen ? 12 : 0))) }, t + w * 7 * 86_400_000);
      if (random() < 0.5) emit({ ...base, type: "category_research", source: "g2", category: "Sales Intelligence", activity: pick(random, ["category_page", "comparison", "pricing", "alternatives"] as const), pageViews: 1 + Math.floor(random() * 9) }, t + random() * 14 * 86_400_000);
      if (random() < (keen ? 0.55 : 0.4)) {
        const visits = 1 + Math.floor(random() * 4);
        for (let v = 0; v < visits; v++) emit({ ...base, type: "pricing_page_visit", source: "website", url: "https://seller.example/pricing", visitorId: `v-${Math.floor(random() * 1e6)}` }, t + random() * 6 * 86_400_000);
      }
      if (random() < (keen ? 0.3 : 0.15)) emit({ ...base, type: "demo_request", source: "website", contactTitle: pick(random, ROLES) }, t + random() * 10 * 86_400_000);
    }
    if (chance(0.06)) emit({ ...base, type: "content_download", source: "website", asset: "ROI calculator", assetType: pick(random, ["roi_calculator", "case_study", "whitepaper"] as const) }, when());
    if (chance(0.04)) emit({ ...base, type: "webinar_attended", source: "zoom", webinarId: `wb-${Math.floor(random() * 12)}` }, when());
    if (chance(0.03)) emit({ ...base, type: "email_reply", source: "outreach", sentiment: pick(random, ["positive", "neutral", "negative"] as const) }, when());
    // Negative behaviour.
    if (random() < 0.05) emit({ ...base, type: "careers_page_visit", source: "website" }, when());
    if (random() < 0.02) emit({ ...base, type: "unsubscribe", source: "hubspot", channel: "email" }, when());
    if (random() < 0.005) emit({ ...base, type: "competitor_visitor", source: "website" }, when());
  }
  signals.sort((a, b) => (a.ok && b.ok ? a.event.occurredAt.localeCompare(b.event.occurredAt) || a.event.eventId.localeCompare(b.event.eventId) : 0));

  // Bad records, spread through the stream.
  const badCount = Math.round(signals.length * badShare);
  const defects: [string, (r: Record<string, unknown>) => void][] = [
    ["invalid domain", (r) => (r.accountKey = "not a domain")],
    ["surge score above 100", (r) => ((r.type = "intent_topic_surge"), (r.topic = "Lead Scoring"), (r.score = 140))],
    ["unknown signal type", (r) => (r.type = "tiktok_follow")],
    ["date without offset", (r) => (r.occurredAt = "2026-13-45")],
  ];
  for (let i = 0; i < badCount; i++) {
    const position = Math.floor(random() * (signals.length + 1));
    const model = signals[Math.min(position, signals.length - 1)];
    if (!model?.ok) continue;
    const raw: Record<string, unknown> = { ...model.event, eventId: nextId() };
    const [defect, apply] = pick(random, defects);
    apply(raw);
    signals.splice(position, 0, { ok: false, topic: model.topic, raw, defect });
  }
  // A later window of the same market (given profiles) brings signals only: its people are the first window's.
  return { profiles, signals, contacts: options.profiles ? [] : generateContacts(profiles, options, startMs, windowMs) };
}

/** Titles of the people the seller meets, with what a CRM knows of them. */
const CONTACT_PEOPLE: { title: string; budgetAuthority?: boolean; technicalBackground?: boolean }[] = [
  { title: "VP Sales", budgetAuthority: true },
  { title: "Chief Revenue Officer", budgetAuthority: true },
  { title: "CFO", budgetAuthority: true },
  { title: "Head of RevOps" },
  { title: "RevOps Manager" },
  { title: "Demand Gen Lead" },
  { title: "Head of Growth" },
  { title: "Sales Operations Manager" },
  { title: "Staff Software Engineer", technicalBackground: true },
  { title: "Director of IT", technicalBackground: true },
  // Most people a CRM holds at an account are individual contributors, not its buyers.
  { title: "Account Executive" },
  { title: "Account Executive" },
  { title: "Senior Account Executive" },
  { title: "SDR" },
  { title: "SDR" },
  { title: "BDR" },
  { title: "Marketing Manager" },
  { title: "Customer Success Manager" },
  { title: "Product Manager" },
  { title: "Office Manager" },
];
const ENGAGEMENT_KINDS = ["content_download", "webinar_attended", "email_reply", "meeting", "website_visit"] as const;

function generateContacts(profiles: readonly AccountProfileEventV1[], options: MarketOptions, startMs: number, windowMs: number): ContactEventV1[] {
  const random = seededRandom((options.seed * 2_654_435_761 + 97) >>> 0);
  const iso = (ms: number) => new Date(ms).toISOString();
  const contacts: ContactEventV1[] = [];
  let counter = 0;
  for (const profile of profiles) {
    const active = activityOf(profile);
    // A CRM knows people at only some accounts: most have none on file.
    if (random() < 0.6) continue;
    const people = Math.floor(random() * (active > 2 ? 5 : 3));
    for (let p = 0; p < people; p++) {
      const person = pick(random, CONTACT_PEOPLE);
      const contactId = `crm-${options.seed}-${profile.accountKey}-${p}`;
      const records = random() < 0.3 ? 2 : 1;
      let at = startMs - Math.floor(random() * 20) * 86_400_000;
      for (let r = 0; r < records; r++) {
        const engaged = random() < 0.15 * active;
        contacts.push({
          type: "contact",
          eventId: `syn-contact-${options.seed}-${(counter++).toString(36)}`,
          accountKey: profile.accountKey,
          occurredAt: iso(at),
          observedAt: iso(at + 60_000),
          source: "synthetic-crm",
          schemaVersion: 1,
          contactId,
          title: person.title,
          ...(person.budgetAuthority ? { budgetAuthority: true } : {}),
          ...(person.technicalBackground ? { technicalBackground: true } : {}),
          ...(random() < 0.08 ? { referredByCustomer: true } : {}),
          engagements: engaged ? [{ kind: pick(random, ENGAGEMENT_KINDS), occurredAt: iso(at - Math.floor(random() * 80) * 86_400_000) }] : [],
          status: r > 0 && random() < 0.25 ? "left" : "active",
        });
        at += Math.floor(random() * Math.max(1, windowMs / 86_400_000)) * 86_400_000;
      }
    }
  }
  return contacts.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId));
}
