import type { Context, Hono } from "hono";
import { readBytes } from "../../body";
import type { EmulatorState } from "../../context";
import { readFileBytes, sha256Base64, storePart, uploadOf } from "./file-storage";
import { PUBLIC_SERVICES } from "./files";
import { KIND } from "./shared";

/** The largest part the emulator accepts in one PUT (S3 allows 5 GiB; a local emulator needs far less). */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

// Browser apps upload straight to these URLs, as they would to S3, and read the part's ETag back.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "PUT, GET, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "ETag",
};

/** An error in S3's XML shape, which is what clients of presigned URLs expect. */
function s3Error(c: Context, status: number, code: string, message: string): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return c.body(xml, status as 400, { ...CORS, "content-type": "application/xml" });
}

/** `PUT /__emulator/uploads/{file}/{part}?uploadId=…`: receives one part, as S3's UploadPart. */
async function receivePart(c: Context, state: EmulatorState): Promise<Response> {
  const fileId = c.req.param("fileId") ?? "";
  const number = Number(c.req.param("part"));
  const file = state.store.find(KIND.file, fileId);
  const upload = file ? uploadOf(state, fileId) : undefined;
  if (!file || !upload) return s3Error(c, 404, "NoSuchUpload", "The specified upload does not exist.");
  const declared = upload.parts.find((part) => part.number === number);
  if (c.req.query("uploadId") !== upload.uploadId || !declared) {
    return s3Error(c, 403, "AccessDenied", "There is no upload URL for this part.");
  }
  if (state.clock.now() > new Date(upload.expiresAt)) return s3Error(c, 403, "AccessDenied", "Request has expired");

  const bytes = await readBytes(c.req.raw, Math.min(Number(file.size), MAX_PART_BYTES));
  if (!bytes) return s3Error(c, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.");
  const actual = sha256Base64(bytes);
  const claimed = [c.req.header("x-amz-checksum-sha256"), declared.checksum_sha256_base64].filter(Boolean);
  if (claimed.some((checksum) => checksum !== actual)) {
    return s3Error(c, 400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
  }
  const etag = state.db.transaction(() => storePart(state, fileId, number, bytes));
  return c.body(null, 200, { ...CORS, etag, "x-amz-checksum-sha256": actual });
}

/** `GET /__emulator/files/{file}`: the public URL of product media and avatars. */
function servePublicFile(c: Context, state: EmulatorState): Response {
  const fileId = c.req.param("fileId") ?? "";
  const file = state.store.find(KIND.file, fileId);
  const bytes = file && PUBLIC_SERVICES.has(file.service as string) ? readFileBytes(state, fileId) : undefined;
  if (!file || !bytes) return s3Error(c, 404, "NoSuchKey", "The specified key does not exist.");
  return c.body(new Uint8Array(bytes), 200, { ...CORS, "content-type": String(file.mime_type) });
}

/** The emulator's stand-ins for S3: part uploads and public file downloads. */
export function fileRoutes(app: Hono, state: EmulatorState): void {
  app.options("/__emulator/uploads/:fileId/:part", (c) => c.body(null, 204, CORS));
  app.put("/__emulator/uploads/:fileId/:part", (c) => receivePart(c, state));
  app.get("/__emulator/files/:fileId", (c) => servePublicFile(c, state));
}
