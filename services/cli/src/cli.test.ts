import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const EXAMPLES = ["-a", "examples/accounts.csv", "-s", "examples/signals.csv", "--as-of", "2026-11-01"];

describe("icp rubric check", () => {
  it("prints a summary of a valid rubric", async () => {
    const t = memoryIo();
    expect(await runCli(["rubric", "check", "rubrics/enterprise.yaml"], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^rubrics\/enterprise\.yaml: valid — version enterprise 2026-Q4 @ [0-9a-f]{12}/);
    expect(t.stdout()).toContain("tiers: Tier 1 ≥75, Tier 2 ≥50, Tier 3 ≥0");
    expect(t.stdout()).toContain("demo-request: strong intent while fresh (≤ 14 d)");
    expect(t.stdout()).toContain("tier caps: entrenchedCompetitor → at most tier2");
  });

  it("prints the problems and exits 1 for an invalid rubric", async () => {
    const t = memoryIo({ "bad.yaml": "scorecards:\n  x:\n    name: X\n" });
    expect(await runCli(["rubric", "check", "bad.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("bad.yaml: scorecards.x.fit: expected an object, but it is missing");
  });

  it("says which file is missing", async () => {
    const t = memoryIo();
    expect(await runCli(["rubric", "check", "nope.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toBe("icp: nope.yaml: no such file\n");
  });
});

describe("icp score --contacts and icp explain: the buying committee", () => {
  it("names each account's best contact and committee coverage, and reports the contacts file like the others", async () => {
    const t = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-c", "examples/contacts.csv", "-r", "rubrics/enterprise.yaml", "-f", "csv"], t.io)).toBe(0);
    const rows = parse(t.stdout(), { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.domain === "margies-travel.com")).toMatchObject({ best_contact: "mt-1 (VP Sales)", committee: "4/4 roles, 3 contacts" });
    expect(rows.find((r) => r.domain === "fourth-coffee.com")).toMatchObject({ best_contact: "fc-1 (Head of Growth)", committee: "2/4 roles, 2 contacts" });
    expect(t.stderr()).toContain("examples/contacts.csv: 11 rows read, 10 contacts imported, 1 rejected");
    expect(t.stderr()).toContain("gmail.com is a personal mailbox provider");
  });

  it("contacts raise the organisational layer of an account that has no roles in its columns", async () => {
    const without = memoryIo();
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "-f", "ndjson"], without.io);
    const withContacts = memoryIo();
    await runCli(["score", ...EXAMPLES, "-c", "examples/contacts.csv", "-r", "rubrics/enterprise.yaml", "-f", "ndjson"], withContacts.io);
    const fitOf = (out: string) => (out.trim().split("\n").map((l) => JSON.parse(l) as { domain: string; fit: number }).find((r) => r.domain === "margies-travel.com")?.fit ?? NaN);
    expect(fitOf(withContacts.stdout()) - fitOf(without.stdout())).toBeCloseTo((15 / 70) * 100, 1);
  });

  it("explain shows the committee and each contact's score, rule by rule", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "margies-travel.com", "-a", "examples/accounts.csv", "-c", "examples/contacts.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01"], t.io)).toBe(0);
    expect(t.stdout()).toContain("Buying committee: 3 contacts, 4/4 roles held");
    expect(t.stdout()).toContain("best contact: mt-1 (VP Sales), 35 points: economic buyer, user; budget authority +20, engaged with content +15");
    expect(t.stdout()).toContain("contact mt-2 (RevOps Manager): 25 points, champion, user");
    expect(t.stdout()).toContain("champion: contact mt-2 (RevOps Manager)");
  });

  it("refuses a contacts mapping for another kind of file", async () => {
    const t = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-c", "examples/contacts.csv", "--contacts-mapping", "examples/mappings/hubspot-companies.yaml", "-r", "rubrics/enterprise.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("this mapping is for accounts, not contacts");
  });
});

describe("icp score --waterfall", () => {
  it("reports the enrichment calls of the rubric's waterfall against enriching everything first", async () => {
    const t = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "--waterfall"], t.io)).toBe(0);
    expect(t.stdout()).toContain("Enrichment waterfall [enterprise]: 17 accounts; floor 13 firmographic points, organisational threshold fit 50");
    expect(t.stdout()).toMatch(/ {2}waterfall {4} +\d+ +\d+ +\d+\n {2}everything {3} +17 +17 +34/);
    expect(t.stdout()).toContain("0 of them stopped early by the waterfall");
  });

  it("as NDJSON, one report per scorecard; a rubric without a waterfall section is refused by name", async () => {
    const t = memoryIo();
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "--waterfall", "-f", "ndjson"], t.io);
    const report = JSON.parse(t.stdout().trim()) as { accounts: number; totals: { everything: number } };
    expect(report).toMatchObject({ accounts: 17, totals: { everything: 34 } });
    const plg = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-r", "rubrics/plg.yaml", "--waterfall"], plg.io)).toBe(1);
    expect(plg.stderr()).toContain("--waterfall: no scorecard of rubrics/plg.yaml has a waterfall section");
  });
});

describe("icp score", () => {
  it("writes a ranked CSV with tier, quadrant and reasons, and reports rejected rows and unknown values by reason", async () => {
    const t = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "-f", "csv"], t.io)).toBe(0);
    const rows = parse(t.stdout(), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ rank: "1", domain: "northwind-analytics.com", tier: "tier1", quadrant: "top_priority" });
    expect(rows.map((r) => Number(r.rank))).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.tier === "excluded").map((r) => r.domain).sort()).toEqual(["acorn-labs.dev", "tailspin-health.com"]);
    expect(rows.map((r) => r.domain)).toContain("fourth-coffee.com");
    expect(t.stderr()).toContain("examples/accounts.csv: 18 rows read, 17 accounts imported, 1 rejected, 1 warnings");
    expect(t.stderr()).toContain('examples/accounts.csv:19: employee_count: value "lots" not understood (expected a whole number or a range such as 51-200); employeeCount left unknown');
    expect(t.stderr()).toMatch(/ {5}1 {2}invalid_domain \(domain ×1\)/);
    expect(t.stderr()).toMatch(/Enterprise sales-led \[enterprise\] as of 2026-11-01T00:00:00.000Z: Tier 1 \d+/);
  });

  it("scores every scorecard of every rubric given", async () => {
    const t = memoryIo();
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "-r", "rubrics/plg.yaml", "-f", "ndjson"], t.io);
    const rows = t.stdout().trim().split("\n").map((l) => JSON.parse(l) as { scorecard: string });
    expect(new Set(rows.map((r) => r.scorecard))).toEqual(new Set(["enterprise", "plg"]));
  });

  it("warns when the top tier holds more than 15% of the pool", async () => {
    const accounts = ["domain,industry,employee_count", ...Array.from({ length: 5 }, (_, i) => `a${i}.com,software,300`)].join("\n");
    const rubric = "scorecards:\n  x:\n    name: Generous\n    fit: { firmographics: { max: 10, industry: [{ values: [software], points: 10 }] } }\n    timing: { layers: { t: { max: 10, rules: [{ id: d, signal: demo_request, points: 10 }] } } }\n    weights: { fit: 1 }\n    holdWithoutTiming: false\n    tiers: [{ id: top, name: Top, min: 50, action: call }, { id: rest, name: Rest, min: 0, action: wait }]\n";
    const t = memoryIo({ "a.csv": accounts, "r.yaml": rubric });
    await runCli(["score", "-a", "a.csv", "-r", "r.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io);
    expect(t.stderr()).toContain("warning: Generous: Top holds 100% of 5 accounts, above the healthy 10%–15%; raise Top's min (50): the thresholds are too generous");
  });

  it("warns when the top tier holds less than its healthy share, and says which way to move the threshold", async () => {
    const accounts = ["domain,industry,employee_count", ...Array.from({ length: 10 }, (_, i) => `a${i}.com,${i < 5 ? "software" : "retail"},300`)].join("\n");
    const rubric = "scorecards:\n  x:\n    name: Strict\n    fit: { firmographics: { max: 10, industry: [{ values: [software], points: 6 }] } }\n    timing: { layers: { t: { max: 10, rules: [{ id: d, signal: demo_request, points: 10 }] } } }\n    weights: { fit: 1 }\n    holdWithoutTiming: false\n    tiers: [{ id: top, name: Top, min: 90, action: call }, { id: rest, name: Rest, min: 0, action: wait }]\n";
    const t = memoryIo({ "a.csv": accounts, "r.yaml": rubric });
    await runCli(["score", "-a", "a.csv", "-r", "r.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io);
    expect(t.stderr()).toContain("warning: Strict: Top holds 0% of 10 accounts, below the healthy 10%–15%; lower Top's min (90) or widen what earns it: the thresholds are too strict; a min of 60 would put about 12.5% there by total alone");
  });

  it("rejects a signal dated more than a day after --as-of with its file and line, and scores the rest", async () => {
    const accounts = "domain,industry,employee_count\nacme.com,software,300\n";
    const signals = "domain,type,occurred_at,round\nacme.com,funding_round,2026-10-20,series_b\nacme.com,funding_round,2062-10-20,series_b\n";
    const t = memoryIo({ "a.csv": accounts, "s.csv": signals });
    expect(await runCli(["score", "-a", "a.csv", "-s", "s.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "ndjson"], t.io)).toBe(0);
    expect(t.stderr()).toContain("future_dated (occurred_at ×1)");
    expect(t.stderr()).toContain("s.csv:3: occurred_at: the signal is dated 2062-10-20T00:00:00Z");
    expect(t.stderr()).toContain("after the as-of instant (2026-11-01T00:00:00.000Z); at most 24 hours ahead is accepted");
    expect(JSON.parse(t.stdout().trim()).top_reasons).toContain("new funding round +20");
    const tolerant = memoryIo({ "a.csv": accounts, "s.csv": signals });
    await runCli(["score", "-a", "a.csv", "-s", "s.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "ndjson", "--future-tolerance-hours", "1000000"], tolerant.io);
    expect(tolerant.stderr()).not.toContain("future");
  });

  it("prints a table on a terminal", async () => {
    const t = memoryIo({}, { tty: true });
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "--limit", "3"], t.io);
    expect(t.stdout()).toContain("northwind-analytics");
    expect(t.stderr()).toContain("showing the top 3 of 17 rows");
  });

  it("gives the same output for the same inputs and as-of time", async () => {
    const a = memoryIo();
    const b = memoryIo({}, { now: "2030-01-01T00:00:00Z" });
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/plg.yaml", "-f", "csv"], a.io);
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/plg.yaml", "-f", "csv"], b.io);
    expect(b.stdout()).toBe(a.stdout());
  });

  it("rejects an as-of time without a zone", async () => {
    const t = memoryIo();
    expect(await runCli(["score", "-a", "examples/accounts.csv", "-r", "rubrics/plg.yaml", "--as-of", "2026-11-01T10:00"], t.io)).toBe(1);
    expect(t.stderr()).toContain("--as-of: expected a date");
  });
});

describe("icp explain", () => {
  it("lists every rule that contributed with its points and the event behind it", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "https://www.Northwind-Analytics.com/pricing", ...EXAMPLES, "-r", "rubrics/enterprise.yaml"], t.io)).toBe(0);
    const text = t.stdout();
    expect(text).toContain("northwind-analytics.com — scorecard enterprise, rubric enterprise 2026-Q4 @ ");
    expect(text).toContain("+20     new funding round  [timing.triggers.funding]");
    expect(text).toContain("event sig-001, 17.67 d old");
    expect(text).toMatch(/firmographics: 30 of max 30, capped from 33/);
    expect(text).toMatch(/strong intent: pricing page visits, 3 × pricing_page_visit within 7 days \(sig-003, sig-004, sig-005\), event sig-003, [\d.]+ d old, strong until 2026-11-0/);
  });

  it("says when the account is not in the file", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "nobody.com", ...EXAMPLES, "-r", "rubrics/enterprise.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("nobody.com: not in examples/accounts.csv");
  });
});

describe("icp score on vendor exports", () => {
  const accounts = "domain,name,employee_count,revenue_usd\nacme.com,Acme,fifty-ish,$10M-$50M\nhttps://www.linkedin.com/company/globex,Globex,20,\nnot a domain,Broken,5,\n";

  it("writes every rejected row and every unknown value to --rejects and --warnings files, CSV or NDJSON", async () => {
    const t = memoryIo({ "a.csv": accounts });
    expect(await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv", "--rejects", "rejects.csv", "--warnings", "warnings.ndjson"], t.io)).toBe(0);
    const rejects = parse(t.written["rejects.csv"] ?? "", { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => [r.kind, r.file, r.line, r.column, r.reason])).toEqual([
      ["reject", "a.csv", "3", "domain", "profile_url"],
      ["reject", "a.csv", "4", "domain", "invalid_domain"],
    ]);
    const warnings = (t.written["warnings.ndjson"] ?? "").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).toEqual([{ kind: "warning", file: "a.csv", line: 2, column: "employee_count", value: "fifty-ish", reason: "not_understood", message: expect.stringContaining("not understood") }]);
    expect(t.stderr()).toContain("a.csv: 3 rows read, 1 accounts imported, 2 rejected, 1 warnings");
    expect(t.stderr()).toMatch(/1 {2}profile_url \(domain ×1\)/);
  });

  it("exits 1 past --max-rejected, as a count or a share, after writing its output", async () => {
    const over = memoryIo({ "a.csv": accounts });
    expect(await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv", "--max-rejected", "1"], over.io)).toBe(1);
    expect(over.stdout()).toContain("acme.com");
    expect(over.stderr()).toContain("icp: 2 of 3 rows were rejected, more than --max-rejected 1");
    const share = memoryIo({ "a.csv": accounts });
    expect(await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv", "--max-rejected", "50%"], share.io)).toBe(1);
    const within = memoryIo({ "a.csv": accounts });
    expect(await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv", "--max-rejected", "70%"], within.io)).toBe(0);
  });

  it("exits 1 when every row of a file was rejected", async () => {
    const t = memoryIo({ "a.csv": "website,name\nhttps://www.linkedin.com/company/first-co,First\nhttps://www.linkedin.com/company/second-co,Second\n" });
    expect(await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io)).toBe(1);
    expect(t.stderr()).toContain("icp: every row of a.csv was rejected");
  });

  it("reads UTF-16 files with ; detected, and two signal files from two vendors through their own mappings", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[..."domain;name\nacme.com;Acme\n"].flatMap((c) => [c.charCodeAt(0), 0])]);
    const bombora = "Domain,Topic Name,Composite Score,Date\nacme.com,Lead Scoring,85,2026-10-26\n";
    const g2 = "Day,Company Domain,Category Name,Signal Type\n2026-10-27,acme.com,Lead Scoring,compare\n";
    const t = memoryIo({ "a.csv": utf16, "bombora.csv": bombora, "g2.csv": g2 });
    const code = await runCli(["score", "-a", "a.csv", "-s", "bombora.csv", "-s", "g2.csv", "--signals-mapping", "examples/mappings/bombora-surge.yaml", "--signals-mapping", "examples/mappings/g2-intent.yaml", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "ndjson"], t.io);
    expect(code).toBe(0);
    const row = JSON.parse(t.stdout().trim()) as { domain: string; top_reasons: string };
    expect(row.domain).toBe("acme.com");
    expect(row.top_reasons).toContain("third-party topic surge");
    expect(row.top_reasons).toContain("researching our category on a review site");
  });

  it("reads a file with the delimiter given by --delimiter", async () => {
    const t = memoryIo({ "a.txt": "domain|name\nacme.com|Acme, Inc.\n" });
    expect(await runCli(["score", "-a", "a.txt", "--delimiter", "|", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "ndjson"], t.io)).toBe(0);
    expect(JSON.parse(t.stdout().trim())).toMatchObject({ domain: "acme.com", name: "Acme, Inc." });
  });

  it("escapes cells a spreadsheet would run as formulas in CSV output (CSV injection through a company name)", async () => {
    const t = memoryIo({ "a.csv": 'domain,name\nacme.com,"=HYPERLINK(""http://evil.example"",""x"")"\nglobex.com,+1 555 0100\nhooli.com,@SUM(A1)\ninitech.com,-cmd\n' });
    await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io);
    const names = (parse(t.stdout(), { columns: true }) as Record<string, string>[]).map((r) => r.name).sort();
    expect(names).toEqual(["'+1 555 0100", "'-cmd", "'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1)"]);
    const raw = memoryIo({ "a.csv": "domain,name\nacme.com,=1+1\n" });
    await runCli(["score", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01", "-f", "csv", "--no-formula-escape"], raw.io);
    expect((parse(raw.stdout(), { columns: true }) as Record<string, string>[])[0]?.name).toBe("=1+1");
  });
});

describe("icp explain on vendor exports", () => {
  it("shows an attribute left unknown with its value and why, and the range rule", async () => {
    const t = memoryIo({ "a.csv": "domain,employee_count,revenue_usd\nacme.com,fifty-ish,$10M-$50M\n" });
    expect(await runCli(["explain", "acme.com", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01"], t.io)).toBe(0);
    expect(t.stdout()).toContain('employee count unknown (value "fifty-ish" not understood');
    expect(t.stdout()).toContain("revenue given as a range 10000000–50000000 USD; rubric bands match its midpoint 30000000");
  });

  it("says why an account is missing when its row was rejected", async () => {
    const t = memoryIo({ "a.csv": "domain\nacme.com;globex.com\nhooli.com\n" });
    expect(await runCli(["explain", "acme.com", "-a", "a.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01"], t.io)).toBe(1);
    expect(t.stderr()).toContain("acme.com: not in a.csv (line 2 was rejected:");
  });
});

describe("safe configuration files", () => {
  it("refuses a rubric with a YAML alias bomb, naming the file, instead of a raw ReferenceError", async () => {
    const levels = Array.from({ length: 10 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`);
    const t = memoryIo({ "bomb.yaml": ["l0: &l0 [x, x, x, x, x, x, x, x, x]", ...levels, "scorecards: *l10"].join("\n") });
    expect(await runCli(["rubric", "check", "bomb.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/^bomb\.yaml: refused: its YAML aliases expand to too many nodes/);
  });

  it("refuses a rubric over the size limit before parsing it (a 50 MB rubric)", async () => {
    const t = memoryIo({ "big.yaml": `# ${"x".repeat(2 * 1024 * 1024)}\nscorecards: {}\n` });
    expect(await runCli(["rubric", "check", "big.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/^big\.yaml: 2\.0 MiB is more than a rubric may hold \(1\.0 MiB\)/);
  });

  it("refuses a huge input file with no line break early, with a clear message", async () => {
    const t = memoryIo({ "blob.csv": new Uint8Array(3 * 1024 * 1024).fill(0x41) });
    expect(await runCli(["score", "-a", "blob.csv", "-r", "rubrics/enterprise.yaml", "--as-of", "2026-11-01"], t.io)).toBe(1);
    expect(t.stderr()).toContain("blob.csv: no line break in the first 1024 KiB");
  });
});
