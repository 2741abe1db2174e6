import type { EmulatorState } from "./context";

/** Demo data: filled in as the catalog resources land (products of every kind, benefits). */
export function seedDemo(_state: EmulatorState, _organizationId: string): void {}
