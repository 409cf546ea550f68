import Link from "next/link";

export function SiteHeader() {
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          ⚒
        </span>{" "}
        Brokkr
      </Link>
      <nav aria-label="Main" className="main-nav">
        <ul>
          <li>
            <Link href="/">Configure</Link>
          </li>
          <li>
            <Link href="/builds">Builds</Link>
          </li>
          <li>
            <Link href="/s">Schematics</Link>
          </li>
          <li>
            <Link href="/catalog">Catalog</Link>
          </li>
        </ul>
      </nav>
    </header>
  );
}
