import countries from "i18n-iso-countries";
import type { Cell } from "./cell.js";
import { notUnderstood, textOf, value } from "./cell.js";

/**
 * Countries as exports write them → ISO 3166-1 alpha-2. The source of names is the
 * maintained i18n-iso-countries package (ISO 3166-1 codes with names and common aliases in
 * some 80 languages): `US`, `USA` (alpha-3 or alias), `United States`, `United States of
 * America`, `UK` and `Great Britain` → GB, `Deutschland` → DE, `Norge` → NO. English names
 * are tried first, then every other language the package knows. A location such as
 * `San Francisco, California, United States` (Crunchbase) is read by its last part.
 * Only the four nations of the United Kingdom are added here, because the package does not
 * list them and CRM exports often use them.
 */
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
};

const LANGUAGES = ["en", ...countries.langs().filter((l) => l !== "en")];
const memo = new Map<string, string | null>();

function lookup(text: string): string | undefined {
  const key = text.trim().toLowerCase().replace(/\s+/g, " ").replace(/\.$/, "");
  const known = memo.get(key);
  if (known !== undefined) return known ?? undefined;
  let code: string | undefined;
  if (/^[a-z]{2}$/.test(key) && countries.isValid(key.toUpperCase())) code = key.toUpperCase();
  else if (/^[a-z]{3}$/.test(key) && countries.alpha3ToAlpha2(key.toUpperCase())) code = countries.alpha3ToAlpha2(key.toUpperCase());
  if (code === undefined) code = EXTRA_ALIASES[key];
  if (code === undefined) {
    const name = text.trim().replace(/\s+/g, " ");
    for (const lang of LANGUAGES) {
      code = countries.getAlpha2Code(name, lang);
      if (code) break;
    }
  }
  if (memo.size > 10_000) memo.clear();
  memo.set(key, code ?? null);
  return code;
}

/** A country code, name or alias (or a location ending in one) → ISO 3166-1 alpha-2. */
export function parseCountry(raw: unknown): Cell<string> {
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const direct = lookup(text.value);
  if (direct) return value(direct);
  const parts = text.value.split(",");
  if (parts.length > 1) {
    const last = lookup(parts[parts.length - 1] ?? "");
    if (last) return value(last);
  }
  return notUnderstood("a country: an ISO 3166 code such as DE or DEU, or a name such as Germany or Deutschland");
}
