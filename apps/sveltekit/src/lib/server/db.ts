// The store's data in SQLite: its users, and the facts Polar's webhooks delivered. The store itself
// (tables, upserts, the "not older" rule) is shared with the Next.js example in
// @polar-kit/example-store; this app only says where its file lives and when to close it.
import { closeSqliteStores, openSqliteStore, type SqliteStore } from "@polar-kit/example-store/sqlite-store";
import { dataDir } from "./config";

/** The store of the configured data folder (`APP_DATA_DIR`), opened (and created) on first use. */
export const store = (): SqliteStore => openSqliteStore(dataDir());

// adapter-node emits this on SIGTERM/SIGINT once requests are done: close the files cleanly.
process.on("sveltekit:shutdown", closeSqliteStores);
