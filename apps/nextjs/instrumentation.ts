// Runs once when the server starts: a missing variable is named right away (and again on the
// pages), instead of surfacing later as failed checkouts.
export async function register(): Promise<void> {
  // The store runs on Node.js only; this file is also compiled for the edge runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { missingVariables } = await import("./lib/config");
  const missing = missingVariables();
  if (missing.length) console.error(`example-nextjs: set ${missing.join(" and ")} (see apps/nextjs/README.md)`);
}
