import { z } from "zod";
import { AccountKey } from "./account-key.js";
import { IsoDate, IsoDateTime } from "./time.js";

/**
 * The stable facts about an account: who it is. Fit is computed from this alone.
 *
 * Every attribute is optional because enrichment is a waterfall: an unknown value
 * (absent) is different from a known negative (`false`). A rubric deducts for
 * "no budget holder" only when enrichment said so (`budgetHolderIdentified: false`).
 *
 * Objects are not strict: unknown keys are dropped, so a producer on a newer contract
 * version (with an added optional field) never breaks a consumer on an older one.
 */

export const BusinessModel = z.enum(["b2b", "b2c", "b2b2c"]);
export type BusinessModel = z.infer<typeof BusinessModel>;

export const DeliveryModel = z.enum(["saas", "services", "marketplace", "hardware", "on_premise_software", "other"]);
export type DeliveryModel = z.infer<typeof DeliveryModel>;

/**
 * Latest funding stage, in the words Crunchbase, Apollo and HubSpot use: pre-seed … Series J,
 * a venture round whose series nobody reported (`venture_unknown`: Apollo's "Venture (Round
 * not Specified)", Crunchbase's "Venture - Series Unknown"), convertible notes, debt, grants,
 * corporate rounds, crowdfunding, private equity, public (IPO and post-IPO rounds), acquired.
 * `series_d_plus` predates the single later series and still means "Series D or later": a
 * rubric that lists it matches series_d … series_j too (see `fundingStageMatches`).
 */
export const FundingStage = z.enum([
  "bootstrapped",
  "pre_seed",
  "seed",
  "series_a",
  "series_b",
  "series_c",
  "series_d_plus",
  "private_equity",
  "public",
  "acquired",
  "other",
  "angel",
  "series_d",
  "series_e",
  "series_f",
  "series_g",
  "series_h",
  "series_i",
  "series_j",
  "venture_unknown",
  "convertible_note",
  "debt",
  "grant",
  "corporate_round",
  "crowdfunding",
]);
export type FundingStage = z.infer<typeof FundingStage>;

/** A revenue range as data providers report it when they have no exact figure (`maxUsd` absent = open-ended). */
export const RevenueRange = z
  .object({
    minUsd: z.number().nonnegative(),
    maxUsd: z.number().nonnegative().optional(),
  })
  .refine((r) => r.maxUsd === undefined || r.maxUsd >= r.minUsd, { message: "expected maxUsd ≥ minUsd", path: ["maxUsd"] });
export type RevenueRange = z.infer<typeof RevenueRange>;

/** An employee headcount range as data providers report it ("51-200", "10,001+"); `max` absent = open-ended. */
export const EmployeeRange = z
  .object({
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.max === undefined || r.max >= r.min, { message: "expected max ≥ min", path: ["max"] });
export type EmployeeRange = z.infer<typeof EmployeeRange>;

export const Firmographics = z
  .object({
    /** Industry label as the source gives it; rubrics compare it with `normalizeLabel`. */
    industry: z.string().min(1).optional(),
    employeeCount: z.number().int().nonnegative().optional(),
    /** A headcount range when the source has no exact figure; `employeeCount` is preferred when both are present. */
    employeeRange: EmployeeRange.optional(),
    /** Exact annual revenue in USD; preferred over `revenueRange` when both are present. */
    revenueUsd: z.number().nonnegative().optional(),
    revenueRange: RevenueRange.optional(),
    /** ISO 3166-1 alpha-2, upper-case (`US`, `DE`). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 country code such as US")
      .optional(),
    /** Sales region as the seller defines it (`NA`, `EMEA`, `APAC`, `LATAM`, …). */
    region: z.string().min(1).optional(),
    businessModel: BusinessModel.optional(),
    deliveryModel: DeliveryModel.optional(),
    fundingStage: FundingStage.optional(),
  });
export type Firmographics = z.infer<typeof Firmographics>;

/** A technology seen in the account's stack (BuiltWith / HG Data / Apollo style). */
export const Technology = z
  .object({
    name: z.string().min(1),
    /** Optional category from the source (`crm`, `sales engagement`, …), kept for explanations. */
    category: z.string().min(1).optional(),
  });
export type Technology = z.infer<typeof Technology>;

/**
 * A competitor in the account's stack. A weak competitor the seller regularly displaces
 * is a plus; an entrenched one on a multi-year contract is a minus. Strength is a
 * judgement recorded by enrichment or by a rep, not inferred here.
 */
export const CompetitorStrength = z.enum(["weak", "entrenched"]);
export type CompetitorStrength = z.infer<typeof CompetitorStrength>;

export const CompetitorContract = z
  .object({
    vendor: z.string().min(1),
    strength: CompetitorStrength,
    contractEndsAt: IsoDate.optional(),
  });
export type CompetitorContract = z.infer<typeof CompetitorContract>;

export const Technographics = z
  .object({
    technologies: z.array(Technology).default([]),
    competitorContracts: z.array(CompetitorContract).default([]),
  });
export type Technographics = z.infer<typeof Technographics>;

export const Organisational = z
  .object({
    /** Buying roles known to exist at the account (`RevOps Lead`, `VP Demand Gen`, …). */
    buyingRolesPresent: z.array(z.string().min(1)).default([]),
    championIdentified: z.boolean().optional(),
    budgetHolderIdentified: z.boolean().optional(),
    hasTechnicalTeam: z.boolean().optional(),
  });
export type Organisational = z.infer<typeof Organisational>;

/** Facts the anti-ICP rules look at. Dates say when the fact was recorded. */
export const AntiIcpFacts = z
  .object({
    hiringFreeze: z.boolean().optional(),
    recentLayoffs: z.boolean().optional(),
    lostOnPriceAt: IsoDateTime.optional(),
    dealWentDarkAt: IsoDateTime.optional(),
    badPaymentHistory: z.boolean().optional(),
    /** A regulatory environment that makes the product non-viable (healthcare data rules, procurement requirements). */
    regulatoryBlocker: z.boolean().optional(),
    /** Legal or contractual do-not-contact. */
    doNotContact: z.boolean().optional(),
  });
export type AntiIcpFacts = z.infer<typeof AntiIcpFacts>;

/**
 * An attribute the source had a value for that could not be used: a placeholder ("N/A"),
 * a value not understood ("fifty-ish"), a currency other than US dollars. The attribute is
 * unknown for scoring; the note says why, so an explanation can show it
 * (`employee count unknown (value "fifty-ish" not understood)`).
 */
export const UnknownAttribute = z.object({
  /** The profile attribute (`employeeCount`, `revenueUsd`, `country`, …). */
  attribute: z.string().min(1).max(100),
  /** The value as the source wrote it. */
  value: z.string().max(500),
  /** Why it was not used, as a phrase after the value: `not understood`, `is a placeholder`. */
  reason: z.string().min(1).max(500),
  /** The source's column, and where it was read (`accounts.csv:4`). */
  column: z.string().min(1).max(200).optional(),
  at: z.string().min(1).max(500).optional(),
});
export type UnknownAttribute = z.infer<typeof UnknownAttribute>;

/**
 * The name of a custom attribute a CRM carries beyond the built-in vocabulary (lead source,
 * landing page, segment, plan, partner…), as a mapping file declares it: snake_case.
 */
export const CustomAttributeName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "expected an attribute name in snake_case (lead_source)");

/**
 * Custom attributes: name → a categorical value (text, compared as a label) or a numeric one.
 * Rubrics score them in the fit's `attributes` layer, like built-in fields; the learner can
 * weigh them. At most 50 per account.
 */
export const CustomAttributes = z.record(CustomAttributeName, z.union([z.string().min(1).max(500), z.number().finite()])).refine((r) => Object.keys(r).length <= 50, { message: "expected at most 50 custom attributes" });
export type CustomAttributes = z.infer<typeof CustomAttributes>;
/** An id of the account in another system: `{ system: "hubspot-company", id: "21468920117" }`. */
export const ExternalId = z.object({
  /** Lower-case system name, as the source mapping names it (`hubspot-company`, `segment-group`, `salesforce-account`). */
  system: z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,62}$/, "expected a lower-case system name such as hubspot-company"),
  id: z.string().min(1).max(200),
});
export type ExternalId = z.infer<typeof ExternalId>;

export const AccountProfile = z
  .object({
    accountKey: AccountKey,
    name: z.string().min(1).optional(),
    firmographics: Firmographics.default({}),
    technographics: Technographics.default({ technologies: [], competitorContracts: [] }),
    organisational: Organisational.default({ buyingRolesPresent: [] }),
    antiIcp: AntiIcpFacts.default({}),
    /** Attributes the source had but that could not be used; absent when there are none. */
    unknownAttributes: z.array(UnknownAttribute).max(100).optional(),
    /** Custom attributes declared by a mapping file (`attributes:`); absent when there are none. */
    custom: CustomAttributes.optional(),
    /**
     * The account's ids in other systems (a CRM's company id, a CDP's group id), as the
     * source knows them: how a payload that names the account only by such an id (a HubSpot
     * deal, a Segment groupId) is resolved to its domain. Optional, added in a
     * backward-compatible step: profiles without it stay valid.
     */
    externalIds: z.array(ExternalId).max(20).optional(),
  });
export type AccountProfile = z.infer<typeof AccountProfile>;
/** What a producer may send: the defaulted parts may be left out. */
export type AccountProfileInput = z.input<typeof AccountProfile>;
