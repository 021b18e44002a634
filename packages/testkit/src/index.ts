export { StackFixture, stackSettings, stackTest, uniqueName, waitFor, type TopicRequest } from "./fixtures.js";
export { settingsFromEnvironment, type StackSettings } from "./settings.js";
