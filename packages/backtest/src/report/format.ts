/** Number formats shared by verdicts, the terminal table and the HTML page. */
export const percent = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(digits)}%`);
export const times = (x: number | null | undefined): string => (x === null || x === undefined ? "∞" : `${x.toFixed(x >= 10 ? 0 : 1)}×`);
/** A difference of rates in percentage points, signed: `+3 points`, `−8 points`. */
export const points = (x: number): string => {
  const v = Math.round(x * 100);
  return `${v < 0 ? "−" : "+"}${Math.abs(v)} points`;
};
export const money = (x: number | null | undefined, currency: string): string =>
  x === null || x === undefined ? "–" : `${Math.round(x).toLocaleString("en-US")} ${currency}`;
export const decimal = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined ? "–" : x.toFixed(digits));
export const count = (n: number): string => n.toLocaleString("en-US");
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
export const formatTierShare = (x: number): string => `${(x * 100).toFixed(1)}%`;
