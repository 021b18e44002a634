/**
 * Free-text categories (industries, departments, technologies, roles, topics) arrive
 * spelled differently by every tool: "Computer Software", "COMPUTER_SOFTWARE",
 * "computer-software". Rubrics and inputs are compared after this normalization:
 * lower-case, `&` read as "and", runs of anything but letters and digits as one space
 * (`+`, `#` and inner dots are kept, for names like "C#" and "Node.js").
 */
const ALREADY_NORMAL = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

// Input values repeat across a pool (the same industries and tools on thousands of rows):
// remember recent results. Bounded so that a stream of unique values cannot grow it.
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string>();

export function normalizeLabel(value: string): string {
  if (ALREADY_NORMAL.test(value)) return value;
  let normal = memo.get(value);
  if (normal === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    normal = computeLabel(value);
    memo.set(value, normal);
  }
  return normal;
}

function computeLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}+#.]+/gu, " ")
    .replace(/(?<![\p{L}\p{N}])\.|\.(?![\p{L}\p{N}])/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

// Rubric value lists are compared against every account and signal; normalize each list
// once. Keyed by the list itself, so the memo lives exactly as long as the rubric.
const normalizedLists = new WeakMap<readonly unknown[], ReadonlySet<string>>();

/** The normalized form of every string in a (rubric) list, computed once per list. */
export function normalizedSet(values: readonly unknown[]): ReadonlySet<string> {
  let set = normalizedLists.get(values);
  if (!set) {
    set = new Set(values.filter((v): v is string => typeof v === "string").map(normalizeLabel));
    normalizedLists.set(values, set);
  }
  return set;
}
