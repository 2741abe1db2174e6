import { createHash } from "node:crypto";
import type { PolarApiError, Schema } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { readFileBytes } from "./file-storage";
import { UPLOAD_URL_TTL_MS } from "./files";
import { secondOrganization } from "./test-support";

const { emu, polar } = await useEmulator();
const other = secondOrganization(emu);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

const content = Buffer.from(Array.from({ length: 40 }, (_, i) => `Line ${i}: the quick brown fox.`).join("\n"));
const halves = [content.subarray(0, 900), content.subarray(900)];

/** Declares a two-part downloadable file with checksums, as Polar's own upload client does. */
function twoPartFile(overrides: Partial<Schema<"DownloadableFileCreate">> = {}) {
  return polar.files.create({
    service: "downloadable",
    name: "fox.txt",
    mime_type: "text/plain",
    size: content.length,
    checksum_sha256_base64: sha256(content),
    upload: {
      parts: halves.map((half, index) => ({
        number: index + 1,
        chunk_start: index * 900,
        chunk_end: index * 900 + half.length,
        checksum_sha256_base64: sha256(half),
      })),
    },
    ...overrides,
  } as Schema<"FileCreate">);
}

type Upload = Awaited<ReturnType<typeof twoPartFile>>;

/** PUTs every part to its URL with the headers it asks for; returns the ETags. */
async function putParts(upload: Upload, bodies: Uint8Array[] = halves): Promise<string[]> {
  const etags: string[] = [];
  for (const [index, part] of upload.upload.parts.entries()) {
    const res = await fetch(part.url, { method: "PUT", headers: part.headers, body: new Uint8Array(bodies[index]!) });
    expect(res.status).toBe(200);
    etags.push(res.headers.get("etag") as string);
  }
  return etags;
}

type Completion = ReturnType<typeof completion>;
const completion = (upload: Upload, etags: string[], bodies: Uint8Array[] = halves) => ({
  id: upload.upload.id,
  path: upload.upload.path,
  parts: etags.map((etag, index) => ({
    number: index + 1,
    checksum_etag: etag,
    checksum_sha256_base64: sha256(bodies[index]!),
  })),
});

describe("files:create", () => {
  it("answers upload instructions pointing at the emulator", async () => {
    const upload = await twoPartFile();
    expect(upload).toMatchObject({
      name: "fox.txt",
      service: "downloadable",
      is_uploaded: false,
      organization_id: emu.organizationId,
      path: `downloadable/${emu.organizationId}/${upload.id}/fox.txt`,
      checksum_sha256_base64: sha256(content),
      checksum_sha256_hex: createHash("sha256").update(content).digest("hex"),
      size: content.length,
      size_readable: "1.2 KB",
    });
    expect(upload.upload.parts).toHaveLength(2);
    expect(upload.upload.parts[0]).toMatchObject({
      number: 1,
      chunk_start: 0,
      chunk_end: 900,
      url: `${emu.url}/__emulator/uploads/${upload.id}/1?uploadId=${upload.upload.id}`,
      headers: { "x-amz-checksum-sha256": sha256(halves[0]!), "x-amz-sdk-checksum-algorithm": "SHA256" },
    });
    // Not listed until the upload completes.
    expect((await polar.files.list({ ids: upload.id })).items).toEqual([]);
  });

  it("refuses malformed declarations", async () => {
    const base = {
      name: "x.png",
      mime_type: "image/png",
      size: 10,
      upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: 10 }] },
    };
    const bodies: unknown[] = [
      { ...base, service: "product_media", mime_type: "application/x-msdownload" },
      { ...base, service: "organization_avatar", size: 2 * 1024 * 1024 },
      { ...base, service: "teleport" },
      { ...base, service: "downloadable", size: "ten" },
      { ...base, service: "downloadable", upload: { parts: [{ number: 0, chunk_start: 0, chunk_end: 10 }] } },
      {
        ...base,
        service: "downloadable",
        upload: {
          parts: [
            { number: 1, chunk_start: 0, chunk_end: 5 },
            { number: 1, chunk_start: 5, chunk_end: 10 },
          ],
        },
      },
      { ...base, service: "downloadable", organization_id: emu.organizationId },
    ];
    for (const body of bodies) expect((await call(emu, "POST", "/v1/files/", { body })).status).toBe(422);
  });
});

describe("the upload flow", () => {
  it("stores the parts and completes with matching checksums", async () => {
    const upload = await twoPartFile();
    const etags = await putParts(upload);
    expect(etags[0]).toBe(`"${createHash("md5").update(halves[0]!).digest("hex")}"`);
    const file = await polar.files.uploaded(upload.id, completion(upload, etags));
    expect(file).toMatchObject({
      id: upload.id,
      is_uploaded: true,
      service: "downloadable",
      flagged_malicious_at: null,
    });
    expect(file.checksum_etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(file.last_modified_at).not.toBeNull();
    expect(readFileBytes(emu.state, upload.id)?.equals(content)).toBe(true);
    expect((await polar.files.list({ ids: upload.id })).items.map((f) => f.id)).toEqual([upload.id]);
    // Completing twice is refused.
    const again = await call(emu, "POST", `/v1/files/${upload.id}/uploaded`, { body: completion(upload, etags) });
    expect(again.status).toBe(422);
  });

  it("completes without checksums when none were declared, replacing a part uploaded twice", async () => {
    const bytes = Buffer.from("plain");
    const upload = await polar.files.create({
      service: "downloadable",
      name: "plain.txt",
      mime_type: "text/plain",
      size: bytes.length,
      upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: bytes.length }] },
    });
    await putParts(upload as Upload, [Buffer.from("wrong")]);
    const [etag] = await putParts(upload as Upload, [bytes]);
    const file = await polar.files.uploaded(upload.id, {
      id: upload.upload.id,
      path: upload.upload.path,
      parts: [{ number: 1, checksum_etag: etag!, checksum_sha256_base64: null }],
    });
    expect(file.checksum_sha256_base64).toBeNull();
    expect(readFileBytes(emu.state, upload.id)?.toString()).toBe("plain");
  });

  it("refuses part uploads that S3 would refuse", async () => {
    const upload = await twoPartFile();
    const [first] = upload.upload.parts;
    const put = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
      fetch(url, { method: "PUT", headers, body: new Uint8Array(body) });
    const wrongUpload = await put(first!.url.replace(/uploadId=.*/, "uploadId=guess"), halves[0]!);
    expect(wrongUpload.status).toBe(403);
    expect(await wrongUpload.text()).toContain("<Code>AccessDenied</Code>");
    expect(
      (await put(`${emu.url}/__emulator/uploads/${upload.id}/9?uploadId=${upload.upload.id}`, halves[0]!)).status,
    ).toBe(403);
    expect((await put(`${emu.url}/__emulator/uploads/${crypto.randomUUID()}/1?uploadId=x`, halves[0]!)).status).toBe(
      404,
    );
    // The declared checksum is binding, with or without the header.
    expect((await put(first!.url, halves[1]!)).status).toBe(400);
    expect((await put(first!.url, halves[0]!, { "x-amz-checksum-sha256": sha256(halves[1]!) })).status).toBe(400);
    // Larger than the whole declared file.
    expect((await put(first!.url, Buffer.concat([content, content]))).status).toBe(400);
  });

  it("refuses upload URLs after they expire", async () => {
    const upload = await twoPartFile();
    emu.advanceClock(UPLOAD_URL_TTL_MS + 1000);
    const res = await fetch(upload.upload.parts[0]!.url, {
      method: "PUT",
      headers: upload.upload.parts[0]!.headers,
      body: new Uint8Array(halves[0]!),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Request has expired");
  });

  it.each([
    ["a wrong upload id", (body: Completion) => ({ ...body, id: "nope" }), ["body", "id"]],
    ["a wrong path", (body: Completion) => ({ ...body, path: "../../etc/passwd" }), ["body", "path"]],
    ["no parts", (body: Completion) => ({ ...body, parts: [] }), ["body", "parts"]],
    [
      "a part never uploaded",
      (body: Completion) => ({
        ...body,
        parts: [...body.parts, { number: 3, checksum_etag: '"x"', checksum_sha256_base64: null }],
      }),
      ["body", "parts", 2],
    ],
    [
      "a wrong ETag",
      (body: Completion) => ({ ...body, parts: [{ ...body.parts[0], checksum_etag: '"0000"' }, body.parts[1]] }),
      ["body", "parts", 0, "checksum_etag"],
    ],
    [
      "a wrong part checksum",
      (body: Completion) => ({
        ...body,
        parts: [body.parts[0], { ...body.parts[1], checksum_sha256_base64: sha256(Buffer.from("x")) }],
      }),
      ["body", "parts", 1, "checksum_sha256_base64"],
    ],
    ["a part missing from the whole", (body: Completion) => ({ ...body, parts: [body.parts[0]] }), ["body", "parts"]],
  ])("refuses completion with %s", async (_case, tamper, loc) => {
    const upload = await twoPartFile();
    const etags = await putParts(upload);
    const res = await call(emu, "POST", `/v1/files/${upload.id}/uploaded`, { body: tamper(completion(upload, etags)) });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(loc);
    expect((await polar.files.list({ ids: upload.id })).items).toEqual([]);
    expect(readFileBytes(emu.state, upload.id)).toBeUndefined();
  });
});

describe("files:update, files:delete and product media", () => {
  async function productImage(): Promise<string> {
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const upload = await polar.files.create({
      service: "product_media",
      name: "cover.png",
      mime_type: "image/png",
      size: png.length,
      upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: png.length }] },
    });
    const [etag] = await putParts(upload as Upload, [png]);
    await polar.files.uploaded(upload.id, {
      id: upload.upload.id,
      path: upload.upload.path,
      parts: [{ number: 1, checksum_etag: etag!, checksum_sha256_base64: null }],
    });
    return upload.id;
  }

  it("serves product media publicly and shows it on products until deleted", async () => {
    const imageId = await productImage();
    const product = await polar.products.create({
      name: "Pictured",
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
      medias: [imageId],
    });
    const [media] = product.medias;
    expect(media).toMatchObject({
      id: imageId,
      service: "product_media",
      public_url: `${emu.url}/__emulator/files/${imageId}`,
    });
    const image = await fetch(media!.public_url);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).toString("hex")).toBe("89504e470d0a1a0a");

    const renamed = await polar.files.update(imageId, { name: "front.png", version: "2" });
    expect(renamed).toMatchObject({ name: "front.png", version: "2" });
    expect((await polar.products.get(product.id)).medias[0]).toMatchObject({ name: "front.png" });
    expect((await polar.files.update(imageId, { name: "", version: null })).name).toBe("front.png");

    expect((await call(emu, "DELETE", `/v1/files/${imageId}`)).status).toBe(204);
    expect((await polar.products.get(product.id)).medias).toEqual([]);
    expect((await fetch(media!.public_url)).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/files/${imageId}`)).status).toBe(404);
  });

  it("keeps downloadables private and refuses them as product media", async () => {
    const upload = await twoPartFile();
    await polar.files.uploaded(upload.id, completion(upload, await putParts(upload)));
    expect((await fetch(`${emu.url}/__emulator/files/${upload.id}`)).status).toBe(404);
    const res = await call(emu, "POST", "/v1/products/", {
      body: { name: "Wrong media", prices: [{ amount_type: "fixed", price_amount: 1000 }], medias: [upload.id] },
    });
    expect(res.body.detail[0]).toMatchObject({
      loc: ["body", "medias", 0],
      msg: "File does not exist or is not yet uploaded.",
    });
  });

  it("lists uploaded files with filters and pages", async () => {
    const ids = [await productImage(), await productImage()];
    const page = await polar.files.list({ ids, limit: 1 });
    expect(page.pagination).toEqual({ total_count: 2, max_page: 2 });
    expect(page.items.map((f) => f.id)).toEqual([ids[1]]);
    expect((await polar.files.list({ ids, organization_id: other.organizationId })).items).toEqual([]);
    expect((await call(emu, "GET", "/v1/files/?ids=../../x")).status).toBe(422);
  });
});

describe("organization isolation", () => {
  it("hides files and their completion from another organization", async () => {
    const upload = await twoPartFile();
    const etags = await putParts(upload);
    const theirs = await call(emu, "POST", `/v1/files/${upload.id}/uploaded`, {
      token: other.token,
      body: completion(upload, etags),
    });
    expect(theirs.status).toBe(404);
    expect((await failure(other.polar.files.update(upload.id, { name: "stolen" }))).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/files/${upload.id}`, { token: other.token })).status).toBe(404);
    await polar.files.uploaded(upload.id, completion(upload, etags));
    expect((await other.polar.files.list({ ids: upload.id })).items).toEqual([]);
    expect((await polar.files.list({ ids: upload.id })).items).toHaveLength(1);
  });
});
