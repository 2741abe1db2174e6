// Next.js 15, still in @polar-kit/nextjs's peer range (^15 || ^16): the README's routes on the
// Node.js runtime, Node 22 and TypeScript 5, as an existing Next 15 project has them.
import { nextRow } from "../lib/next-app.mjs";

export default nextRow({ name: "next15-node", node: "22.23.5", runtime: "nodejs", typescript: "^5", next: "^15" });
