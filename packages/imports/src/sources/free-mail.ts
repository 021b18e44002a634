import freeMailDomains from "email-providers/all.json" with { type: "json" };

/**
 * Free-mail providers (gmail.com, outlook.com, yahoo.co.uk, gmx.de, 163.com … about 8,700
 * domains), from the maintained `email-providers` package: an address there says nothing
 * about the company its owner works for, so its domain never names an account.
 */
const FREE_MAIL: ReadonlySet<string> = new Set((freeMailDomains as string[]).map((d) => d.toLowerCase()));

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.trim().toLowerCase().replace(/\.$/, ""));
}

/** The domain part of an e-mail address (`dana@Quillfeather.example` → `quillfeather.example`), or undefined. */
export function emailDomain(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const text = raw.trim().replace(/^mailto:/i, "");
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) return undefined;
  const domain = text.slice(at + 1).toLowerCase();
  return /^[^\s@]+\.[^\s@]+$/.test(domain) ? domain : undefined;
}
