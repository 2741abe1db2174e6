// The tree-shakeable form: one standalone function per operation, each taking the client first.
export { type Client, type ClientOptions, createClient, type RequestOptions } from "./client";
export * from "./generated/operations";
