import type { OperationHandlers } from "../context";
import { organizationHandlers } from "./organizations";

/** Every emulated operation. Each resource module adds its own handlers here. */
export const handlers: OperationHandlers = {
  ...organizationHandlers,
};
