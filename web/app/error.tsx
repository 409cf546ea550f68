"use client";
// A page that failed on the server: production hides the message, the digest finds it in the log.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="card not-found" role="alert">
      <h1 className="page-title">Something went wrong</h1>
      <p className="muted">
        The page could not be shown
        {error.digest ? ` (digest ${error.digest} in the server log)` : ""}.
      </p>
      <p className="muted">Your settings are kept in the address bar: Try again brings them back.</p>
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
