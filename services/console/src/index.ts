export { buildConsole } from "./server.js";
export type { ConsoleOptions, LiveFeed } from "./server.js";
export { isAuthorized, sessionValue, SESSION_COOKIE } from "./auth.js";
export { ConsoleEnv, parseConsoleEnv } from "./config.js";
