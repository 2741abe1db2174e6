import { createHash } from "node:crypto";
import type { EmulatorState } from "../../context";
import { KIND } from "./shared";

// File bytes live in two tables of their own (made by the migrations in `db.ts`), next to the API
// objects: the open multipart upload of a file (what `files:create` promised) and the parts
// uploaded to it.

export type DeclaredPart = {
  number: number;
  chunk_start: number;
  chunk_end: number;
  checksum_sha256_base64: string | null;
};
export type StoredPart = { number: number; etag: string; sha256: string; size: number };

export const sha256Base64 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes);

/** S3's ETag of a single object or part: the quoted MD5 of its bytes. */
export const partEtag = (bytes: Uint8Array) => `"${md5(bytes).digest("hex")}"`;

/** S3's ETag of a completed multipart object: MD5 of the parts' MD5 digests, then `-<part count>`. */
export function multipartEtag(parts: StoredPart[]): string {
  const digests = Buffer.concat(parts.map((p) => Buffer.from(p.etag.replaceAll('"', ""), "hex")));
  return `"${md5(digests).digest("hex")}-${parts.length}"`;
}

export type OpenUpload = { uploadId: string; expiresAt: string; parts: DeclaredPart[] };

export function openUpload(
  state: EmulatorState,
  fileId: string,
  uploadId: string,
  expiresAt: string,
  parts: DeclaredPart[],
): void {
  state.db
    .prepare("INSERT INTO catalog_file_uploads (file_id, upload_id, expires_at, parts) VALUES (?, ?, ?, ?)")
    .run(fileId, uploadId, expiresAt, JSON.stringify(parts));
}

export function uploadOf(state: EmulatorState, fileId: string): OpenUpload | undefined {
  const row = state.db
    .prepare("SELECT upload_id, expires_at, parts FROM catalog_file_uploads WHERE file_id = ?")
    .get(fileId) as { upload_id: string; expires_at: string; parts: string } | undefined;
  return row && { uploadId: row.upload_id, expiresAt: row.expires_at, parts: JSON.parse(row.parts) as DeclaredPart[] };
}

/** Stores (or replaces, as S3 does) one part; returns its ETag. */
export function storePart(state: EmulatorState, fileId: string, number: number, bytes: Uint8Array): string {
  const etag = partEtag(bytes);
  state.db
    .prepare(
      "INSERT OR REPLACE INTO catalog_file_parts (file_id, part_number, data, etag, sha256) VALUES (?, ?, ?, ?, ?)",
    )
    .run(fileId, number, Buffer.from(bytes), etag, sha256Base64(bytes));
  return etag;
}

export function storedParts(state: EmulatorState, fileId: string): StoredPart[] {
  return state.db
    .prepare(
      "SELECT part_number AS number, etag, sha256, length(data) AS size FROM catalog_file_parts WHERE file_id = ? ORDER BY part_number",
    )
    .all(fileId) as StoredPart[];
}

function concatenatedParts(state: EmulatorState, fileId: string): Buffer {
  const rows = state.db
    .prepare("SELECT data FROM catalog_file_parts WHERE file_id = ? ORDER BY part_number")
    .all(fileId) as { data: Buffer }[];
  return Buffer.concat(rows.map((row) => row.data));
}

/** The bytes the parts `numbers` make up together, in part order. */
export function bytesOfParts(state: EmulatorState, fileId: string, numbers: number[]): Buffer {
  const rows = state.db
    .prepare("SELECT part_number, data FROM catalog_file_parts WHERE file_id = ? ORDER BY part_number")
    .all(fileId) as { part_number: number; data: Buffer }[];
  return Buffer.concat(rows.filter((row) => numbers.includes(row.part_number)).map((row) => row.data));
}

/** Closes the upload: keeps the listed parts as the file's content and drops the others. */
export function completeUpload(state: EmulatorState, fileId: string, numbers: number[]): void {
  const db = state.db;
  const placeholders = numbers.map(() => "?").join(", ") || "NULL";
  db.prepare(`DELETE FROM catalog_file_parts WHERE file_id = ? AND part_number NOT IN (${placeholders})`).run(
    fileId,
    ...numbers,
  );
  db.prepare("DELETE FROM catalog_file_uploads WHERE file_id = ?").run(fileId);
}

/** Stores a whole file at once (demo data), as a completed one-part upload. */
export function writeFileBytes(state: EmulatorState, fileId: string, bytes: Uint8Array): StoredPart {
  storePart(state, fileId, 1, bytes);
  return storedParts(state, fileId)[0] as StoredPart;
}

export function deleteFileBytes(state: EmulatorState, fileId: string): void {
  const db = state.db;
  db.prepare("DELETE FROM catalog_file_parts WHERE file_id = ?").run(fileId);
  db.prepare("DELETE FROM catalog_file_uploads WHERE file_id = ?").run(fileId);
}

/**
 * The content of an uploaded file, for downloads (customer portal, product media). `undefined` for
 * an unknown file or one whose upload was not completed.
 */
export function readFileBytes(state: EmulatorState, fileId: string): Buffer | undefined {
  const file = state.store.find(KIND.file, fileId);
  if (!file?.is_uploaded) return undefined;
  return concatenatedParts(state, fileId);
}
