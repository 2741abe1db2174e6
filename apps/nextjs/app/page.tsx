// The organization's products, each with a Buy button: a POST form to /checkout, so that link
// prefetching cannot create checkout sessions.
import type { Product } from "@polar-kit/core";
import { priceLabel, productPeriod } from "@polar-kit/example-store/format";
import type { Metadata } from "next";
import Link from "next/link";
import { polar, reportPolarFailure } from "@/lib/polar";
import { currentUser } from "@/lib/session";

// The root page shares its segment with the layout, whose title template applies only below it.
export const metadata: Metadata = { title: "Products · Demo store" };

async function listProducts(): Promise<{ products: Product[] } | { problem: string }> {
  try {
    const { items } = await polar().products.list({ is_archived: false, sorting: ["created_at"], limit: 100 });
    return { products: items };
  } catch (error) {
    return { problem: reportPolarFailure(error, "list products") };
  }
}

function ProductCard({ product }: { product: Product }) {
  return (
    <article>
      <div>
        <h2>{product.name}</h2>
        {product.description && <p className="muted">{product.description}</p>}
        <p>
          <strong>{priceLabel(product)}</strong> <span className="muted">{productPeriod(product)}</span>
        </p>
      </div>
      <form method="post" action="/checkout">
        <input type="hidden" name="products" value={product.id} />
        <button type="submit" aria-label={`Buy ${product.name}`}>
          Buy
        </button>
      </form>
    </article>
  );
}

export default async function ProductsPage() {
  const [listed, user] = await Promise.all([listProducts(), currentUser()]);
  if ("problem" in listed) {
    return (
      <>
        <h1>Products are unavailable</h1>
        <p>{listed.problem}</p>
      </>
    );
  }
  const { products } = listed;
  return (
    <>
      <h1>Products</h1>
      {!user && (
        <p className="notice">
          <Link href="/login">Sign in</Link> first to find your purchases on your account page.
        </p>
      )}
      {products.length ? (
        products.map((product) => <ProductCard key={product.id} product={product} />)
      ) : (
        <p>This organization has no products yet.</p>
      )}
    </>
  );
}
