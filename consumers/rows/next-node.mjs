// Next.js 16, App Router, the README's routes on the Node.js runtime (Node 22, the oldest we support).
import { nextRow } from "../lib/next-app.mjs";

export default nextRow({ name: "next-node", node: "22.23.5", runtime: "nodejs" });
