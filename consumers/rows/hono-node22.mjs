import { honoNodeRow } from "../lib/hono-node.mjs";

export default honoNodeRow({ name: "hono-node22", node: "22.23.5", typesNode: "^22", manager: "npm" });
