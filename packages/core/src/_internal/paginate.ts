import { type Client, queryOperation } from "./operation";

/** One page of a list endpoint, in the API's own shape. */
export interface Page<T> {
  items: T[];
  pagination: { total_count: number; max_page: number };
}

/**
 * A list call: await it for the first page, or iterate it for every item of every page.
 * Later pages are fetched only as the iteration reaches them.
 *
 * @example
 * for await (const product of polar.products.list({ limit: 100 })) console.log(product.name);
 */
export type PagePromise<T> = Promise<Page<T>> & AsyncIterable<T>;

/** Like `operation`, for the spec's page/limit-paginated list endpoints. */
export function paginatedOperation(spec: string) {
  const call = queryOperation(spec);
  const queryAt = spec.split("{").length - 1;
  // biome-ignore lint/suspicious/noExplicitAny: the generated signature types each operation.
  return (client: Client, ...args: any[]): PagePromise<any> => {
    const fetchPage = (page?: number): Promise<Page<unknown>> => {
      const pageArgs = [...args];
      if (page) pageArgs[queryAt] = { ...pageArgs[queryAt], page };
      return call(client, ...pageArgs);
    };
    const first = fetchPage();
    return Object.assign(first, {
      async *[Symbol.asyncIterator]() {
        let page: number = args[queryAt]?.page ?? 1;
        let current = await first;
        for (;;) {
          yield* current.items;
          if (!current.items.length || page >= current.pagination.max_page) return;
          current = await fetchPage(++page);
        }
      },
    });
  };
}
