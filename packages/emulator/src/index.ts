export type { EmulatorState, OperationHandlers } from "./context";
export { type EmulatorOptions, type RunningEmulator, startEmulator } from "./server";
