// pnpm at its default policy skips dependencies' build scripts unless approved: this row shows
// whether `npx polar-kit-emulator` starts after a plain `pnpm install` of the packed emulator.
import { honoNodeRow } from "../lib/hono-node.mjs";

export default honoNodeRow({
  name: "hono-node26-pnpm",
  node: "26.12.1",
  typesNode: "^26",
  typescript: "latest",
  manager: "pnpm",
  ownEmulator: true,
});
