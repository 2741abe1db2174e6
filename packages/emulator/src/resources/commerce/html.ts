// Server-rendered pages of the emulator (hosted checkout, invoices): escaping and the shared layout.

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Cents as a price, e.g. `1999, "usd"` -> `$19.99`; other currencies get their code. */
export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
  } catch {
    // Only letters of an unknown currency code reach the page.
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase().replace(/[^A-Z]/g, "")}`;
  }
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f4f6;color:#1c1c22}
main{max-width:34rem;margin:2rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
label{display:block;margin:.6rem 0 .2rem;font-weight:600;font-size:.9rem}
input,select{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #bbb;border-radius:6px;font:inherit}
fieldset{border:1px solid #ddd;border-radius:8px;margin:1rem 0;padding:.5rem 1rem 1rem}
.row{display:flex;gap:.75rem}.row>*{flex:1}
.choice{display:flex;gap:.5rem;align-items:center;font-weight:400}.choice input{width:auto}
button{margin-top:1rem;width:100%;padding:.75rem;border:0;border-radius:8px;background:#2446d8;color:#fff;font:600 1rem system-ui}
button.secondary{background:#e4e6ef;color:#1c1c22}
.error{background:#fde8e8;color:#8a1010;border:1px solid #f3b4b4;border-radius:8px;padding:.75rem;margin:1rem 0}
.ok{background:#e6f6ea;color:#14532d;border-radius:8px;padding:.75rem;margin:1rem 0}
table{width:100%;border-collapse:collapse}td{padding:.3rem 0}td:last-child{text-align:right}
.total td{font-weight:700;border-top:1px solid #ddd}.muted{color:#666;font-size:.85rem}
`;

/** A complete HTML document around `body` (already escaped by the caller). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

/** A `text/html` response. */
export const htmlResponse = (html: string, status = 200): Response =>
  new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
