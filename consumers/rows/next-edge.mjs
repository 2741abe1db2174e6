// Next.js 16, App Router, the README's routes with `export const runtime = "edge"` added: Node 26
// and the latest TypeScript (7).
import { nextRow } from "../lib/next-app.mjs";

export default nextRow({ name: "next-edge", node: "26.12.1", runtime: "edge", typescript: "^7" });
