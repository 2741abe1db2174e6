// The harness's own HTTP server, one per row, on 127.0.0.1:
// - POST /record: the consumer app's user modules (see user-modules.mjs) report each callback here,
//   over plain fetch, so it works on every runtime (workerd included);
// - POST /tap: the emulator's webhook URL. Each delivery is kept byte for byte with its signature
//   headers and forwarded unchanged to the app's webhook route; the app's status goes back to the
//   emulator. The kept delivery is later replayed with its body changed (the tamper check).
import { createServer } from "node:http";
import { within } from "./processes.mjs";

const SIGNATURE_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"];

export async function startRecorder() {
  const calls = [];
  const deliveries = [];
  const waiters = new Set();
  let webhookTarget;
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    if (req.method === "POST" && req.url === "/record") {
      calls.push(JSON.parse(body.toString("utf8")));
      notify();
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST" && req.url === "/tap") {
      const headers = Object.fromEntries(SIGNATURE_HEADERS.map((name) => [name, req.headers[name] ?? ""]));
      const delivery = { body, headers, type: parseType(body), appStatus: undefined, appError: undefined };
      deliveries.push(delivery);
      try {
        if (!webhookTarget) throw new Error("no app to forward to yet");
        const answer = await fetch(webhookTarget, { method: "POST", headers, body });
        delivery.appStatus = answer.status;
        delivery.appBody = await answer.text();
      } catch (error) {
        delivery.appError = String(error);
      }
      notify();
      res.writeHead(delivery.appStatus ?? 502).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  return {
    url,
    recordUrl: `${url}/record`,
    tapUrl: `${url}/tap`,
    calls,
    deliveries,
    /** Where tapped deliveries go: the app's webhook route. */
    forwardTo(target) {
      webhookTarget = target;
    },
    /** Resolves with the first value `find()` returns, re-checked on every call and delivery. */
    waitFor(timeoutMs, label, find) {
      let waiter;
      const found = new Promise((resolve) => {
        waiter = () => {
          const value = find();
          if (value !== undefined) resolve(value);
        };
        waiters.add(waiter);
        waiter();
      });
      return within(timeoutMs, label, found).finally(() => waiters.delete(waiter));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseType(body) {
  try {
    return JSON.parse(body.toString("utf8")).type;
  } catch {
    return undefined;
  }
}
