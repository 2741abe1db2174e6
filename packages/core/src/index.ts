export type { Page, PagePromise } from "./_internal/paginate";
export { type ApiRequest, type Client, type ClientOptions, createClient, type RequestOptions, SERVERS } from "./client";
export {
  type ApiErrorInit,
  PolarApiError,
  PolarConnectionError,
  PolarError,
  type PolarErrorCode,
  type ValidationIssue,
} from "./errors";
export { API_VERSION } from "./generated/meta";
export { createPolar, type Polar } from "./polar";
export type * from "./types";
export { VERSION } from "./version";
