// The interface of a row (consumers/rows/<name>.mjs default-exports one). Types only; see
// consumers/README.md for what each phase must do.

/**
 * @typedef {object} RowContext
 * @property {string} name the row's name
 * @property {string} root the repository (read READMEs from it, never install from it)
 * @property {string} dir the row's fresh project folder, outside the workspace
 * @property {Record<string, string>} tarballs packed packages: `core`, `hono`, `nextjs`, `sveltekit`, `emulator`
 * @property {string} nodeHome the row's Node.js folder (`bin/node`)
 * @property {Record<string, string>} env the row's environment (its Node first on PATH, no POLAR_*)
 * @property {{ recordUrl: string }} recorder POST `{ call, args }` to `recordUrl` (see user-modules.mjs)
 * @property {(text: string) => void} note a fact printed under the table (e.g. which builds pnpm skipped)
 * @property {(command: string, args: string[], options?: object) => Promise<string>} run runs to completion in `dir`
 * @property {(command: string, args: string[], options: { ready: (output: string) => unknown, timeoutMs?: number, env?: object }) => Promise<{ ready: unknown, stop: () => Promise<void>, output: () => string }>} startServer
 *   starts a process in `dir` (stopped by the harness after the row)
 */

/**
 * @typedef {object} Row
 * @property {string} name same as the file name, e.g. "hono-node22"
 * @property {string} node Node.js version the row's tools run on, e.g. "22.23.5"
 * @property {boolean} [ownEmulator] the row's install adds @polar-kit/emulator to its own project and
 *   the emulator is started there (`npx polar-kit-emulator` in `dir`); else from the shared npm install
 * @property {(ctx: RowContext) => Promise<void>} install create the project, copy README blocks, install
 * @property {(ctx: RowContext) => Promise<void>} build typecheck (`tsc --noEmit`, strict, `skipLibCheck: false`) and build
 * @property {(ctx: RowContext, app: { port: number, appUrl: string, env: Record<string, string> }) => Promise<void>} start
 *   start the app on `port`, giving it `env` (POLAR_API_URL, POLAR_ACCESS_TOKEN, POLAR_WEBHOOK_SECRET,
 *   POLAR_APP_URL) the way a user of that runtime would; resolve once it answers
 * @property {{ checkout: string, portal: string, webhooks: string }} routes the app's paths
 * @property {(userId: string) => Record<string, string>} signedIn request headers that sign `userId` in
 * @property {string} paidCallback the user function the order.paid callback calls with the order id
 * @property {(ctx: RowContext, app: { appUrl: string, emulator: { url: string, accessToken: string }, recorder: object }) => Promise<void>} [afterChecks]
 *   more checks of the running app, after the shared ones passed (the recorder still forwards deliveries)
 */

export {};
