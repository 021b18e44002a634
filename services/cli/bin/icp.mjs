#!/usr/bin/env node
// The `icp` command. We run TypeScript source directly (no build step): register tsx's
// ESM loader, then hand over to the composition root.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
