export { connectionSettings, loadStackConfig, REPO_ROOT, type ConnectionSettings, type StackConfig } from "./config.js";
export { stackDown, stackStatus, stackUp, writeConnectionSettings, type ComponentStatus } from "./stack.js";
export { freePort } from "./processes.js";
export { freeClusterPorts, startRedisCluster, type RedisClusterSpec, type RunningRedisCluster } from "./redis-cluster.js";
