// A first look at @polar-kit/core: what the client can call, and a real call when a token is set.
import { API_VERSION, createPolar, PolarError } from "@polar-kit/core";

const polar = createPolar({
  accessToken: process.env.POLAR_ACCESS_TOKEN,
  server: process.env.POLAR_SERVER === "production" ? "production" : "sandbox",
  baseUrl: process.env.POLAR_API_URL,
});

const countOperations = (node) =>
  Object.values(node).reduce((n, value) => n + (typeof value === "function" ? 1 : countOperations(value)), 0);
const { client, ...groups } = polar;
console.log(`@polar-kit/core: Polar API ${API_VERSION}, ${countOperations(groups)} operations at ${client.baseUrl}`);
for (const [group, node] of Object.entries(groups)) console.log(`  polar.${group}: ${countOperations(node)}`);

if (!process.env.POLAR_ACCESS_TOKEN) {
  console.log("\nSet POLAR_ACCESS_TOKEN (a sandbox organization token) to list your products.");
} else {
  try {
    for await (const product of polar.products.list({ limit: 100 })) console.log(`- ${product.name} (${product.id})`);
  } catch (error) {
    console.error(error instanceof PolarError ? `${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  }
}
