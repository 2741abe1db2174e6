export type { EmulatorState, OperationHandlers } from "./context";
export { DEMO_USAGE_EVENT } from "./seed";
export { type EmulatorOptions, type RunningEmulator, startEmulator } from "./server";
