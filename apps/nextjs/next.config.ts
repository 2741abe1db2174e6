import type { NextConfig } from "next";

// Route handlers and server components run on Node.js. The store in @polar-kit/example-store opens
// its SQLite file with node:sqlite, a Node.js builtin that Next never bundles, so no package needs
// an entry in serverExternalPackages.
const nextConfig: NextConfig = {
  poweredByHeader: false,
  async rewrites() {
    return {
      // A folder holds a page or a route handler, not both. The sign-in form posts to /login, and a
      // request to /login with a body (a content type) is that post: it goes to its route handler.
      beforeFiles: [{ source: "/login", has: [{ type: "header", key: "content-type" }], destination: "/login/submit" }],
    };
  },
};

export default nextConfig;
