import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { invalid, validationFailure } from "../../errors";
import { secret, uuid } from "../../ids";
import { matches } from "../../pagination";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import {
  bytesOfParts,
  completeUpload,
  type DeclaredPart,
  deleteFileBytes,
  multipartEtag,
  openUpload,
  sha256Base64,
  storedParts,
  uploadOf,
  writeFileBytes,
} from "./file-storage";
import { syncReferences } from "./references";
import { inOrganizationFilter, KIND, ownDoc, pathId, schemaForTag, sortedPage } from "./shared";

type FileCreate = Schema<"FileCreate">;

/** How long the upload URLs `files:create` hands out stay valid, as the API's presigned S3 URLs. */
export const UPLOAD_URL_TTL_MS = 600_000;
// Services whose files are public (product images, avatars), served without a token.
export const PUBLIC_SERVICES = new Set(["product_media", "organization_avatar"]);

/** A byte count as the API's `size_readable`, e.g. `1.5 KB`. */
export function readableSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export const uploadPartUrl = (state: EmulatorState, fileId: string, number: number, uploadId: string) =>
  `${state.publicUrl()}/__emulator/uploads/${fileId}/${number}?uploadId=${uploadId}`;

export const publicFileUrl = (state: EmulatorState, fileId: string) =>
  `${state.publicUrl()}/__emulator/files/${fileId}`;

/** S3 part numbers run from 1 to 10000 and name each part once. */
function partIssues(parts: DeclaredPart[]): Issue[] {
  return parts.flatMap((part, index) => {
    const loc = ["body", "upload", "parts", index, "number"];
    if (part.number < 1 || part.number > 10_000) {
      return [{ loc, msg: "Part numbers run from 1 to 10000.", type: "value_error", input: part.number }];
    }
    if (parts.findIndex((p) => p.number === part.number) !== index) {
      return [{ loc, msg: "Part numbers must be unique.", type: "value_error", input: part.number }];
    }
    return [];
  });
}

/** A new file (not uploaded yet) in the API's `FileRead` shape for its service. */
function newFile(state: EmulatorState, organizationId: string, body: FileCreate): Doc {
  const id = uuid();
  const now = state.clock.iso();
  const checksum = body.checksum_sha256_base64 ?? null;
  return build(schemaForTag("FileRead", body.service), now, {
    id,
    organization_id: organizationId,
    name: body.name,
    path: `${body.service}/${organizationId}/${id}/${body.name}`,
    mime_type: body.mime_type,
    size: body.size,
    storage_version: null,
    checksum_etag: null,
    checksum_sha256_base64: checksum,
    checksum_sha256_hex: checksum ? Buffer.from(checksum, "base64").toString("hex") : null,
    last_modified_at: null,
    version: body.version ?? null,
    service: body.service,
    is_uploaded: false,
    created_at: now,
    size_readable: readableSize(body.size),
    ...(PUBLIC_SERVICES.has(body.service) && { public_url: publicFileUrl(state, id) }),
    ...(body.service === "downloadable" && { flagged_malicious_at: null }),
  }) as Doc;
}

/**
 * Registers a file and answers the upload instructions: one URL per declared part, pointing at
 * the emulator itself (`PUT /__emulator/uploads/{file}/{part}`), in place of S3's presigned URLs.
 */
export function createFile(state: EmulatorState, organizationId: string, body: FileCreate): Doc {
  const parts: DeclaredPart[] = body.upload.parts.map((part) => ({
    number: part.number,
    chunk_start: part.chunk_start,
    chunk_end: part.chunk_end,
    checksum_sha256_base64: part.checksum_sha256_base64 ?? null,
  }));
  const issues = partIssues(parts);
  if (issues.length) throw validationFailure(issues);
  const file = state.store.insert(KIND.file, newFile(state, organizationId, body));
  const uploadId = secret("", 48);
  const expiresAt = state.clock.iso(UPLOAD_URL_TTL_MS);
  openUpload(state, file.id, uploadId, expiresAt, parts);
  const { created_at: _created, public_url: _public, flagged_malicious_at: _flagged, ...fields } = file;
  return build("FileUpload", state.clock.iso(), {
    ...fields,
    upload: {
      id: uploadId,
      path: file.path,
      parts: parts.map((part) => ({
        ...part,
        url: uploadPartUrl(state, file.id, part.number, uploadId),
        expires_at: expiresAt,
        // The headers the client must send, as S3 requires for parts with a declared checksum.
        headers: part.checksum_sha256_base64
          ? { "x-amz-checksum-sha256": part.checksum_sha256_base64, "x-amz-sdk-checksum-algorithm": "SHA256" }
          : {},
      })),
    },
  });
}

/**
 * Completes an upload, as S3's CompleteMultipartUpload: every listed part must have been uploaded,
 * with the ETag and SHA-256 the client reports, and the whole content must match the file's
 * declared `checksum_sha256_base64`.
 */
export function completeFileUpload(
  state: EmulatorState,
  organizationId: string,
  id: string,
  body: Schema<"FileUploadCompleted">,
): Doc {
  const file = ownDoc(state, KIND.file, id, organizationId);
  const upload = uploadOf(state, file.id);
  if (!upload || file.is_uploaded)
    throw invalid(["body", "id"], "The upload does not exist or is already completed.", "value_error", body.id);
  if (body.id !== upload.uploadId)
    throw invalid(["body", "id"], "The upload id does not match the file's upload.", "value_error", body.id);
  if (body.path !== file.path)
    throw invalid(["body", "path"], "The path does not match the file's path.", "value_error", body.path);
  if (!body.parts.length) throw invalid(["body", "parts"], "At least one part is required.", "too_short", body.parts);

  const stored = new Map(storedParts(state, file.id).map((part) => [part.number, part]));
  const issues = body.parts.flatMap((part, index): Issue[] => {
    const loc = ["body", "parts", index];
    const uploaded = stored.get(part.number);
    if (body.parts.findIndex((p) => p.number === part.number) !== index) {
      return [
        { loc: [...loc, "number"], msg: "Part numbers must be unique.", type: "value_error", input: part.number },
      ];
    }
    if (!uploaded)
      return [{ loc, msg: `Part ${part.number} was not uploaded.`, type: "value_error", input: part.number }];
    if (part.checksum_etag.replaceAll('"', "") !== uploaded.etag.replaceAll('"', "")) {
      return [
        {
          loc: [...loc, "checksum_etag"],
          msg: "The ETag does not match the uploaded part.",
          type: "value_error",
          input: part.checksum_etag,
        },
      ];
    }
    if (part.checksum_sha256_base64 != null && part.checksum_sha256_base64 !== uploaded.sha256) {
      return [
        {
          loc: [...loc, "checksum_sha256_base64"],
          msg: "The SHA-256 checksum does not match the uploaded part.",
          type: "value_error",
          input: part.checksum_sha256_base64,
        },
      ];
    }
    return [];
  });
  if (issues.length) throw validationFailure(issues);

  const numbers = body.parts.map((p) => p.number).sort((a, b) => a - b);
  const content = bytesOfParts(state, file.id, numbers);
  if (file.checksum_sha256_base64 && sha256Base64(content) !== file.checksum_sha256_base64) {
    throw invalid(
      ["body", "parts"],
      "The uploaded content does not match the file's checksum_sha256_base64.",
      "value_error",
    );
  }
  completeUpload(state, file.id, numbers);
  return state.store.put(KIND.file, {
    ...file,
    is_uploaded: true,
    checksum_etag: multipartEtag(numbers.map((n) => stored.get(n)!)),
    last_modified_at: state.clock.iso(),
  });
}

/** A file stored whole and already uploaded, for data the emulator makes itself (the demo catalog). */
export function createUploadedFile(
  state: EmulatorState,
  organizationId: string,
  input: { service: FileCreate["service"]; name: string; mime_type: string; bytes: Uint8Array },
): Doc {
  const file = newFile(state, organizationId, {
    service: input.service,
    name: input.name,
    mime_type: input.mime_type,
    size: input.bytes.length,
    checksum_sha256_base64: sha256Base64(input.bytes),
    upload: { parts: [] },
  } as FileCreate);
  const part = writeFileBytes(state, file.id, input.bytes);
  return state.store.insert(KIND.file, {
    ...file,
    is_uploaded: true,
    checksum_etag: multipartEtag([part]),
    last_modified_at: state.clock.iso(),
  });
}

export function updateFile(state: EmulatorState, organizationId: string, id: string, body: Schema<"FilePatch">): Doc {
  const file = ownDoc(state, KIND.file, id, organizationId);
  // The API applies only non-empty values.
  const updated = state.store.put(KIND.file, {
    ...file,
    ...(body.name && { name: body.name }),
    ...(body.version && { version: body.version }),
  });
  syncReferences(state, organizationId);
  return updated;
}

/** Deletes a file and its bytes; products drop it from their media. */
export function deleteFile(state: EmulatorState, organizationId: string, id: string): void {
  ownDoc(state, KIND.file, id, organizationId);
  state.store.remove(KIND.file, id);
  deleteFileBytes(state, id);
  syncReferences(state, organizationId);
}

/** Uploaded files only: a file whose upload was never completed does not show. */
export function listFiles(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const files = state.store
    .all(KIND.file, { organizationId })
    .filter(
      (f) => f.is_uploaded && inOrganizationFilter(query.organization_id, organizationId) && matches(query.ids, f.id),
    );
  return sortedPage(files, query, ["-created_at"]);
}

export const fileHandlers: OperationHandlers = {
  "files:list": ({ state, subject, query }) => listFiles(state, organizationOf(subject), query),
  "files:create": ({ state, subject, body }) => createFile(state, bodyOrganization(subject, body), body),
  "files:uploaded": ({ state, subject, params, body }) =>
    completeFileUpload(state, organizationOf(subject), pathId(params), body),
  "files:update": ({ state, subject, params, body }) =>
    updateFile(state, organizationOf(subject), pathId(params), body),
  "files:delete": ({ state, subject, params }) => {
    deleteFile(state, organizationOf(subject), pathId(params));
    return new Reply(204);
  },
};
