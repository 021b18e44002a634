import { uniformInt } from "pure-rand/distribution/uniformInt";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * A seeded random source (pure-rand's xoroshiro128+): the same seed gives the same
 * sequence on every machine and Node version, so bootstrap intervals and generated
 * datasets are reproducible.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
}

export function seededRandom(seed: number): Random {
  const rng = xoroshiro128plus(seed);
  return { next: () => uniformFloat64(rng), int: (from, to) => uniformInt(rng, from, to) };
}
