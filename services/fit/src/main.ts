import { runService } from "@icpstream/service-runtime";
import { fitHandler } from "./handler.js";

// Composition root of the fit service: settings, clients and ops endpoints come from the runtime.
await runService({
  name: "fit",
  defaultOpsPort: 19101,
  inputs: (catalog) => [catalog.firmographic],
  handler: ({ rubric, catalog }) => fitHandler(rubric, catalog),
});
