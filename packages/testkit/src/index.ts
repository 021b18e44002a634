export { StackFixture, stackSettings, stackTest, uniqueName, waitFor, type TopicRequest } from "./fixtures.js";
export { connectionEnv, settingsFromEnvironment, type StackSettings } from "./settings.js";
