import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CliIo } from "./io.js";

/**
 * The charting library for `icp backtest --html`: Chart.js's browser (UMD) build, read
 * from node_modules at run time and inlined into the page, so the page never fetches
 * anything. The package's exports do not list the UMD file, so it is found beside the
 * resolved main entry (chart.js/dist/chart.cjs → chart.js/dist/chart.umd.min.js).
 */
export function chartLibraryPath(): string {
  const main = createRequire(import.meta.url).resolve("chart.js");
  return join(dirname(main), "chart.umd.min.js");
}

export async function readChartLibrary(io: CliIo): Promise<string> {
  return io.readText(chartLibraryPath());
}
