// Downloadable files of granted `downloadables` benefits, and the short-lived URLs that serve their
// bytes (the API hands out presigned S3 URLs valid for an hour; the emulator serves them itself).
import type { Hono } from "hono";
import type { EmulatorState } from "../../context";
import { secret } from "../../ids";
import type { Doc } from "../../store";
import { readFileBytes } from "../catalog";
import { KIND as CATALOG_KIND } from "../catalog/shared";
import { currentBenefit } from "../commerce/products";
import { type BenefitGrant, type Customer, KIND } from "../commerce/shared";
import { derivedUuid, presentAs } from "./present";

const DOWNLOAD = "portal_download";
const DOWNLOAD_TTL_MS = 60 * 60 * 1000;

type DownloadDoc = Doc & { file_id: string; customer_id: string; expires_at: string };
type FileDoc = Doc & { name: string; mime_type: string; is_uploaded: boolean; organization_id: string };

interface Downloadable {
  id: string;
  benefit_id: string;
  file: Record<string, unknown> & { name: string; size: number; download: { url: string } };
}

/** A new download URL of a file for the customer, valid for an hour. */
function downloadUrl(state: EmulatorState, customer: Customer, fileId: string) {
  const token = secret("", 32);
  const expiresAt = state.clock.iso(DOWNLOAD_TTL_MS);
  state.store.insert(
    DOWNLOAD,
    { id: token, file_id: fileId, customer_id: customer.id, expires_at: expiresAt, created_at: state.clock.iso() },
    { organizationId: customer.organization_id, customerId: customer.id },
  );
  return { url: `${state.publicUrl()}/__emulator/downloads/${token}`, headers: {}, expires_at: expiresAt };
}

/**
 * The files of the customer's granted `downloadables` benefits (`DownloadableRead`), one per
 * benefit and file, each with a fresh download URL. Archived files and unfinished uploads are left out.
 */
export function customerDownloadables(state: EmulatorState, customer: Customer, benefitId?: unknown): Downloadable[] {
  const now = state.clock.iso();
  const seen = new Set<string>();
  const out: Downloadable[] = [];
  for (const grant of state.store.all<BenefitGrant>(KIND.grant, { customerId: customer.id })) {
    if (!grant.is_granted || grant.benefit.type !== "downloadables") continue;
    if (benefitId != null && ![benefitId].flat().includes(grant.benefit_id)) continue;
    const benefit = currentBenefit(state, grant.benefit);
    const properties = benefit.properties as { files?: string[]; archived?: Record<string, boolean> };
    for (const fileId of properties.files ?? []) {
      const key = `${benefit.id}:${fileId}`;
      if (seen.has(key) || properties.archived?.[fileId]) continue;
      const file = state.store.find<FileDoc>(CATALOG_KIND.file, fileId);
      if (!file?.is_uploaded || file.organization_id !== customer.organization_id) continue;
      seen.add(key);
      out.push({
        id: derivedUuid("downloadable", customer.id, benefit.id, fileId),
        benefit_id: benefit.id,
        file: presentAs("FileDownload", { ...file, download: downloadUrl(state, customer, fileId) }, now),
      });
    }
  }
  return out;
}

/** `GET /__emulator/downloads/{token}`: the bytes of the file behind a download URL, until it expires. */
export function downloadRoutes(app: Hono, state: EmulatorState): void {
  app.get("/__emulator/downloads/:token", (c) => {
    const download = state.store.find<DownloadDoc>(DOWNLOAD, c.req.param("token"));
    const live = download && new Date(download.expires_at).getTime() > state.clock.now().getTime();
    const file = live ? state.store.find<FileDoc>(CATALOG_KIND.file, download.file_id) : undefined;
    const bytes = file ? readFileBytes(state, file.id) : undefined;
    if (!file || !bytes) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired or the key does not exist</Message></Error>`;
      return c.body(xml, 403, { "content-type": "application/xml" });
    }
    const filename = encodeURIComponent(file.name);
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": file.mime_type,
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename*=UTF-8''${filename}`,
    });
  });
}
