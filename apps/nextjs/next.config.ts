import type { NextConfig } from "next";

// Route handlers and server components run on Node.js. better-sqlite3 (a native module, opened by
// the store in @polar-kit/example-store) is on Next's built-in list of packages kept out of the
// server bundle, so it needs no entry here.
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
