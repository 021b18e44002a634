import { mkdtempSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { REPO_ROOT } from "@icpstream/infra";
import { writeFaultReport } from "./fault-report.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the fault tests append their report rows (one JSON object a line). */
    faultReportFile: string;
  }
}

/** Gives the fault tests a file to append rows to; at the end prints the table and writes bench/results/faults-<timestamp>.{json,md}. */
export default function setup(project: TestProject): () => void {
  const file = join(mkdtempSync(join(tmpdir(), "icp-faults-")), "rows.ndjson");
  project.provide("faultReportFile", file);
  return () => {
    writeFaultReport(file, join(REPO_ROOT, "bench", "results"), {
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
      "session timeout": "6000 ms (the harness's ICP_SESSION_TIMEOUT_MS)",
      recovery: "from the fault's injection until the affected services applied every message their inputs held at that moment",
    });
  };
}
