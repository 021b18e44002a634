import { BusinessModel, DeliveryModel, Department, EngagementKind, FundingStage, SIGNAL_TYPES, Seniority } from "@icpstream/scoring";
import type { SignalType } from "@icpstream/scoring";
import type { Cell } from "./cell.js";
import { notUnderstood, textOf, unknown, value } from "./cell.js";

/**
 * Vendor wording → the domain's vocabularies. Every lookup compares a *key*: the text
 * lower-cased, `&` read as "and", anything but letters and digits as one space — so
 * "Series B", "series_b", "SERIES-B" and "Series B." are one word. A value is first
 * looked up as the vocabulary's own word (`series_b`), then in the vendor wordings below.
 * Sources: Crunchbase's funding types (pre-seed … Series J, Venture - Series Unknown,
 * Convertible Note, Debt Financing, Grant, Corporate Round, Equity/Product Crowdfunding,
 * Private Equity, Post-IPO Equity/Debt/Secondary, Secondary Market, Non-equity Assistance,
 * Initial Coin Offering, Undisclosed), Apollo's "Latest Funding" (the same words plus
 * "Venture (Round not Specified)", "Merger / Acquisition", "Other"), HubSpot's and
 * Salesforce's picklists; G2 Buyer Intent signal types (profile, pricing, compare,
 * alternatives, category); Apollo's departments (`master_sales`, `c_suite`, …).
 */
export function vocabularyKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

type Table<T extends string> = Readonly<Record<string, T>>;

function lookupIn<T extends string>(own: readonly T[], table: Table<T>, text: string): T | undefined {
  const key = vocabularyKey(text);
  const snake = key.replace(/ /g, "_");
  if ((own as readonly string[]).includes(snake)) return snake as T;
  return table[key];
}

function vocabulary<T extends string>(own: readonly T[], table: Table<T>, expected: string): (raw: unknown) => Cell<T> {
  return (raw) => {
    const text = textOf(raw);
    if (text.kind !== "value") return text;
    const hit = lookupIn(own, table, text.value);
    return hit === undefined ? unknown("unknown_value", `is not a known ${expected}`) : value(hit);
  };
}

const series = Object.fromEntries("abcdefghij".split("").flatMap((l) => [[`series ${l}`, `series_${l}`], [`series ${l} round`, `series_${l}`], [`venture series ${l}`, `series_${l}`]])) as Table<FundingStage>;

export const FUNDING_STAGE_WORDS: Table<FundingStage> = {
  ...series,
  "series d plus": "series_d_plus",
  "series d and later": "series_d_plus",
  "pre seed": "pre_seed",
  preseed: "pre_seed",
  "pre seed round": "pre_seed",
  angel: "angel",
  "angel round": "angel",
  seed: "seed",
  "seed round": "seed",
  venture: "venture_unknown",
  "venture round": "venture_unknown",
  "venture round not specified": "venture_unknown",
  "venture series unknown": "venture_unknown",
  "series unknown": "venture_unknown",
  "venture unknown": "venture_unknown",
  "early stage venture": "venture_unknown",
  "late stage venture": "venture_unknown",
  undisclosed: "venture_unknown",
  "convertible note": "convertible_note",
  convertible: "convertible_note",
  safe: "convertible_note",
  "debt financing": "debt",
  debt: "debt",
  "venture debt": "debt",
  grant: "grant",
  "corporate round": "corporate_round",
  corporate: "corporate_round",
  "equity crowdfunding": "crowdfunding",
  "product crowdfunding": "crowdfunding",
  crowdfunding: "crowdfunding",
  "private equity": "private_equity",
  "private equity round": "private_equity",
  pe: "private_equity",
  buyout: "private_equity",
  "growth equity": "private_equity",
  ipo: "public",
  public: "public",
  "public company": "public",
  "publicly traded": "public",
  "publicly held": "public",
  "post ipo equity": "public",
  "post ipo debt": "public",
  "post ipo secondary": "public",
  "went public": "public",
  acquired: "acquired",
  acquisition: "acquired",
  "m and a": "acquired",
  "merger acquisition": "acquired",
  "merger and acquisition": "acquired",
  merger: "acquired",
  bootstrapped: "bootstrapped",
  "self funded": "bootstrapped",
  "self financed": "bootstrapped",
  "no funding": "bootstrapped",
  "secondary market": "other",
  "non equity assistance": "other",
  "initial coin offering": "other",
  ico: "other",
  other: "other",
  "funding round": "venture_unknown",
};

export const parseFundingStage = vocabulary(FundingStage.options, FUNDING_STAGE_WORDS, "funding stage (pre-seed … Series J, venture, debt, grant, private equity, IPO, acquired…)");

export const DEPARTMENT_WORDS: Table<Department> = {
  "revenue operations": "revops",
  "rev ops": "revops",
  revops: "revops",
  "sales operations": "revops",
  "sales ops": "revops",
  "marketing operations": "revops",
  "go to market operations": "revops",
  "gtm operations": "revops",
  sales: "sales",
  "master sales": "sales",
  "business development": "sales",
  "sales development": "sales",
  "inside sales": "sales",
  "account executive": "sales",
  marketing: "marketing",
  "master marketing": "marketing",
  "demand generation": "marketing",
  "demand gen": "marketing",
  growth: "marketing",
  "growth marketing": "marketing",
  "product marketing": "marketing",
  communications: "marketing",
  "customer success": "customer_success",
  "customer support": "customer_success",
  "customer service": "customer_success",
  "customer experience": "customer_success",
  support: "customer_success",
  "account management": "customer_success",
  engineering: "engineering",
  "master engineering technical": "engineering",
  "engineering technical": "engineering",
  "software engineering": "engineering",
  "research and development": "engineering",
  "r and d": "engineering",
  development: "engineering",
  devops: "engineering",
  product: "product",
  "product management": "product",
  design: "product",
  "ux design": "product",
  data: "data",
  "data science": "data",
  "data engineering": "data",
  analytics: "data",
  "business intelligence": "data",
  "master data science": "data",
  it: "it",
  "information technology": "it",
  "master information technology": "it",
  infrastructure: "it",
  security: "security",
  "information security": "security",
  infosec: "security",
  cybersecurity: "security",
  finance: "finance",
  "master finance": "finance",
  accounting: "finance",
  hr: "hr",
  "human resources": "hr",
  "master human resources": "hr",
  people: "hr",
  "people operations": "hr",
  recruiting: "hr",
  "talent acquisition": "hr",
  talent: "hr",
  operations: "operations",
  "master operations": "operations",
  ops: "operations",
  "supply chain": "operations",
  legal: "legal",
  "master legal": "legal",
  compliance: "legal",
  executive: "executive",
  executives: "executive",
  "c suite": "executive",
  leadership: "executive",
  "senior leadership": "executive",
  founder: "executive",
  founders: "executive",
  management: "executive",
  other: "other",
};

export const parseDepartment = vocabulary(Department.options, DEPARTMENT_WORDS, "department");

/** Role nouns a job title names its department by, beside the department names themselves. */
const TITLE_WORDS: Table<Department> = {
  engineer: "engineering",
  developer: "engineering",
  programmer: "engineering",
  sre: "engineering",
  "site reliability": "engineering",
  "data engineer": "data",
  "data scientist": "data",
  "data analyst": "data",
  "analytics engineer": "data",
  "machine learning": "data",
  sdr: "sales",
  bdr: "sales",
  "account executive": "sales",
  "sales representative": "sales",
  "head of outbound": "sales",
  outbound: "sales",
  "revenue operations": "revops",
  revops: "revops",
  "sales operations": "revops",
  designer: "product",
  "product manager": "product",
  "product owner": "product",
  recruiter: "hr",
  accountant: "finance",
  controller: "finance",
  counsel: "legal",
  lawyer: "legal",
  "customer success": "customer_success",
  "support engineer": "customer_success",
};

/**
 * The department a job title names (`Senior Data Engineer` → data, `Head of RevOps` → revops,
 * `Account Executive, Mid-Market` → sales): the longest department name or role noun found as
 * whole words in the title; undefined when none is (the posting then has no department,
 * never a guess). For feeds that send titles without departments (TheirStack's job.new).
 */
export function departmentOfTitle(title: string): Department | undefined {
  const words = ` ${vocabularyKey(title)} `;
  let best: { department: Department; length: number } | undefined;
  for (const table of [TITLE_WORDS, DEPARTMENT_WORDS]) {
    for (const [phrase, department] of Object.entries(table)) {
      if (department === "other" || ["management", "ops", "growth", "development", "people", "support", "talent", "design"].includes(phrase)) continue;
      if (!words.includes(` ${phrase} `)) continue;
      if (!best || phrase.length > best.length) best = { department: department as Department, length: phrase.length };
    }
  }
  return best?.department;
}

const SENIORITIES = ["entry", "mid", "senior", "manager", "director", "vp", "c_level"] as const;
export const parseSeniority = vocabulary(
  SENIORITIES,
  {
    "entry level": "entry",
    junior: "entry",
    intern: "entry",
    associate: "mid",
    intermediate: "mid",
    "mid senior level": "senior",
    "mid level": "mid",
    lead: "senior",
    "senior level": "senior",
    management: "manager",
    head: "director",
    "head of": "director",
    "vice president": "vp",
    svp: "vp",
    evp: "vp",
    "c level": "c_level",
    "c suite": "c_level",
    cxo: "c_level",
    executive: "c_level",
    owner: "c_level",
    founder: "c_level",
    partner: "c_level",
  },
  "seniority",
);

/**
 * A contact's seniority (the contact contract's levels) as Apollo ("c_suite", "vp", "head",
 * "director", "manager", "senior", "entry", "intern", "owner", "founder", "partner"), HubSpot
 * and Salesforce picklists write it.
 */
export const parseContactSeniority = vocabulary(
  Seniority.options,
  {
    "c suite": "c_level",
    "c level": "c_level",
    cxo: "c_level",
    executive: "c_level",
    owner: "c_level",
    founder: "c_level",
    partner: "c_level",
    vp: "vice_president",
    "vice president": "vice_president",
    svp: "vice_president",
    evp: "vice_president",
    head: "head",
    "head of": "head",
    director: "director",
    manager: "manager",
    management: "manager",
    lead: "manager",
    senior: "individual_contributor",
    "mid senior level": "individual_contributor",
    "mid level": "individual_contributor",
    mid: "individual_contributor",
    entry: "individual_contributor",
    "entry level": "individual_contributor",
    junior: "individual_contributor",
    intern: "individual_contributor",
    associate: "individual_contributor",
    staff: "individual_contributor",
    "individual contributor": "individual_contributor",
    ic: "individual_contributor",
  },
  "seniority (c-suite, VP, head, director, manager, individual contributor…)",
);

/** How a contact engaged, in CRM and sequencer wording ("Form submission", "Email replied", "Meeting booked"…). */
export const parseEngagementKind = vocabulary(
  EngagementKind.options,
  {
    download: "content_download",
    "form submission": "content_download",
    "form submitted": "content_download",
    "content download": "content_download",
    ebook: "content_download",
    webinar: "webinar_attended",
    "webinar attended": "webinar_attended",
    reply: "email_reply",
    replied: "email_reply",
    "email replied": "email_reply",
    "email reply": "email_reply",
    meeting: "meeting",
    "meeting booked": "meeting",
    "meeting held": "meeting",
    call: "meeting",
    visit: "website_visit",
    "page view": "website_visit",
    "website visit": "website_visit",
    event: "event_attended",
    "event attended": "event_attended",
  },
  "engagement (content download, webinar, email reply, meeting, website visit, event)",
);

/** A contact's status: active, or left the account ("Former employee", "No longer at company", "Bounced" is not "left"). */
export const parseContactStatus = vocabulary(
  ["active", "left"] as const,
  { current: "active", employed: "active", "former employee": "left", former: "left", "no longer at company": "left", "no longer with company": "left", "left company": "left", departed: "left", inactive: "left" },
  "status (active or left)",
);

/** G2 Buyer Intent signal types and page wordings → the category_research activity. */
const G2_ACTIVITIES = ["category_page", "product_profile", "comparison", "alternatives", "pricing"] as const;
export const parseG2Activity = vocabulary(
  G2_ACTIVITIES,
  {
    category: "category_page",
    "category page": "category_page",
    "viewed category": "category_page",
    "category research": "category_page",
    profile: "product_profile",
    "product profile": "product_profile",
    "viewed profile": "product_profile",
    "viewed product profile": "product_profile",
    "profile page": "product_profile",
    reviews: "product_profile",
    compare: "comparison",
    compared: "comparison",
    "comparison page": "comparison",
    "compared products": "comparison",
    "product comparison": "comparison",
    "competitor comparison": "comparison",
    alternative: "alternatives",
    "alternatives page": "alternatives",
    "viewed alternatives": "alternatives",
    "competitor alternatives": "alternatives",
    "pricing page": "pricing",
    "viewed pricing": "pricing",
    "pricing page visit": "pricing",
  },
  "G2 activity (category, profile, compare, alternatives, pricing)",
);

export const parseSentiment = vocabulary(
  ["positive", "neutral", "negative"] as const,
  {
    interested: "positive",
    "very interested": "positive",
    "meeting booked": "positive",
    "meeting request": "positive",
    "wants a demo": "positive",
    yes: "positive",
    "not interested": "negative",
    "not now": "neutral",
    later: "neutral",
    "maybe later": "neutral",
    "out of office": "neutral",
    ooo: "neutral",
    "auto reply": "neutral",
    "auto replied": "neutral",
    "wrong person": "neutral",
    referral: "neutral",
    "do not contact": "negative",
    objection: "negative",
    "angry": "negative",
    "unsubscribe request": "negative",
  },
  "reply sentiment (positive, neutral, negative, interested, not interested…)",
);

export const parseAssetType = vocabulary(
  ["roi_calculator", "case_study", "whitepaper", "ebook", "report", "template", "other"] as const,
  { "roi calculator": "roi_calculator", calculator: "roi_calculator", "case study": "case_study", "customer story": "case_study", "white paper": "whitepaper", "e book": "ebook", guide: "ebook", "research report": "report", checklist: "template", playbook: "template" },
  "asset type",
);

export const parseAnnouncementKind = vocabulary(
  ["product_launch", "expansion", "strategic_initiative", "partnership", "other"] as const,
  { launch: "product_launch", "new product": "product_launch", "product release": "product_launch", "new office": "expansion", "market expansion": "expansion", "new market": "expansion", initiative: "strategic_initiative", "digital transformation": "strategic_initiative", partner: "partnership", "new partnership": "partnership" },
  "announcement kind",
);

export const parseAcquisitionRole = vocabulary(["acquirer", "acquired"] as const, { acquiror: "acquirer", buyer: "acquirer", bought: "acquirer", acquiring: "acquirer", target: "acquired", "was acquired": "acquired", sold: "acquired" }, "acquisition role (acquirer or acquired)");

export const parseLeadershipChange = vocabulary(["joined", "departed"] as const, { hired: "joined", "new hire": "joined", appointed: "joined", promoted: "joined", started: "joined", left: "departed", departure: "departed", resigned: "departed", "stepped down": "departed" }, "leadership change (joined or departed)");

export const parseChannel = vocabulary(["email", "sms", "other"] as const, { "e mail": "email", mail: "email", text: "sms", "text message": "sms" }, "channel");

export const parseBusinessModel = vocabulary(BusinessModel.options, { "business to business": "b2b", "business to consumer": "b2c", b2b2c: "b2b2c", "b2b and b2c": "b2b2c", "b2c and b2b": "b2b2c" }, "business model (B2B, B2C, B2B2C)");

export const parseDeliveryModel = vocabulary(
  DeliveryModel.options,
  { "software as a service": "saas", cloud: "saas", service: "services", consulting: "services", "professional services": "services", agency: "services", "on premise": "on_premise_software", "on prem": "on_premise_software", "on premises": "on_premise_software", devices: "hardware" },
  "delivery model (SaaS, services, marketplace, hardware, on-premise software)",
);

/** Signal type names and vendor event names → our signal types (`Pricing Page Visit` → pricing_page_visit). */
const SIGNAL_TYPE_WORDS: Table<SignalType> = {
  "job post": "job_posting",
  "job opening": "job_posting",
  "job listing": "job_posting",
  "new job": "job_posting",
  "open role": "job_posting",
  hiring: "job_posting",
  funding: "funding_round",
  "new funding": "funding_round",
  "funding event": "funding_round",
  "raised funding": "funding_round",
  "leadership hire": "leadership_change",
  "new executive": "leadership_change",
  "executive change": "leadership_change",
  acquired: "acquisition",
  "merger acquisition": "acquisition",
  "m and a": "acquisition",
  "press release": "announcement",
  news: "announcement",
  "hiring surge": "hiring_spike",
  "headcount growth": "hiring_spike",
  layoff: "layoffs",
  "reduction in force": "layoffs",
  surge: "intent_topic_surge",
  "topic surge": "intent_topic_surge",
  "company surge": "intent_topic_surge",
  "intent surge": "intent_topic_surge",
  "bombora surge": "intent_topic_surge",
  "buyer intent": "category_research",
  "g2 buyer intent": "category_research",
  "g2 intent": "category_research",
  "review site research": "category_research",
  "pricing page": "pricing_page_visit",
  "pricing visit": "pricing_page_visit",
  "pricing page view": "pricing_page_visit",
  "viewed pricing page": "pricing_page_visit",
  "visited pricing page": "pricing_page_visit",
  "demo request": "demo_request",
  "demo requested": "demo_request",
  "requested demo": "demo_request",
  "request a demo": "demo_request",
  "contact sales": "demo_request",
  download: "content_download",
  "asset download": "content_download",
  "form fill": "content_download",
  webinar: "webinar_attended",
  "webinar attendance": "webinar_attended",
  "attended webinar": "webinar_attended",
  "webinar attendee": "webinar_attended",
  "email replied": "email_reply",
  replied: "email_reply",
  reply: "email_reply",
  "careers page": "careers_page_visit",
  "careers visit": "careers_page_visit",
  "jobs page visit": "careers_page_visit",
  unsubscribed: "unsubscribe",
  "opt out": "unsubscribe",
  "competitor visit": "competitor_visitor",
  competitor: "competitor_visitor",
};

export function parseSignalType(raw: unknown): Cell<SignalType> {
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const hit = lookupIn(SIGNAL_TYPES, SIGNAL_TYPE_WORDS, text.value) ?? lookupIn(SIGNAL_TYPES, SIGNAL_TYPE_WORDS, vocabularyKey(text.value).replace(/ (signal|event|visits?)$/, ""));
  return hit === undefined ? notUnderstood(`a signal type: one of ${SIGNAL_TYPES.join(", ")}`) : value(hit);
}

const TRUE = new Set(["true", "yes", "y", "1", "t", "x", "checked", "ja", "oui", "si", "sí"]);
const FALSE = new Set(["false", "no", "n", "0", "f", "unchecked", "nein", "non"]);

export function parseBoolean(raw: unknown): Cell<boolean> {
  if (typeof raw === "boolean") return value(raw);
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const s = text.value.toLowerCase();
  if (TRUE.has(s)) return value(true);
  if (FALSE.has(s)) return value(false);
  return notUnderstood("true or false (yes/no, 1/0)");
}

/**
 * An opportunity's stage as CRMs write it: Salesforce's "Closed Won" / "Closed Lost" and
 * its open stages (Prospecting, Qualification, Needs Analysis, Value Proposition, Id.
 * Decision Makers, Perception Analysis, Proposal/Price Quote, Negotiation/Review), HubSpot's
 * internal ids (closedwon, closedlost, appointmentscheduled, qualifiedtobuy,
 * presentationscheduled, decisionmakerboughtin, contractsent) and their labels, or plainly
 * won / lost / open. A stage naming "won" or "lost" is closed that way; a known open stage is
 * open; anything else is unknown (the caller reads it as open and says so: a deal is never
 * counted as lost on a guess).
 */
const OPEN_STAGES = new Set([
  "open",
  "prospecting",
  "qualification",
  "needs analysis",
  "value proposition",
  "id decision makers",
  "perception analysis",
  "proposal price quote",
  "proposal",
  "negotiation review",
  "negotiation",
  "discovery",
  "demo",
  "demo scheduled",
  "evaluation",
  "contract sent",
  "contractsent",
  "appointment scheduled",
  "appointmentscheduled",
  "qualified to buy",
  "qualifiedtobuy",
  "presentation scheduled",
  "presentationscheduled",
  "decision maker bought in",
  "decisionmakerboughtin",
  "pipeline",
  "in progress",
]);
export function parseOpportunityStage(raw: unknown): Cell<"won" | "lost" | "open"> {
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const key = vocabularyKey(text.value);
  const words = ` ${key} `;
  if (/ (closed ?)?won /.test(words) || key === "closedwon") return value("won");
  if (/ (closed ?)?lost /.test(words) || key === "closedlost") return value("lost");
  if (OPEN_STAGES.has(key)) return value("open");
  return unknown("unknown_value", "is not a stage icpstream knows (won, lost or an open stage)");
}
