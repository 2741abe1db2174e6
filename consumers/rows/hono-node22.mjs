// An existing Node 22 project: TypeScript 5, whose checks of our declarations differ from 7's.
import { honoNodeRow } from "../lib/hono-node.mjs";

export default honoNodeRow({
  name: "hono-node22",
  node: "22.23.5",
  typesNode: "^22",
  typescript: "^5",
  manager: "npm",
});
