import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card not-found">
      <h1 className="page-title">Not found</h1>
      <p className="muted">No schematic, build or page has this address.</p>
      <Link href="/" className="button">
        Configure an image
      </Link>
    </div>
  );
}
