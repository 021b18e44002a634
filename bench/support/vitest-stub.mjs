/**
 * Module hooks that let a benchmark reuse the e2e harness outside vitest: `@icpstream/testkit`
 * builds its vitest fixture (`test.extend`) when loaded, which throws outside a test run.
 * Here "vitest" resolves to a stub whose `test.extend` and `inject` do nothing; the bench
 * uses only the plain parts (StackFixture with explicit settings, waitFor, uniqueName).
 */
const STUB = "data:text/javascript," + encodeURIComponent(`
  const test = () => { throw new Error("vitest's test() is not available in a benchmark"); };
  test.extend = () => test;
  export { test };
  export const inject = () => { throw new Error("no vitest stack here: pass StackSettings explicitly"); };
`);

export async function resolve(specifier, context, next) {
  if (specifier === "vitest") return { url: STUB, shortCircuit: true };
  return next(specifier, context);
}
