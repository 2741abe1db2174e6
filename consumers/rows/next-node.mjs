// Next.js 16, App Router, the README's routes on the Node.js runtime: Node 22 (the oldest we
// support) and TypeScript 6. Not TypeScript 5: Next.js 16.5's own url-pattern.d.ts names
// URLPattern, which TypeScript 5.9's DOM library and @types/node 22 do not declare, so a
// skipLibCheck: false check fails in Next's files before it reaches ours.
import { nextRow } from "../lib/next-app.mjs";

export default nextRow({ name: "next-node", node: "22.23.5", runtime: "nodejs", typescript: "^6" });
