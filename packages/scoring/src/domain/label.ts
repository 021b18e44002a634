/**
 * Free-text categories (industries, departments, technologies, roles, topics) arrive
 * spelled differently by every tool: "Computer Software", "COMPUTER_SOFTWARE",
 * "computer-software". Rubrics and inputs are compared after this normalization:
 * lower-case, `&` read as "and", runs of anything but letters and digits as one space.
 */
export function normalizeLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}+#.]+/gu, " ")
    .replace(/(?<![\p{L}\p{N}])\.|\.(?![\p{L}\p{N}])/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}
