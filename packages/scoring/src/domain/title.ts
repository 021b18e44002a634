import { normalizeLabel } from "./label.js";

/**
 * Job titles and role names as people write them: "Sr. RevOps Mgr", "VP, Sales",
 * "Head of Outbound", "Demand Gen Lead". Titles are compared after `normalizeLabel` and then,
 * word by word: abbreviations spelled out ("sr" → "senior", "revops" and "rev ops" →
 * "revenue operations", "vp" → "vice president", "sdr" → "sales development representative",
 * "gen" → "generation"…), and filler words dropped ("of", "for", "the", "and"…), so that
 * "Head of Growth" contains "head growth" and "VP of Sales" contains "vp sales" whichever way
 * either side is spelled. The hiring roles the references name (Head of Outbound, Outbound
 * Sales Rep, RevOps Manager, Demand Gen Lead, Head of Growth) all survive this unchanged in
 * meaning (methodology and GTM articles, hiring signals).
 */
const EXPANSIONS: Readonly<Record<string, string>> = {
  sr: "senior",
  snr: "senior",
  jr: "junior",
  mgr: "manager",
  mngr: "manager",
  dir: "director",
  vp: "vice president",
  svp: "senior vice president",
  evp: "executive vice president",
  avp: "assistant vice president",
  cro: "chief revenue officer",
  cmo: "chief marketing officer",
  ceo: "chief executive officer",
  cfo: "chief financial officer",
  coo: "chief operating officer",
  cto: "chief technology officer",
  cio: "chief information officer",
  revops: "revenue operations",
  salesops: "sales operations",
  mops: "marketing operations",
  rev: "revenue",
  ops: "operations",
  gen: "generation",
  demandgen: "demand generation",
  sdr: "sales development representative",
  sdrs: "sales development representatives",
  bdr: "business development representative",
  bdrs: "business development representatives",
  ae: "account executive",
  aes: "account executives",
  csm: "customer success manager",
  rep: "representative",
  reps: "representatives",
  mktg: "marketing",
  biz: "business",
  bizdev: "business development",
  bd: "business development",
  gtm: "go to market",
  eng: "engineering",
  engr: "engineer",
  assoc: "associate",
  exec: "executive",
  intl: "international",
};
const FILLER = new Set(["of", "for", "the", "and", "to", "in", "at", "a", "an", "with"]);

const MEMO_LIMIT = 20_000;
const memo = new Map<string, string>();

/** The comparable form of a job title or role phrase (see above). Pure, memoised. */
export function normalizeTitle(value: string): string {
  let normal = memo.get(value);
  if (normal === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    normal = normalizeLabel(value)
      .replace(/\./g, " ")
      .split(" ")
      .filter((word) => word.length > 0 && !FILLER.has(word))
      .map((word) => EXPANSIONS[word] ?? word)
      .join(" ");
    memo.set(value, normal);
  }
  return normal;
}

/**
 * Whole-word match of a title phrase in a title, both normalised: "revops" is in "Sr. Rev Ops
 * Manager", "vp sales" is in "SVP, Sales" (a senior vice president of sales is a vice
 * president of sales), "ops" is not in "DevOps Engineer" (one word).
 */
export function titleContains(text: string, phrase: string): boolean {
  const wanted = normalizeTitle(phrase);
  return wanted.length > 0 && ` ${normalizeTitle(text)} `.includes(` ${wanted} `);
}
